//! One-click unsubscribe tokens and subscription confirmation tokens: the subscriber's
//! folded e-mail and the post, under an HMAC-SHA256 of the site secret with a label for
//! each purpose, so a link works without signing in and cannot be made for somebody
//! else's subscription. Appeal links are signed the same way, for one comment, so nobody
//! can ask for a review of someone else's comment.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Longest token text looked at.
const MAX_TOKEN: usize = 600;

fn mac(secret: &[u8], purpose: &[u8], numbers: &[i64], email_key: &str) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    // A purpose label keeps these signatures from ever matching another token's.
    mac.update(purpose);
    for n in numbers {
        mac.update(format!("{n}\x00").as_bytes());
    }
    mac.update(email_key.as_bytes());
    Some(mac)
}

/// `{numbers…}.{base64 e-mail key}.{signature}`, signed for one purpose.
fn sign(secret: &[u8], purpose: &[u8], numbers: &[i64], email_key: &str) -> String {
    let sig = mac(secret, purpose, numbers, email_key)
        .map(|m| URL_SAFE_NO_PAD.encode(m.finalize().into_bytes()))
        .unwrap_or_default();
    let mut out = String::new();
    for n in numbers {
        out.push_str(&format!("{n}."));
    }
    out.push_str(&URL_SAFE_NO_PAD.encode(email_key.as_bytes()));
    out.push('.');
    out.push_str(&sig);
    out
}

/// The e-mail key and `N` numbers of a token [`sign`] made for `purpose`, if it did
/// (checked in constant time).
fn verify<const N: usize>(
    secret: &[u8],
    purpose: &[u8],
    token: &str,
) -> Option<(String, [i64; N])> {
    let token = token.trim();
    if token.len() > MAX_TOKEN {
        return None;
    }
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != N + 2 {
        return None;
    }
    let mut numbers = [0i64; N];
    for (slot, text) in numbers.iter_mut().zip(&parts) {
        *slot = exact_number(text)?;
    }
    let key = String::from_utf8(URL_SAFE_NO_PAD.decode(parts[N]).ok()?).ok()?;
    let sig = URL_SAFE_NO_PAD.decode(parts[N + 1]).ok()?;
    mac(secret, purpose, &numbers, &key)?
        .verify_slice(&sig)
        .ok()?;
    Some((key, numbers))
}

/// Reads the digits `sign` writes, and only those: `016` or `+16` would make a second
/// spelling of the same signed token.
fn exact_number(text: &str) -> Option<i64> {
    text.parse::<i64>().ok().filter(|n| n.to_string() == text)
}

const UNSUBSCRIBE: &[u8] = b"unsubscribe\x00";
const CONFIRM: &[u8] = b"confirm-subscription\x00";
const APPEAL: &[u8] = b"appeal\x00";

/// The token that lets the writer of comment `comment_id` ask for a review of it:
/// `{comment_id}.{signature}` (no e-mail key: the comment is the whole claim).
pub fn issue_appeal(secret: &[u8], comment_id: i64) -> String {
    let sig = mac(secret, APPEAL, &[comment_id], "")
        .map(|m| URL_SAFE_NO_PAD.encode(m.finalize().into_bytes()))
        .unwrap_or_default();
    format!("{comment_id}.{sig}")
}

/// The comment an appeal token names, if this site signed it (checked in constant time).
pub fn read_appeal(secret: &[u8], token: &str) -> Option<i64> {
    let token = token.trim();
    if token.len() > MAX_TOKEN {
        return None;
    }
    let (id, sig) = token.split_once('.')?;
    let id = exact_number(id)?;
    let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
    mac(secret, APPEAL, &[id], "")?.verify_slice(&sig).ok()?;
    Some(id)
}

/// The token for one subscription: `{post_id}.{base64 e-mail key}.{signature}`.
pub fn issue(secret: &[u8], email_key: &str, post_id: i64) -> String {
    sign(secret, UNSUBSCRIBE, &[post_id], email_key)
}

