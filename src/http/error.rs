//! The one place where failures become HTTP responses.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::service::ServiceError;

/// A failure at the HTTP edge. The response carries an [`ErrorMessage`]; the
/// error-page middleware turns it into a styled HTML page or JSON.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such page.
    #[error("We could not find that page. It may have moved, or the address may be mistyped.")]
    NotFound,
    /// The request made no sense.
    #[error("{0}")]
    BadRequest(String),
    /// Signed in but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// Not signed in; go to the sign-in page and come back here.
    #[error("Please sign in.")]
    SignIn(String),
    /// An admin who must set up two-factor sign-in first; go to their account page.
    #[error("Please set up two-factor sign-in first.")]
    SetUpTwoFactor,
    /// A form without a valid CSRF token.
    #[error(
        "This form has expired or did not come from this site. Go back, reload the page and try again."
    )]
    Csrf,
    /// The request conflicts with the state of things (comments closed, say).
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts.
    #[error("{0}")]
    TooMany(String),
    /// The body was too large.
    #[error("What you sent is too large.")]
    TooLarge,
    /// The body did not arrive in time.
    #[error("What you sent took too long to arrive. Please try again.")]
    SlowBody,
    /// Too much is being received at once to take more now.
    #[error("The site is busy receiving other requests. Please try again in a moment.")]
    Busy,
    /// The database could not be reached.
    #[error("The site is having trouble reaching its database. Please try again in a minute.")]
    Unavailable(String),
    /// A bug or an unexpected failure; details go to the log only.
    #[error("Something went wrong on our side. It has been logged; please try again.")]
    Internal(String),
}

/// Where an admin who must set up two-factor sign-in is sent.
pub const SET_UP_TWO_FACTOR_PAGE: &str = "/admin/account?done=two-factor-required#two-factor";

/// The reader-facing message of an error response, for the error-page middleware.
#[derive(Debug, Clone)]
pub struct ErrorMessage(pub String);

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound => AppError::NotFound,
            ServiceError::Forbidden(m) => AppError::Forbidden(m),
            ServiceError::Throttled(m) => AppError::TooMany(m),
            ServiceError::Conflict(m) => AppError::Conflict(m),
            ServiceError::Unavailable(e) => AppError::Unavailable(e.to_string()),
            ServiceError::Invalid(errors) => {
                AppError::BadRequest(errors.0.values().cloned().collect::<Vec<_>>().join(" "))
            }
            ServiceError::Db(e) => AppError::Internal(e.to_string()),
            ServiceError::Hash(e) => AppError::Internal(e),
        }
    }
}

impl From<handlebars::RenderError> for AppError {
    fn from(e: handlebars::RenderError) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(format!("blocking task: {e}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden(_) | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::SignIn(_) | AppError::SetUpTwoFactor => StatusCode::SEE_OTHER,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::SlowBody => StatusCode::REQUEST_TIMEOUT,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Internal(detail) => tracing::error!(error = %detail, "request failed"),
            AppError::Unavailable(detail) => {
                tracing::warn!(error = %detail, "database unavailable")
            }
            other => tracing::debug!(error = %other, "request refused"),
        }
        if let AppError::SignIn(next) = self {
            let target = format!(
                "/login?next={}",
                url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            );
            return HttpResponse::SeeOther()
                .insert_header(("Location", target))
                .finish();
        }
        if let AppError::SetUpTwoFactor = self {
            return HttpResponse::SeeOther()
                .insert_header(("Location", SET_UP_TWO_FACTOR_PAGE))
                .finish();
        }
        let mut res = HttpResponse::build(self.status_code())
            .insert_header(("Content-Type", "text/plain; charset=utf-8"))
            .body(self.to_string());
        if matches!(self, AppError::Unavailable(_) | AppError::Busy) {
            res.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from_static("30"),
            );
        }
        res.extensions_mut().insert(ErrorMessage(self.to_string()));
        res
    }
}
