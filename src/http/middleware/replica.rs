//! Readers' pages from a PostgreSQL replica, and read-your-writes for the browser that
//! wrote (see `storage::replica`).
//!
//! Every request that may have written (any method but GET and HEAD, unless refused)
//! gets a short-lived cookie with the primary's WAL position just after it. A reader's
//! page reads from the replica only once the replica has replayed that far, and the page
//! cache is skipped for such a browser (a kept page may predate its write); the cookie is
//! dropped as soon as the replica has caught up. Without a replica nothing here runs.

use std::future::{Ready, ready};

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use crate::http::error::AppError;
use crate::http::state::AppState;
use crate::service::{ServiceError, ServiceResult};
use crate::storage::DbConn;
use crate::storage::replica::{WalPosition, primary_position};

/// The cookie holding the WAL position of this browser's latest write.
pub const WROTE_COOKIE: &str = "townhall_wrote";
/// How long that cookie lasts: far beyond a healthy replica's lag. A replica further
/// behind than this serves the browser an older page, as it would anyone.
const WROTE_SECONDS: i64 = 300;

/// Marks a reader's request whose write the replica has now replayed: its cookie goes.
#[derive(Clone, Copy)]
struct CaughtUp;

/// Where a handler's reads go: the replica for readers' pages when there is one and it
/// has everything this browser wrote, otherwise the primary.
pub struct Reads {
    state: web::Data<AppState>,
    /// The request, to mark it once the replica has caught up; `None` for primary reads.
    req: Option<HttpRequest>,
    seen: Option<WalPosition>,
}

impl Reads {
    /// Reads from the primary (a page answering a write, say).
    pub fn primary(state: &web::Data<AppState>) -> Self {
        Self {
            state: state.clone(),
            req: None,
            seen: None,
        }
    }

    /// Runs `f` on a replica connection when this request may read from it, otherwise (or
    /// when the replica fails on the way) on the primary. `f` may run twice, so it must
    /// only read.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: Fn(&mut DbConn) -> ServiceResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let (Some(replica), Some(req)) = (self.state.replica.clone(), &self.req) else {
            return self.state.db(f).await;
        };
        let pool = self.state.pool.clone();
        let seen = self.seen;
        let (result, from_replica) = web::block(move || {
            if let Some(mut conn) = replica.connection(seen) {
                match f(&mut conn) {
                    Err(ServiceError::Db(e)) => {
                        if lost_connection(&e) {
                            replica.rest();
                        }
                        tracing::warn!(error = %e, "the replica failed a read; the primary answers");
                    }
                    Err(ServiceError::Unavailable(_)) => replica.rest(),
                    done => return (done, true),
                }
            }
            let done = match pool.get() {
                Ok(mut conn) => f(&mut conn),
                Err(e) => Err(ServiceError::Unavailable(e)),
            };
            (done, false)
        })
        .await?;
        if from_replica && seen.is_some() {
            req.extensions_mut().insert(CaughtUp);
        }
        result.map_err(AppError::from)
    }
}

fn lost_connection(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    matches!(
        e,
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _
        ) | Error::BrokenTransactionManager
    )
}

impl FromRequest for Reads {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(state) = req.app_data::<web::Data<AppState>>() else {
            return ready(Err(AppError::Internal("no app state".into())));
        };
        let seen = req
            .cookie(WROTE_COOKIE)
            .and_then(|c| WalPosition::parse(c.value()));
        ready(Ok(Self {
            state: state.clone(),
            req: Some(req.clone()),
            seen,
        }))
    }
}

/// True when this browser has written something a replica may not have yet: the page
/// cache then renders its pages afresh. Without a replica the cookie means nothing (the
/// site never sets it), so a client sending it does not get past the cache.
pub fn wrote_recently(req: &ServiceRequest) -> bool {
    req.app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.replica.is_some())
        && req.cookie(WROTE_COOKIE).is_some()
}

fn wrote_cookie(value: String, max_age: i64, https: bool) -> Cookie<'static> {
    Cookie::build(WROTE_COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(https)
        .max_age(actix_web::cookie::time::Duration::seconds(max_age))
        .finish()
}

/// Gives a browser that wrote the primary's WAL position after its write, and takes it
/// back once a page came from a replica that had replayed it (module notes).
pub async fn remember_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .filter(|s| s.replica.is_some())
        .cloned();
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD);
    let mut res = next.call(req).await?;
    let Some(state) = state else {
        return Ok(res);
    };
    let https = state.settings.is_https();
    if !writes {
        if res.request().extensions().get::<CaughtUp>().is_some() {
            res.response_mut()
                .add_cookie(&wrote_cookie(String::new(), 0, https))?;
        }
        return Ok(res);
    }
    let status = res.status();
    if super::page_cache::refused_untouched(status) || status.is_server_error() {
        return Ok(res);
    }
    match state
        .db(|c| primary_position(c).map_err(ServiceError::Db))
        .await
    {
        Ok(Some(position)) => res.response_mut().add_cookie(&wrote_cookie(
            position.to_string(),
            WROTE_SECONDS,
            https,
        ))?,
        Ok(None) => {}
        // The write is done; this browser may just see an older page for a moment.
        Err(e) => tracing::warn!(error = %e, "could not read the primary's WAL position"),
    }
    Ok(res)
}
