//! The comment form's signed token: which post the form is for, when it was rendered
//! and a random nonce, under an HMAC-SHA256 of the site secret. On submission it tells
//! the engine how long the form was open, or that the token was missing, forged or
//! replayed. That is evidence for the rules, never a reason to drop a comment.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, NaiveDateTime};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::moderation::FormTiming;
use crate::storage::{DbConn, form_nonces};

/// How long used nonces are remembered; older tokens cannot be checked for replay.
pub const NONCE_DAYS: i64 = 2;
/// How far in the future a render time may be (clocks of several app servers differ a little).
const CLOCK_SKEW_SECONDS: f64 = 5.0;
/// Longest token text looked at.
const MAX_TOKEN: usize = 200;

/// What a submitted token says before the database is asked about its nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    /// No token was sent.
    Missing,
    /// Malformed, or the signature does not match.
    Invalid,
    /// Signed by this site.
    Valid {
        /// The post the form was rendered for.
        post_id: i64,
        /// When it was rendered, in Unix seconds.
        rendered_at: i64,
        /// Its one-time nonce.
        nonce: String,
    },
}

fn mac(secret: &[u8], post_id: i64, rendered_at: i64, nonce: &str) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    mac.update(b"comment-form\x00");
    mac.update(format!("{post_id}.{rendered_at}.{nonce}").as_bytes());
    Some(mac)
}

/// A token for a form rendered now on a post, with a fresh nonce.
pub fn issue(secret: &[u8], post_id: i64, rendered_at: i64) -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    issue_with_nonce(secret, post_id, rendered_at, &URL_SAFE_NO_PAD.encode(bytes))
}

/// A token with a given nonce (tests use it to stand in for a form rendered earlier).
pub fn issue_with_nonce(secret: &[u8], post_id: i64, rendered_at: i64, nonce: &str) -> String {
    let sig = mac(secret, post_id, rendered_at, nonce)
        .map(|m| URL_SAFE_NO_PAD.encode(m.finalize().into_bytes()))
        .unwrap_or_default();
    format!("{post_id}.{rendered_at}.{nonce}.{sig}")
}

/// Checks a submitted token's form and signature (in constant time).
pub fn read(secret: &[u8], token: &str) -> TokenCheck {
    let token = token.trim();
    if token.is_empty() {
        return TokenCheck::Missing;
    }
    if token.len() > MAX_TOKEN {
        return TokenCheck::Invalid;
    }
    let parts: Vec<&str> = token.split('.').collect();
    let [post_id, rendered_at, nonce, sig] = parts[..] else {
        return TokenCheck::Invalid;
    };
    let (Ok(post_id), Ok(rendered_at)) = (post_id.parse::<i64>(), rendered_at.parse::<i64>())
    else {
        return TokenCheck::Invalid;
    };
    let nonce_ok = !nonce.is_empty()
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let signed = URL_SAFE_NO_PAD.decode(sig).ok().is_some_and(|bytes| {
        mac(secret, post_id, rendered_at, nonce).is_some_and(|m| m.verify_slice(&bytes).is_ok())
    });
    if nonce_ok && signed {
        TokenCheck::Valid {
            post_id,
            rendered_at,
            nonce: nonce.to_owned(),
        }
    } else {
        TokenCheck::Invalid
    }
}

/// Turns a token into the engine's timing evidence for a submission to `post_id`,
/// using up its nonce. Call inside the submission's transaction.
pub fn timing(
    conn: &mut DbConn,
    check: &TokenCheck,
    post_id: i64,
    now: NaiveDateTime,
) -> diesel::QueryResult<FormTiming> {
    let TokenCheck::Valid {
        post_id: for_post,
        rendered_at,
        nonce,
    } = check
    else {
        return Ok(match check {
            TokenCheck::Missing => FormTiming::Missing,
            _ => FormTiming::Invalid,
        });
    };
    let age = now.and_utc().timestamp_millis() as f64 / 1000.0 - *rendered_at as f64;
    // Past the nonce memory a replay could not be recognised, so an old token proves nothing.
    let too_old = age > Duration::days(NONCE_DAYS).num_seconds() as f64;
    if *for_post != post_id || age < -CLOCK_SKEW_SECONDS || too_old {
        return Ok(FormTiming::Invalid);
    }
    if !form_nonces::claim(conn, nonce, now)? {
        return Ok(FormTiming::Replayed);
    }
    Ok(FormTiming::Seconds(age.max(0.0)))
}

/// The `form_check` column's value for a timing.
pub fn check_name(timing: FormTiming) -> &'static str {
    match timing {
        FormTiming::Seconds(_) => "ok",
        FormTiming::Missing => "missing",
        FormTiming::Invalid => "invalid",
        FormTiming::Replayed => "replayed",
    }
}

/// A stored `form_check` and `form_seconds` read back as the timing they recorded.
pub fn stored_timing(check: &str, seconds: Option<f64>) -> FormTiming {
    // The names are `check_name`'s: one table, read both ways.
    let timed = seconds.map(FormTiming::Seconds);
    timed
        .into_iter()
        .chain([FormTiming::Invalid, FormTiming::Replayed])
        .find(|t| check_name(*t) == check)
        .unwrap_or(FormTiming::Missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a test secret that is long enough";

    #[test]
    fn stored_checks_read_back_as_the_timing_written() {
        for t in [
            FormTiming::Seconds(12.5),
            FormTiming::Missing,
            FormTiming::Invalid,
            FormTiming::Replayed,
        ] {
            let seconds = match t {
                FormTiming::Seconds(s) => Some(s),
                _ => None,
            };
            assert_eq!(stored_timing(check_name(t), seconds), t);
        }
        // An "ok" row without its seconds cannot say how long the form was open.
        assert_eq!(stored_timing("ok", None), FormTiming::Missing);
    }

    #[test]
    fn issued_tokens_read_back() {
        let t = issue(SECRET, 7, 1_700_000_000);
        let TokenCheck::Valid {
            post_id,
            rendered_at,
            nonce,
        } = read(SECRET, &t)
        else {
            panic!("valid: {t}");
        };
        assert_eq!((post_id, rendered_at), (7, 1_700_000_000));
        assert!(nonce.len() >= 20);
        assert_ne!(issue(SECRET, 7, 1_700_000_000), t, "nonces differ");
    }

    #[test]
    fn forged_or_broken_tokens_are_invalid() {
        let t = issue(SECRET, 7, 1_700_000_000);
        assert_eq!(read(SECRET, ""), TokenCheck::Missing);
        assert_eq!(read(SECRET, "  "), TokenCheck::Missing);
        assert_eq!(
            read(b"another secret entirely, also long", &t),
            TokenCheck::Invalid
        );
        let moved = t.replacen("7.", "8.", 1);
        assert_eq!(read(SECRET, &moved), TokenCheck::Invalid, "another post");
        let later = t.replace("1700000000", "1700000100");
        assert_eq!(read(SECRET, &later), TokenCheck::Invalid, "another time");
        for junk in [
            "a.b.c.d",
            "1.2.3",
            "1.2.x y.sig",
            &"9".repeat(500),
            "1.2.\u{0}.z",
        ] {
            assert_eq!(read(SECRET, junk), TokenCheck::Invalid, "{junk:?}");
        }
    }
}
