//! The public commenting policy: `house-rules.md` from the rules folder, so staff can
//! edit it without a rebuild, or the copy shipped in the binary.

use std::path::Path;

use crate::config::Settings;
use crate::domain::SafeHtml;

/// The policy as shipped.
const SHIPPED: &str = include_str!("../../moderation-rules/house-rules.md");
/// The file's name in the rules folder.
pub const FILE_NAME: &str = "house-rules.md";

/// The policy's Markdown: the rules folder's copy if there is one, else the shipped one.
pub fn markdown(rules_dir: &Path) -> String {
    match std::fs::read_to_string(rules_dir.join(FILE_NAME)) {
        Ok(text) => text,
        Err(e) => {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(error = %e, dir = %rules_dir.display(), "house rules unreadable; showing the shipped copy");
            }
            SHIPPED.to_owned()
        }
    }
}

/// The policy rendered for the page, with `{archive_after_days}` and `{ip_retention_days}`
/// filled in from the settings. Read on every request: it is small, and staff expect an
/// edit to show at once.
pub fn page(settings: &Settings) -> SafeHtml {
    let text = markdown(&settings.rules_dir)
        .replace(
            "{archive_after_days}",
            &settings.archive_after_days.to_string(),
        )
        .replace(
            "{ip_retention_days}",
            &settings.ip_retention_days.to_string(),
        );
    SafeHtml::from_markdown(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_policy_names_the_settings() {
        let settings = Settings {
            rules_dir: "/nonexistent".into(),
            ip_retention_days: 9,
            ..Settings::default()
        };
        let html = page(&settings);
        assert!(html.as_str().contains("for 9 days"), "{}", html.as_str());
        assert!(html.as_str().contains("Be civil"));
        assert!(!html.as_str().contains('{'), "placeholders are filled");
    }
}
