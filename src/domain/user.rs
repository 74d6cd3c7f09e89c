//! Checks on staff account fields.

use super::text::has_line_controls;

/// Shortest password we accept (NIST SP 800-63B asks for at least 8; we ask a little more).
pub const MIN_PASSWORD: usize = 10;
/// Longest password we hash.
pub const MAX_PASSWORD: usize = 256;

/// Normalises and checks an e-mail address used to sign in.
pub fn normalize_email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !has_line_controls(&email)
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        });
    if valid {
        Ok(email)
    } else {
        Err(format!("“{}” is not an e-mail address.", raw.trim()))
    }
}

/// Checks a display name.
pub fn check_display_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        Err("Give a display name.".into())
    } else if name.chars().count() > 80 {
        Err("A display name can be at most 80 characters.".into())
    } else if has_line_controls(name) {
        Err("A display name cannot contain control characters.".into())
    } else {
        Ok(name.to_owned())
    }
}

/// Checks a new password's length.
pub fn check_password(pw: &str) -> Result<(), String> {
    let n = pw.chars().count();
    if n < MIN_PASSWORD {
        Err(format!(
            "A password needs at least {MIN_PASSWORD} characters."
        ))
    } else if n > MAX_PASSWORD {
        Err(format!(
            "A password can be at most {MAX_PASSWORD} characters."
        ))
    } else if u8::from(zxcvbn::zxcvbn(pw, &[]).score()) < 3 {
        // zxcvbn ships the common-password lists and the patterns (words with digits,
        // keyboard runs, dates, l33t) that cracking tools try first; 3 is "safely
        // unguessable" against a throttled online attack.
        Err(
            "This password is too easy to guess: it is a common password or follows a \
             common pattern (a word with a number or a year, a keyboard run, a date). A few \
             unrelated words make a strong one."
                .into(),
        )
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalize_email(" Jo@Example.ORG ").unwrap(),
            "jo@example.org"
        );
        assert!(normalize_email("admin@localhost").is_ok());
        assert!(normalize_email("no-at-sign").is_err());
        assert!(normalize_email("a@b@c").is_err());
        assert!(normalize_email("a b@c").is_err());
    }

    #[test]
    fn passwords_need_length() {
        assert!(check_password("short").is_err());
        assert!(check_password("long enough pass").is_ok());
        for common in [
            "password123",
            "qwertyuiop",
            "iloveyou2024",
            "P@ssw0rd12345",
            "Summer2024!",
        ] {
            let e = check_password(common).unwrap_err();
            assert!(e.contains("too easy to guess"), "{common}: {e}");
        }
        assert!(check_password("correct horse battery staple").is_ok());
    }
}
