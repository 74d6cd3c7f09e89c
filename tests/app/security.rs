//! Issue 6's security checks: every state-changing route refuses a request without a
//! valid CSRF token, cookies are HttpOnly and SameSite (and Secure under https), every
//! page carries the security headers, and hostile markup typed by readers and staff stays
//! inert in a real Chromium. Issue 18's hardening: each break the adversarial review
//! found, as a test that failed before its fix (`hardening`), two-factor sign-in for
//! staff (`two_factor`), and the staff sessions' idle timeout, list and `__Host-` cookie
//! names (`sessions`).

mod cookies;
mod csrf;
mod hardening;
mod headers;
mod sessions;
mod two_factor;
mod xss;
