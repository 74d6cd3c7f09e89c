//! Request bodies: one size cap for every route, and strict decoding of web forms.
//! A form that is not plain URL-encoded UTF-8 is refused with a 400 page instead of
//! being read with replacement characters or stray `%` signs in it.

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::middleware::Next;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::{HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::http::error::AppError;
use crate::http::state::AppState;

/// The largest request body accepted on any route (a long post with room to spare).
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// Refuses a declared body over [`MAX_BODY`] before any handler or extractor runs, so
/// every route answers 413 alike, including those that never read their body and those
/// whose sign-in check would otherwise answer first. Bodies sent without a length are
/// capped where they are read ([`read_form`] and `web::PayloadConfig`).
pub async fn limit_size(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Ok(req.error_response(AppError::TooLarge));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Why a form body could not be read.
#[derive(Debug, PartialEq, Eq)]
enum FormProblem {
    /// A `%` not followed by two hexadecimal digits.
    BadEscape,
    /// A name or value that is not UTF-8 once decoded.
    NotUtf8,
}

/// Checks that every `%` starts a valid escape and that every decoded name and value is
/// UTF-8; `serde_urlencoded` alone would quietly keep bad escapes and replace bad bytes.
fn check_urlencoded(body: &[u8]) -> Result<(), FormProblem> {
    for pair in body.split(|&b| b == b'&') {
        let bytes = pair.iter().enumerate();
        for (i, &b) in bytes {
            if b == b'%'
                && !(pair.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && pair.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            {
                return Err(FormProblem::BadEscape);
            }
        }
        for part in pair.splitn(2, |&b| b == b'=') {
            let spaced: Vec<u8> = part
                .iter()
                .map(|&b| if b == b'+' { b' ' } else { b })
                .collect();
            percent_encoding::percent_decode(&spaced)
                .decode_utf8()
                .map_err(|_| FormProblem::NotUtf8)?;
        }
    }
    Ok(())
}

/// Reads a URL-encoded form body into `T`, refusing anything else with a clear 400
/// (or 413 when it is too large).
pub async fn read_form<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: &mut Payload,
) -> Result<T, AppError> {
    let declared_type = req.content_type().to_ascii_lowercase();
    let charset_ok = req.encoding().is_ok_and(|enc| enc.name() == "UTF-8");
    if declared_type != "application/x-www-form-urlencoded" || !charset_ok {
        return Err(AppError::BadRequest(
            "This form must be sent as a normal web form.".into(),
        ));
    }
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return Err(AppError::Internal("no app state".into()));
    };
    let settings = &state.settings;
    let mut held = Held {
        bytes: state.body_bytes.clone(),
        mine: 0,
        limit: settings.body_buffer_mib as usize * 1024 * 1024,
    };
    let deadline = std::time::Duration::from_secs(settings.body_timeout_seconds.into());
    let body = actix_web::rt::time::timeout(deadline, read_body(payload, &mut held))
        .await
        .map_err(|_| AppError::SlowBody)??;
    match check_urlencoded(&body) {
        Err(FormProblem::BadEscape) => {
            return Err(AppError::BadRequest(
                "The form could not be read: it has a % sign that starts no valid escape.".into(),
            ));
        }
        Err(FormProblem::NotUtf8) => {
            return Err(AppError::BadRequest(
                "The form could not be read: it is not UTF-8 text.".into(),
            ));
        }
        Ok(()) => {}
    }
    serde_urlencoded::from_bytes(&body)
        .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}.")))
}

/// This request's share of the request-body bytes held in memory by the server; given
/// back when the form has been read.
struct Held {
    bytes: Arc<AtomicUsize>,
    mine: usize,
    limit: usize,
}

impl Held {
    /// Takes `n` more bytes, unless the server already holds as many as it may.
    fn take(&mut self, n: usize) -> Result<(), AppError> {
        let before = self.bytes.fetch_add(n, Ordering::SeqCst);
        if before + n > self.limit {
            self.bytes.fetch_sub(n, Ordering::SeqCst);
            return Err(AppError::Busy);
        }
        self.mine += n;
        Ok(())
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.bytes.fetch_sub(self.mine, Ordering::SeqCst);
    }
}

/// Reads a whole body, at most [`MAX_BODY`] bytes, each chunk counted in `held`.
async fn read_body(payload: &mut Payload, held: &mut Held) -> Result<web::BytesMut, AppError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}.")))?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(AppError::TooLarge);
        }
        held.take(chunk.len())?;
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_utf8_forms_pass() {
        assert_eq!(check_urlencoded(b"a=1&b=caf%C3%A9+au+lait&c="), Ok(()));
        assert_eq!(check_urlencoded("name=Zoë".as_bytes()), Ok(()));
        assert_eq!(check_urlencoded(b""), Ok(()));
        assert_eq!(check_urlencoded(b"a=%ZZ"), Err(FormProblem::BadEscape));
        assert_eq!(check_urlencoded(b"a=50%"), Err(FormProblem::BadEscape));
        assert_eq!(check_urlencoded(b"a=%4"), Err(FormProblem::BadEscape));
        assert_eq!(check_urlencoded(b"a=%FF%FE"), Err(FormProblem::NotUtf8));
        assert_eq!(check_urlencoded(b"t\xffitle=x"), Err(FormProblem::NotUtf8));
    }
}
