//! Who a commenter is, for the volume rules: an e-mail key, a network, and the name
//! they typed. Which comments belong to one person is decided in [`super::linking`]:
//! the e-mail key alone links; a shared network (or exact address) links only with
//! corroboration, such as a similar name ([`similar_names`]).

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::normalize;

/// A commenter as the volume rules see them. The same e-mail key is the same person; a
/// shared network is not, on its own (offices, libraries and mobile carriers put many
/// people behind one network).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Identity {
    /// The e-mail, lower-cased, without a `+tag` in the local part.
    pub email_key: String,
    /// The network prefix, e.g. `203.0.113.0/24` (empty when the address is unknown).
    pub network: String,
}

impl Identity {
    /// Builds the identity from what the form and the connection gave.
    pub fn new(email: &str, ip: Option<IpAddr>, ipv4_prefix: u8, ipv6_prefix: u8) -> Identity {
        Identity {
            email_key: email_key(email),
            network: ip
                .map(|ip| network_of(ip, ipv4_prefix, ipv6_prefix))
                .unwrap_or_default(),
        }
    }

    /// Same known e-mail key: the same person.
    pub fn same_email(&self, other: &Identity) -> bool {
        !self.email_key.is_empty() && self.email_key == other.email_key
    }

    /// Same known network.
    pub fn same_network(&self, other: &Identity) -> bool {
        !self.network.is_empty() && self.network == other.network
    }
}

/// `Jo.Bloggs+blog@Example.com` → `jo.bloggs@example.com`.
pub fn email_key(email: &str) -> String {
    let email = email.trim().to_lowercase();
    match email.rsplit_once('@') {
        Some((local, domain)) => {
            let local = local.split_once('+').map_or(local, |(l, _)| l);
            format!("{local}@{domain}")
        }
        None => email,
    }
}

/// The address as bans and the ban form compare it: an IPv4-mapped IPv6 address is
/// written as the IPv4 address it carries, so a dual-stack listener gives one spelling.
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => v6.to_string(),
        },
        IpAddr::V4(v4) => v4.to_string(),
    }
}

/// A display name as the linking compares it: its words folded (case, accents,
/// look-alike letters, punctuation: the engine's `plain` folding), digits dropped, and
/// initials kept as one-letter words. `M. Hosseini` → `m hosseini`; `MH`, typed as
/// capitals, is read as the initials `m h`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameKey {
    words: Vec<String>,
}

/// Names that say nothing about who wrote: two "Anonymous" on one network are not
/// thereby one person.
const PLACEHOLDER_NAMES: &[&str] = &[
    "anon",
    "anonymous",
    "a reader",
    "citizen",
    "concerned citizen",
    "concerned resident",
    "guest",
    "local resident",
    "me",
    "na",
    "name",
    "no name",
    "none",
    "reader",
    "resident",
    "unknown",
    "user",
];

impl NameKey {
    /// Folds a name as typed.
    pub fn new(name: &str) -> NameKey {
        let name = name.trim();
        let folded = normalize::fold(name);
        let mut words: Vec<String> = folded
            .plain
            .text
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        // "MH" or "MAH": two or three capitals typed as one word are initials.
        let capitals = name.chars().count();
        if words.len() == 1
            && (2..=3).contains(&capitals)
            && name.chars().all(|c| c.is_alphabetic() && c.is_uppercase())
        {
            words = words[0].chars().map(String::from).collect();
        }
        let joined = words.join(" ");
        if PLACEHOLDER_NAMES.contains(&joined.as_str()) {
            words.clear();
        }
        NameKey { words }
    }

    /// Whether the name has nothing to compare (empty, or a placeholder like "Anonymous").
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// One word of a name against another: equal, or an initial that starts the other.
fn compatible(a: &str, b: &str) -> bool {
    let initial = |x: &str, y: &str| x.chars().count() == 1 && y.starts_with(x);
    a == b || initial(a, b) || initial(b, a)
}

/// Whether two names could be the same person's, as corroboration on a shared network:
///
/// - the same name (after folding), unless it is a placeholder like "Anonymous";
/// - two names of two or more words whose first and last words agree, where an initial
///   agrees with any word it starts: `Maryam H`, `M. Hosseini`, `MH` and
///   `Maryam A. Hosseini` are all similar to `Maryam Hosseini` (also with first and last
///   swapped, `Hosseini Maryam`);
/// - never a one-word name against a longer one: a first name alone ("Sam" against
///   "Sam Reader") is shared by too many people to link two commenters, and full words
///   must match exactly ("Sam Reader" is not "Sam Rogers"; "John Smith" is not
///   "Jane Smith").
pub fn similar_names(a: &NameKey, b: &NameKey) -> bool {
    let (a, b) = (&a.words, &b.words);
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        // A lone initial ("M") is too little to go on.
        return a.iter().map(|w| w.chars().count()).sum::<usize>() >= 2;
    }
    if a.len() < 2 || b.len() < 2 {
        return false;
    }
    let (a_first, a_last, b_first, b_last) = (&a[0], &a[a.len() - 1], &b[0], &b[b.len() - 1]);
    (compatible(a_first, b_first) && compatible(a_last, b_last))
        || (compatible(a_first, b_last) && compatible(a_last, b_first))
}