/// The subscription a token names, as `(email_key, post_id)`, if this site signed it
/// (checked in constant time).
pub fn read(secret: &[u8], token: &str) -> Option<(String, i64)> {
    verify::<1>(secret, UNSUBSCRIBE, token).map(|(key, [post])| (key, post))
}

/// The token confirming one request to subscribe, made at `requested` (Unix seconds):
/// a later request for the same thread (after an unsubscribe) needs a new link, so each
/// link works once.
pub fn issue_confirm(secret: &[u8], email_key: &str, post_id: i64, requested: i64) -> String {
    sign(secret, CONFIRM, &[post_id, requested], email_key)
}

/// The request a confirmation token names, as `(email_key, post_id, requested)`.
pub fn read_confirm(secret: &[u8], token: &str) -> Option<(String, i64, i64)> {
    verify::<2>(secret, CONFIRM, token).map(|(key, [post, at])| (key, post, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a test secret that is long enough";

    #[test]
    fn tokens_read_back_and_resist_forgery() {
        let t = issue(SECRET, "amira.haddad@example.org", 7);
        assert_eq!(
            read(SECRET, &t),
            Some(("amira.haddad@example.org".into(), 7))
        );
        assert_eq!(read(b"another secret, also long enough!", &t), None);
        assert_eq!(read(SECRET, &t.replacen('7', "8", 1)), None, "another post");
        let other = issue(SECRET, "someone.else@example.org", 7);
        let sig = t.rsplit('.').next().unwrap_or_default();
        let forged = format!("{}.{sig}", other.rsplit_once('.').map_or("", |p| p.0));
        assert_eq!(read(SECRET, &forged), None, "another address");
        let (_, rest) = t.split_once('.').unwrap_or_default();
        for other_spelling in ["07", "+7", "007"] {
            let respelled = format!("{other_spelling}.{rest}");
            assert_eq!(read(SECRET, &respelled), None, "{respelled:?}");
        }
        for junk in ["", "1.2", "x.y.z", "1.@@.z", "1.a.b.c"] {
            assert_eq!(read(SECRET, junk), None, "{junk:?}");
        }
        let c = issue_confirm(SECRET, "amira.haddad@example.org", 7, 1_800_000_000);
        assert_eq!(
            read_confirm(SECRET, &c),
            Some(("amira.haddad@example.org".into(), 7, 1_800_000_000))
        );
        assert_eq!(
            read(SECRET, &c),
            None,
            "a confirmation is no unsubscribe link"
        );
        assert_eq!(read_confirm(SECRET, &t), None, "nor the other way round");
        let later = c.replacen("1800000000", "1800000001", 1);
        assert_eq!(read_confirm(SECRET, &later), None, "another request");
    }

    #[test]
    fn appeal_tokens_name_one_comment_and_resist_forgery() {
        let t = issue_appeal(SECRET, 12);
        assert_eq!(read_appeal(SECRET, &t), Some(12));
        assert_eq!(read_appeal(b"another secret, also long enough!", &t), None);
        let sig = t.split_once('.').map_or("", |p| p.1);
        for other in ["13", "012", "+12"] {
            assert_eq!(
                read_appeal(SECRET, &format!("{other}.{sig}")),
                None,
                "{other}"
            );
        }
        // An unsubscribe signature is no appeal signature, and the other way round.
        let unsubscribe = issue(SECRET, "", 12);
        let unsub_sig = unsubscribe.rsplit('.').next().unwrap_or_default();
        assert_eq!(read_appeal(SECRET, &format!("12.{unsub_sig}")), None);
        assert_eq!(read(SECRET, &format!("12..{sig}")), None);
        for junk in ["", "12", "12.", "x.y", "12.@@"] {
            assert_eq!(read_appeal(SECRET, junk), None, "{junk:?}");
        }
    }
}
