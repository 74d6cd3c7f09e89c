//! CSRF protection: a random per-browser cookie, and form tokens that are an HMAC of it
//! (and of the session, once signed in) under the site secret — OWASP's signed
//! double-submit cookie. Every state-changing form goes through [`CsrfForm`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use sha2::Sha256;

use crate::config::Settings;
use crate::http::error::AppError;
use crate::http::state::AppState;
use crate::service::auth::random_token;

/// The names of the site's two cookies: the staff session and the per-browser CSRF seed
/// (the session is read here too, to bind tokens to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieNames {
    /// The staff session cookie.
    pub session: &'static str,
    /// The per-browser CSRF cookie.
    pub csrf: &'static str,
}

/// The names over plain http.
const PLAIN_NAMES: CookieNames = CookieNames {
    session: "townhall_session",
    csrf: "townhall_csrf",
};

/// The names under https. Browsers keep a `__Host-` cookie only when it is `Secure`,
/// `Path=/` and has no `Domain`, so a page on a sibling subdomain or on plain http
/// cannot set or replace it (a planted session or CSRF seed); over http they refuse
/// such a cookie outright, hence the plain names there.
const HOST_NAMES: CookieNames = CookieNames {
    session: "__Host-townhall_session",
    csrf: "__Host-townhall_csrf",
};

/// The cookie names for a site: every place that sets or reads a cookie asks here.
pub fn cookie_names(settings: &Settings) -> CookieNames {
    if settings.is_https() {
        HOST_NAMES
    } else {
        PLAIN_NAMES
    }
}

/// The cookie names of the site answering `req`.
pub fn cookie_names_for(req: &HttpRequest) -> CookieNames {
    req.app_data::<web::Data<AppState>>()
        .map_or(PLAIN_NAMES, |s| cookie_names(&s.settings))
}

/// The staff session token `req` carries, if any.
pub fn session_token(req: &HttpRequest) -> Option<String> {
    req.cookie(cookie_names_for(req).session)
        .map(|c| c.value().to_owned())
}

/// A cookie of the site with the attributes all of them carry: out of scripts' reach,
/// not sent on cross-site writes, the whole site, and `Secure` under https (which the
/// `__Host-` names need).
pub fn site_cookie(name: &'static str, value: String, https: bool) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(https)
        .finish()
}

/// The browser's CSRF seed for this request (from its cookie, or new), and whether a
/// form token was made from it while answering.
#[derive(Clone)]
struct Seed {
    value: String,
    issued: Arc<AtomicBool>,
}

/// True when answering this request put a CSRF token in the page: the page is then
/// this browser's own and must never be shared by a cache.
pub fn token_issued(req: &HttpRequest) -> bool {
    req.extensions()
        .get::<Seed>()
        .is_some_and(|s| s.issued.load(Ordering::Relaxed))
}

/// Gives a browser its CSRF cookie the first time a page with a form is made for it.
/// Pages without a form set no cookie, so readers who only read carry none and a
/// shared cache can keep those pages.
pub async fn ensure_cookie(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let names = cookie_names_for(req.request());
    let existing = req
        .cookie(names.csrf)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() >= 32);
    let fresh = existing.is_none();
    let seed = existing.unwrap_or_else(random_token);
    let issued = Arc::new(AtomicBool::new(false));
    req.extensions_mut().insert(Seed {
        value: seed.clone(),
        issued: issued.clone(),
    });
    let https = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.settings.is_https());
    let mut res = next.call(req).await?;
    if fresh && issued.load(Ordering::Relaxed) {
        res.response_mut()
            .add_cookie(&site_cookie(names.csrf, seed, https))?;
    }
    Ok(res)
}

fn sign(secret: &[u8], seed: &str, session: &str) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    mac.update(b"csrf\x00");
    mac.update(seed.as_bytes());
    mac.update(b"\x00");
    mac.update(session.as_bytes());
    Some(mac)
}

/// The token to put in this request's forms.
#[derive(Clone)]
pub struct Csrf {
    seed: String,
    session: String,
    secret: Arc<Vec<u8>>,
    issued: Arc<AtomicBool>,
}

impl Csrf {
    /// The form token (which makes the page this browser's own: see [`token_issued`]).
    pub fn token(&self) -> String {
        self.issued.store(true, Ordering::Relaxed);
        sign(&self.secret, &self.seed, &self.session)
            .map(|m| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
            })
            .unwrap_or_default()
    }

    /// Checks a submitted token in constant time.
    pub fn verify(&self, submitted: &str) -> Result<(), AppError> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(submitted.trim())
            .map_err(|_| AppError::Csrf)?;
        sign(&self.secret, &self.seed, &self.session)
            .ok_or(AppError::Csrf)?
            .verify_slice(&bytes)
            .map_err(|_| AppError::Csrf)
    }

    fn from_req(req: &HttpRequest) -> Result<Csrf, AppError> {
        let state = req
            .app_data::<web::Data<AppState>>()
            .ok_or_else(|| AppError::Internal("app state missing".into()))?;
        let Seed {
            value: seed,
            issued,
        } = req
            .extensions()
            .get::<Seed>()
            .cloned()
            .ok_or_else(|| AppError::Internal("csrf middleware missing".into()))?;
        let session = session_token(req).unwrap_or_default();
        Ok(Csrf {
            seed,
            session,
            secret: state.secret.clone(),
            issued,
        })
    }
}

impl FromRequest for Csrf {
    type Error = AppError;
    type Future = std::future::Ready<Result<Csrf, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Csrf::from_req(req))
    }
}

/// A form that carries a `csrf_token` field.
pub trait HasCsrfToken {
    /// The submitted token.
    fn csrf_token(&self) -> &str;
}

/// A URL-encoded form whose CSRF token has been checked; anything else is refused with 403.
pub struct CsrfForm<T>(pub T);

impl<T> FromRequest for CsrfForm<T>
where
    T: DeserializeOwned + HasCsrfToken + 'static,
{
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let csrf = Csrf::from_req(req);
        let (req, mut payload) = (req.clone(), payload.take());
        Box::pin(async move {
            let csrf = csrf?;
            let form: T = super::body::read_form(&req, &mut payload).await?;
            csrf.verify(form.csrf_token())?;
            Ok(CsrfForm(form))
        })
    }
}

/// Declares `HasCsrfToken` for form structs with a `csrf_token: String` field.
#[macro_export]
macro_rules! csrf_form {
    ($($t:ty),* $(,)?) => {
        $(impl $crate::http::middleware::csrf::HasCsrfToken for $t {
            fn csrf_token(&self) -> &str { &self.csrf_token }
        })*
    };
}
