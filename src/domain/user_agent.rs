//! A browser named the way its owner would recognise it, from its `User-Agent`.

/// Browser names by a token of their `User-Agent`, most specific first: Edge and Opera
/// also say Chrome, and Chrome also says Safari.
const BROWSERS: &[(&str, &str)] = &[
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
];

/// Systems by a token of the `User-Agent`, most specific first: Android also says Linux,
/// and iPhones say "like Mac OS X".
const SYSTEMS: &[(&str, &str)] = &[
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
];

/// The longest a `User-Agent` no name is found in is shown.
const SHOWN_CHARS: usize = 60;

/// "Firefox on Linux", "Safari on iOS"; a `User-Agent` naming neither a known browser
/// nor a known system is shown itself, cut to `SHOWN_CHARS`; an empty one as unknown.
pub fn summary(user_agent: &str) -> String {
    let find = |list: &[(&str, &'static str)]| {
        list.iter()
            .find(|(token, _)| user_agent.contains(token))
            .map(|&(_, name)| name)
    };
    match (find(BROWSERS), find(SYSTEMS)) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(name), None) | (None, Some(name)) => name.to_owned(),
        (None, None) if user_agent.trim().is_empty() => "Unknown browser".to_owned(),
        (None, None) => {
            let mut shown: String = user_agent.trim().chars().take(SHOWN_CHARS).collect();
            if user_agent.trim().chars().count() > SHOWN_CHARS {
                shown.push('…');
            }
            shown
        }
    }
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn common_browsers_are_named() {
        for (ua, want) in [
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari on iOS",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Chrome on Android",
            ),
            ("", "Unknown browser"),
            ("curl/8.5.0", "curl/8.5.0"),
        ] {
            assert_eq!(summary(ua), want, "{ua}");
        }
        assert_eq!(summary(&"x".repeat(100)).chars().count(), 61);
    }
}
