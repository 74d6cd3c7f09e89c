//! Who a commenter is, for the volume rules: an e-mail key and a network.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// A commenter as the volume rules see them: two comments are from the same person
/// when either the e-mail key or the network matches.
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

    /// Same person: same e-mail key, or same known network.
    pub fn same_person(&self, other: &Identity) -> bool {
        (!self.email_key.is_empty() && self.email_key == other.email_key)
            || self.same_network(other)
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
    fn same_person_by_email_or_network() {
        let ip = |s: &str| Some(s.parse().unwrap());
        let a = Identity::new("a@example.com", ip("192.0.2.1"), 24, 64);
        let b = Identity::new("A+x@example.com", ip("198.51.100.1"), 24, 64);
        let c = Identity::new("c@example.com", ip("192.0.2.200"), 24, 64);
        let d = Identity::new("d@example.com", None, 24, 64);
        let e = Identity::new("e@example.com", None, 24, 64);
        assert!(a.same_person(&b) && a.same_person(&c) && !b.same_person(&c));
        assert!(!d.same_person(&e), "unknown networks never match");
    }
}
