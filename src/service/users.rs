//! Staff account management, shared by the CLI and the admin pages.

use chrono::NaiveDateTime;

use super::auth::hash_password;
use super::{ServiceError, ServiceResult, invalid};
use crate::domain::Role;
use crate::domain::user::{check_display_name, check_password, normalize_email};
use crate::storage::users::{NewUser, UserRow};
use crate::storage::{DbConn, sessions, users};

/// Creates an account; `password` `None` makes one that cannot sign in yet.
pub fn create(
    conn: &mut DbConn,
    email: &str,
    name: &str,
    role: Role,
    password: Option<&str>,
    now: NaiveDateTime,
) -> ServiceResult<UserRow> {
    let email = normalize_email(email).map_err(|e| invalid("email", e))?;
    let name = check_display_name(name).map_err(|e| invalid("name", e))?;
    let hash = match password {
        Some(pw) => {
            check_password(pw).map_err(|e| invalid("password", e))?;
            Some(hash_password(pw)?)
        }
        None => None,
    };
    if users::find_by_email(conn, &email)?.is_some() {
        return Err(invalid(
            "email",
            format!("An account for {email} already exists."),
        ));
    }
    Ok(users::insert(
        conn,
        &NewUser {
            email: &email,
            display_name: &name,
            role: role.as_str(),
            password_hash: hash.as_deref(),
            disabled: false,
            created_at: now,
            updated_at: now,
        },
    )?)
}

/// Finds an account by e-mail or says clearly that there is none.
pub fn by_email(conn: &mut DbConn, email: &str) -> ServiceResult<UserRow> {
    let email = normalize_email(email).map_err(|e| invalid("email", e))?;
    users::find_by_email(conn, &email)?.ok_or(ServiceError::NotFound)
}

/// Sets a new password and signs the account out everywhere.
pub fn set_password(
    conn: &mut DbConn,
    user_id: i64,
    password: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    check_password(password).map_err(|e| invalid("new_password", e))?;
    let hash = hash_password(password)?;
    users::set_password(conn, user_id, &hash, now)?;
    sessions::delete_for_user(conn, user_id)?;
    Ok(())
}

/// Disables or re-enables an account; disabling signs it out everywhere.
pub fn set_disabled(
    conn: &mut DbConn,
    user_id: i64,
    disabled: bool,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    users::set_disabled(conn, user_id, disabled, now)?;
    if disabled {
        sessions::delete_for_user(conn, user_id)?;
    }
    Ok(())
}
