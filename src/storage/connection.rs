//! The connection enum; the derive generates the backend glue (undocumented items).

use diesel::prelude::*;

/// A connection to whichever backend `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// The embedded default.
    Sqlite(SqliteConnection),
    /// For several app servers sharing one database.
    Postgres(PgConnection),
}
