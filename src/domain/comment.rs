//! A reader's comment as typed into the form, and the checks it must pass.

use serde::{Deserialize, Serialize};

use super::FieldErrors;
use super::text::{has_forbidden_controls, has_line_controls};
use super::user::normalize_email;

/// Longest name, in characters.
pub const MAX_NAME: usize = 80;
/// Longest website address, in characters.
pub const MAX_WEBSITE: usize = 300;
/// Longest comment, in characters (2,000-character comments are normal).
pub const MAX_BODY: usize = 5000;
/// The most bytes a comment within [`MAX_BODY`] characters takes (UTF-8 has up to four
/// per character): all a reader of untrusted input needs to keep to judge one.
pub const MAX_BODY_BYTES: usize = MAX_BODY * 4;

/// The comment form's fields exactly as submitted, kept to re-fill the form on an error.
/// Every field is text so that nothing a reader sends makes the whole form unreadable.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CommentInput {
    /// Name to show.
    #[serde(default)]
    pub name: String,
    /// E-mail address; never shown publicly.
    #[serde(default)]
    pub email: String,
    /// Optional website address.
    #[serde(default)]
    pub website: String,
    /// The comment (a small Markdown subset).
    #[serde(default)]
    pub body: String,
    /// The id of the comment this one replies to, or empty.
    #[serde(default)]
    pub reply_to: String,
    /// The house-rules agreement box; any value means ticked.
    #[serde(default)]
    pub agree: String,
    /// "E-mail me replies to this thread"; any value means ticked.
    #[serde(default)]
    pub notify_replies: String,
}

/// A comment that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    /// Name, trimmed.
    pub name: String,
    /// E-mail as typed, trimmed.
    pub email: String,
    /// Website as typed, trimmed; empty when none.
    pub website: String,
    /// The body exactly as submitted.
    pub body: String,
    /// The comment replied to.
    pub reply_to: Option<i64>,
    /// The commenter wants e-mail about new comments on this post.
    pub notify_replies: bool,
}

/// Checks a website address: `http(s)://` with a host, as typed.
pub fn check_website(raw: &str) -> Result<(), &'static str> {
    if raw.chars().count() > MAX_WEBSITE {
        return Err("A website address can be at most 300 characters.");
    }
    if has_line_controls(raw) || raw.contains(char::is_whitespace) {
        return Err("A website address cannot contain spaces or control characters.");
    }
    match url::Url::parse(raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(()),
        _ => Err(
            "Give your website as a full address starting with https:// or http://, or leave it empty.",
        ),
    }
}

/// Checks the name shown with a comment (trimmed by the caller).
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        Err("Please give a name to show with your comment.".into())
    } else if name.chars().count() > MAX_NAME {
        Err(format!("A name can be at most {MAX_NAME} characters."))
    } else if has_line_controls(name) {
        Err("A name cannot contain control characters.".into())
    } else {
        Ok(())
    }
}

/// Checks a commenter's e-mail address (trimmed by the caller) with the sign-in
/// normalisation, so no line break or second address reaches a mail header.
pub fn check_email(email: &str) -> Result<(), String> {
    if email.is_empty() {
        return Err("Please give your e-mail address. It is never shown publicly.".into());
    }
    normalize_email(email).map(|_| ())
}

/// Checks a comment's text as it will be stored.
pub fn check_body(body: &str) -> Result<(), String> {
    let chars = body.chars().count();
    if body.trim().is_empty() {
        Err("Please write your comment.".into())
    } else if chars > MAX_BODY {
        Err(format!(
            "A comment can be at most {MAX_BODY} characters; yours has {chars}."
        ))
    } else if has_forbidden_controls(body) {
        Err("Your comment contains control characters that cannot be stored.".into())
    } else {
        Ok(())
    }
}

impl CommentInput {
    /// Whether "E-mail me replies to this thread" was ticked.
    pub fn wants_replies(&self) -> bool {
        !self.notify_replies.trim().is_empty()
    }

    /// Checks every field, collecting all problems so the reader fixes them in one go.
    pub fn validate(&self) -> Result<NewComment, FieldErrors> {
        let mut errors = FieldErrors::default();

        let name = self.name.trim();
        if let Err(message) = check_name(name) {
            errors.add("name", message);
        }

        let email = self.email.trim();
        if let Err(message) = check_email(email) {
            errors.add("email", message);
        }

        let website = self.website.trim();
        if !website.is_empty()
            && let Err(message) = check_website(website)
        {
            errors.add("website", message);
        }

        if let Err(message) = check_body(&self.body) {
            errors.add("body", message);
        }

        let reply_to = match self.reply_to.trim() {
            "" => None,
            id => match id.parse::<i64>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    errors.add("reply_to", "The comment you are replying to was not found.");
                    None
                }
            },
        };

        if self.agree.is_empty() {
            errors.add("agree", "Please confirm you have read the house rules.");
        }

        if errors.is_empty() {
            Ok(NewComment {
                name: name.to_owned(),
                email: email.to_owned(),
                website: website.to_owned(),
                body: self.body.clone(),
                reply_to,
                notify_replies: self.wants_replies(),
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, email: &str, website: &str, body: &str) -> CommentInput {
        CommentInput {
            name: name.into(),
            email: email.into(),
            website: website.into(),
            body: body.into(),
            reply_to: String::new(),
            agree: "yes".into(),
            notify_replies: String::new(),
        }
    }

    #[test]
    fn a_good_comment_passes_with_its_text_kept() {
        let c = input(
            " Amira ",
            " Amira@Example.org ",
            " https://amira.example/ ",
            " Body\r\n",
        )
        .validate()
        .unwrap();
        assert_eq!(c.name, "Amira");
        assert_eq!(c.email, "Amira@Example.org", "as typed, trimmed");
        assert_eq!(c.website, "https://amira.example/");
        assert_eq!(c.body, " Body\r\n", "the body is kept exactly");
        assert_eq!(c.reply_to, None);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut i = input("", "not-an-email", "javascript:alert(1)", "   ");
        i.agree = String::new();
        i.reply_to = "abc".into();
        let e = i.validate().unwrap_err();
        for field in ["name", "email", "website", "body", "agree", "reply_to"] {
            assert!(e.0.contains_key(field), "{field} should be flagged: {e:?}");
        }
        assert_eq!(
            e.0["agree"],
            "Please confirm you have read the house rules."
        );
    }

    #[test]
    fn limits_and_controls() {
        assert!(
            input(&"n".repeat(81), "a@b.org", "", "x")
                .validate()
                .is_err()
        );
        assert!(
            input("n", "a@b.org", "", &"x".repeat(5001))
                .validate()
                .is_err()
        );
        assert!(
            input("n", "a@b.org", "", &"x".repeat(2000))
                .validate()
                .is_ok()
        );
        assert!(input("n\u{1b}", "a@b.org", "", "x").validate().is_err());
        assert!(input("n", "a@b.org", "", "nul \0").validate().is_err());
        assert!(
            input("n", "a@b.org", "ftp://x.org", "x")
                .validate()
                .is_err()
        );
        assert!(
            input(
                "n",
                "a@b.org",
                &format!("https://x.org/{}", "a".repeat(300)),
                "x"
            )
            .validate()
            .is_err()
        );
        let mut reply = input("n", "a@b.org", "", "x");
        reply.reply_to = "12".into();
        assert_eq!(reply.validate().unwrap().reply_to, Some(12));
    }
}
