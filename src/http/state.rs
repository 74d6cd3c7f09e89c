//! What every request handler may reach: the pools, the settings, the templates, the
//! rules in force and the mailer.

use std::sync::Arc;

use actix_web::web;
use handlebars::Handlebars;

use super::error::AppError;
use crate::config::Settings;
use crate::service::mail::{MailContext, Mailer};
use crate::service::rules::LiveRules;
use crate::service::{ServiceError, ServiceResult};
use crate::storage::replica::Replica;
use crate::storage::{DbConn, Pool};

/// Everything a request handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Database connections (the primary, on PostgreSQL).
    pub pool: Pool,
    /// A PostgreSQL streaming replica for readers' pages, when one is set.
    pub replica: Option<Arc<Replica>>,
    /// The settings in force.
    pub settings: Arc<Settings>,
    /// Compiled templates.
    pub templates: Arc<Handlebars<'static>>,
    /// Key for signing CSRF tokens.
    pub secret: Arc<Vec<u8>>,
    /// A hash of the static files, appended to their URLs so browsers refetch after a change.
    pub static_version: String,
    /// The moderation rules in force (reloaded when their files change).
    pub rules: Arc<LiveRules>,
    /// Delivers queued e-mail (SMTP or `.eml` files).
    pub mailer: Arc<Mailer>,
    /// Request-body bytes held in memory now, by every request on this server.
    pub body_bytes: Arc<std::sync::atomic::AtomicUsize>,
    /// The time the scheduled jobs go by (a test may set and move it).
    pub clock: crate::clock::Clock,
}

impl AppState {
    /// What composing e-mail needs: links, the site's name and the signing key.
    pub fn mail_context(&self) -> MailContext {
        MailContext::new(&self.settings, &self.secret)
    }

    /// Runs blocking database work off the async workers, on a pooled connection.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> ServiceResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let result = web::block(move || {
            let mut conn = pool.get().map_err(ServiceError::Unavailable)?;
            f(&mut conn)
        })
        .await?;
        result.map_err(AppError::from)
    }
}
