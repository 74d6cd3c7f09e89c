//! The client's address, for sign-in throttles, comment volume and network bans.
//!
//! Directly on the internet it is the connection's peer. Behind a proxy
//! (`trust_proxy = true`) it is the **last** address of the last `X-Forwarded-For`
//! header: the one the site's own proxy wrote. Anything before it came from the client
//! and could be anything, and the `Forwarded` header is never read (a client can send
//! one that a proxy passes through). `deploy/nginx.conf` replaces `X-Forwarded-For`
//! and clears `Forwarded`.

use std::net::{IpAddr, SocketAddr};

use actix_web::HttpRequest;

/// The client's address; `None` when the proxy's header holds no address.
pub fn client_addr(req: &HttpRequest, trust_proxy: bool) -> Option<IpAddr> {
    if !trust_proxy {
        return req.peer_addr().map(|a| a.ip());
    }
    match req.headers().get_all("x-forwarded-for").last() {
        Some(value) => {
            let last = value.to_str().ok()?.rsplit(',').next()?;
            parse(last)
        }
        // Not through the proxy (a health check on the server itself): the peer.
        None => req.peer_addr().map(|a| a.ip()),
    }
}

/// The client's address as text, `unknown` when it cannot be read (sign-in attempts
/// are still counted, all together).
pub fn client_ip(req: &HttpRequest, trust_proxy: bool) -> String {
    client_addr(req, trust_proxy).map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

/// An address as proxies write it: bare, with a port, or bracketed IPv6 with a port.
fn parse(raw: &str) -> Option<IpAddr> {
    let raw = raw.trim();
    raw.parse::<IpAddr>()
        .ok()
        .or_else(|| raw.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            raw.strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|r| r.parse().ok())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn through_proxy(headers: &[(&str, &str)]) -> Option<String> {
        let mut req = TestRequest::default().peer_addr("10.0.0.2:5000".parse().unwrap());
        for h in headers {
            req = req.append_header(*h);
        }
        client_addr(&req.to_http_request(), true).map(|ip| ip.to_string())
    }

    #[test]
    fn addresses_are_read_in_every_form() {
        for (header, want) in [
            ("203.0.113.9", "203.0.113.9"),
            ("203.0.113.9:4711", "203.0.113.9"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("2001:db8::1", "2001:db8::1"),
        ] {
            assert_eq!(
                through_proxy(&[("X-Forwarded-For", header)]).as_deref(),
                Some(want),
                "{header}"
            );
        }
        assert_eq!(
            through_proxy(&[("X-Forwarded-For", "not an address")]),
            None
        );
    }

    #[test]
    fn only_the_address_the_proxy_wrote_counts() {
        // A client's own X-Forwarded-For, appended to by the proxy: the last one.
        assert_eq!(
            through_proxy(&[("X-Forwarded-For", "198.51.100.7, 203.0.113.9")]).as_deref(),
            Some("203.0.113.9")
        );
        assert_eq!(
            through_proxy(&[
                ("X-Forwarded-For", "198.51.100.7"),
                ("X-Forwarded-For", "203.0.113.9"),
            ])
            .as_deref(),
            Some("203.0.113.9")
        );
        // `Forwarded` is never read, before or instead of X-Forwarded-For.
        assert_eq!(
            through_proxy(&[
                ("Forwarded", "for=198.51.100.7"),
                ("X-Forwarded-For", "203.0.113.9"),
            ])
            .as_deref(),
            Some("203.0.113.9")
        );
        assert_eq!(
            through_proxy(&[("Forwarded", "for=198.51.100.7")]).as_deref(),
            Some("10.0.0.2")
        );
    }

    #[test]
    fn without_a_proxy_the_headers_are_ignored() {
        let req = TestRequest::default()
            .peer_addr("192.0.2.4:5000".parse().unwrap())
            .insert_header(("X-Forwarded-For", "198.51.100.7"))
            .insert_header(("Forwarded", "for=198.51.100.8"))
            .to_http_request();
        assert_eq!(client_ip(&req, false), "192.0.2.4");
    }
}
