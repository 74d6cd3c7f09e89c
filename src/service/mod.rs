//! Use cases, each on one connection and (where it writes) one transaction.
//! They take the current time as an argument so tests can move it.

pub mod appeals;
pub mod auth;
pub mod comments;
pub mod corpus;
pub mod fine_tune;
pub mod form_token;
pub mod house_rules;
pub mod mail;
pub mod pause;
pub mod personal_data;
pub mod posts;
pub mod premoderation;
pub mod queue;
pub mod recheck;
pub mod reports;
pub mod rules;
pub mod setup;
pub mod site;
pub mod training;
pub mod two_factor;
pub mod users;
pub mod wordpress;

use crate::domain::FieldErrors;

/// What can go wrong in a use case.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// A query failed.
    #[error("database error: {0}")]
    Db(#[from] diesel::result::Error),
    /// No connection could be had (the database is down or overloaded).
    #[error("the database is unavailable: {0}")]
    Unavailable(#[from] diesel::r2d2::PoolError),
    /// Nothing there (or nothing this user may see).
    #[error("not found")]
    NotFound,
    /// Signed in, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// The input failed its checks; the form shows why.
    #[error("some fields need attention")]
    Invalid(FieldErrors),
    /// The request conflicts with the state of things (comments are closed, a post
    /// with comments cannot be deleted); the message says why.
    #[error("{0}")]
    Conflict(String),
    /// Too many failed sign-ins.
    #[error("{0}")]
    Throttled(String),
    /// The password could not be hashed.
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// Shorthand for use-case results.
pub type ServiceResult<T> = Result<T, ServiceError>;

/// One invalid field, as a `ServiceError`.
pub fn invalid(field: &'static str, message: impl Into<String>) -> ServiceError {
    let mut e = FieldErrors::default();
    e.add(field, message);
    ServiceError::Invalid(e)
}

/// Lifts field errors out of a result so a handler can show them beside the form.
pub fn separate_field_errors<T>(r: ServiceResult<T>) -> ServiceResult<Result<T, FieldErrors>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(ServiceError::Invalid(e)) => Ok(Err(e)),
        Err(e) => Err(e),
    }
}
