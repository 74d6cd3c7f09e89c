//! One-click unsubscribe tokens: the subscriber's folded e-mail and the post, under an
//! HMAC-SHA256 of the site secret, so a link works without signing in and cannot be
//! made for somebody else's subscription.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Longest token text looked at.
const MAX_TOKEN: usize = 600;

fn mac(secret: &[u8], email_key: &str, post_id: i64) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    // A purpose label keeps these signatures from ever matching another token's.
    mac.update(b"unsubscribe\x00");
    mac.update(format!("{post_id}\x00{email_key}").as_bytes());
    Some(mac)
}

/// The token for one subscription: `{post_id}.{base64 e-mail key}.{signature}`.
pub fn issue(secret: &[u8], email_key: &str, post_id: i64) -> String {
    let sig = mac(secret, email_key, post_id)
        .map(|m| URL_SAFE_NO_PAD.encode(m.finalize().into_bytes()))
        .unwrap_or_default();
    format!(
        "{post_id}.{}.{sig}",
        URL_SAFE_NO_PAD.encode(email_key.as_bytes())
    )
}

/// The subscription a token names, as `(email_key, post_id)`, if this site signed it
/// (checked in constant time).
pub fn read(secret: &[u8], token: &str) -> Option<(String, i64)> {
    let token = token.trim();
    if token.len() > MAX_TOKEN {
        return None;
    }
    let mut parts = token.split('.');
    let (Some(post), Some(key), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    // Only the digits `issue` writes: `016` or `+16` would make a second spelling of
    // the same signed token.
    let post_id = post
        .parse::<i64>()
        .ok()
        .filter(|id| id.to_string() == post)?;
    let key = String::from_utf8(URL_SAFE_NO_PAD.decode(key).ok()?).ok()?;
    let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
    mac(secret, &key, post_id)?.verify_slice(&sig).ok()?;
    Some((key, post_id))
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
    }
}
