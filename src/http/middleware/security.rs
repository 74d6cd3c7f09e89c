//! Security headers on every response.

use actix_web::middleware::DefaultHeaders;

/// The Content-Security-Policy: scripts, styles and images from this site only (images
/// also from the hosts in `image_hosts`); no inline script, no framing, no plugins.
pub fn content_security_policy(image_hosts: &[String]) -> String {
    let mut images = String::from("'self'");
    for host in image_hosts {
        images.push(' ');
        images.push_str(host);
    }
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The headers every page carries; HSTS only when the site is served over HTTPS.
pub fn headers(https: bool, image_hosts: &[String]) -> DefaultHeaders {
    let h = DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            content_security_policy(image_hosts),
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ))
        .add(("Cross-Origin-Opener-Policy", "same-origin"));
    if https {
        h.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        h
    }
}