/// The address masked to its network prefix, written as `address/prefix`.
pub fn network_of(ip: IpAddr, ipv4_prefix: u8, ipv6_prefix: u8) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let bits = ipv4_prefix.min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            let net = std::net::Ipv4Addr::from(u32::from(v4) & mask);
            format!("{net}/{bits}")
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return network_of(IpAddr::V4(v4), ipv4_prefix, ipv6_prefix);
            }
            let bits = ipv6_prefix.min(128);
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            let net = std::net::Ipv6Addr::from(u128::from(v6) & mask);
            format!("{net}/{bits}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_key_ignores_case_and_plus_tags() {
        assert_eq!(
            email_key(" Jo.Bloggs+blog@Example.COM "),
            "jo.bloggs@example.com"
        );
        assert_eq!(email_key("jo@example.com"), "jo@example.com");
    }

    #[test]
    fn networks_are_prefixes() {
        let a: IpAddr = "203.0.113.31".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:3:4:5:6".parse().unwrap();
        let mapped: IpAddr = "::ffff:203.0.113.9".parse().unwrap();
        assert_eq!(network_of(a, 24, 64), "203.0.113.0/24");
        assert_eq!(network_of(b, 24, 64), "2001:db8:1:2::/64");
        assert_eq!(network_of(mapped, 24, 64), "203.0.113.0/24");
    }

    #[test]
    fn same_email_and_same_network_are_separate_questions() {
        let ip = |s: &str| Some(s.parse().unwrap());
        let a = Identity::new("a@example.com", ip("192.0.2.1"), 24, 64);
        let b = Identity::new("A+x@example.com", ip("198.51.100.1"), 24, 64);
        let c = Identity::new("c@example.com", ip("192.0.2.200"), 24, 64);
        let d = Identity::new("d@example.com", None, 24, 64);
        let e = Identity::new("e@example.com", None, 24, 64);
        assert!(a.same_email(&b) && !a.same_email(&c));
        assert!(a.same_network(&c) && !a.same_network(&b));
        assert!(!d.same_network(&e), "unknown networks never match");
        let none = Identity::default();
        assert!(!none.same_email(&none), "an empty e-mail key links nobody");
    }

    #[test]
    fn addresses_have_one_spelling() {
        let mapped: IpAddr = "::ffff:203.0.113.9".parse().unwrap();
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(address_key(mapped), "203.0.113.9");
        assert_eq!(address_key(v6), "2001:db8::1");
    }

    fn similar(a: &str, b: &str) -> bool {
        let (ka, kb) = (NameKey::new(a), NameKey::new(b));
        let forward = similar_names(&ka, &kb);
        assert_eq!(forward, similar_names(&kb, &ka), "symmetric: {a} / {b}");
        forward
    }

    #[test]
    fn similar_names_are_one_person_s_spellings() {
        for (a, b) in [
            ("Maryam Hosseini", "Maryam H"),
            ("Maryam Hosseini", "M. Hosseini"),
            ("Maryam Hosseini", "MH"),
            ("M. Hosseini", "Maryam H"),
            ("MH", "Maryam H"),
            ("MH", "m.h."),
            ("Maryam Hosseini", "maryam HOSSEINI"),
            ("Maryam Hosseini", "Maryam A. Hosseini"),
            ("Maryam Hosseini", "Hosseini, Maryam"),
            ("José Núñez", "jose nunez"),
            ("Zoë O'Brien", "Zoe O Brien"),
            ("Londonmum", "londonmum"),
            ("Sam", "sam"),
            ("Sam Reader", "S Reader"),
            ("Maryam87", "maryam"),
        ] {
            assert!(similar(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn strangers_names_are_not_similar() {
        for (a, b) in [
            // A first name alone is too common to link two people.
            ("Sam", "Sam Reader"),
            ("Maryam", "Maryam Hosseini"),
            ("Hosseini", "Maryam Hosseini"),
            // Full words must agree.
            ("Sam Reader", "Sam Rogers"),
            ("John Smith", "Jane Smith"),
            ("Maryam Hosseini", "Mariam Hosseini"),
            ("MH", "Mark Jones"),
            ("MH", "Londonmum"),
            ("Sam", "Samantha"),
            // Placeholders and empty names say nothing.
            ("Anonymous", "anonymous"),
            ("A reader", "a reader"),
            ("", ""),
            ("!!!", "!!!"),
            ("M", "m"),
        ] {
            assert!(!similar(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn only_short_capitals_are_initials() {
        assert_eq!(NameKey::new("MH").words, ["m", "h"]);
        assert_eq!(NameKey::new("MAH").words, ["m", "a", "h"]);
        assert_eq!(NameKey::new("Mh").words, ["mh"]);
        assert_eq!(NameKey::new("NHS").words, ["n", "h", "s"]);
        assert_eq!(NameKey::new("MARYAM").words, ["maryam"]);
        assert!(NameKey::new("  ").is_empty());
    }
}
