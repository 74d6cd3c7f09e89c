//! Issue 6's security checks: every state-changing route refuses a request without a
//! valid CSRF token, cookies are HttpOnly and SameSite (and Secure under https), every
//! page carries the security headers, and hostile markup typed by readers and staff stays
//! inert in a real Chromium.

mod cookies;
mod csrf;
mod headers;
mod xss;
