//! Staff account management, shared by the CLI and the admin pages: each change and its
//! audit entry are written in one transaction, whoever makes it.

use chrono::NaiveDateTime;

use super::auth::{hash_password, verify_password};
use super::{FieldErrors, ServiceError, ServiceResult, invalid};
use crate::domain::Role;
use crate::domain::user::{check_display_name, check_password, normalize_email};
use crate::storage::moderation::Audit;
use crate::storage::users::{NewUser, UserRow};
use crate::storage::{DbConn, moderation, sessions, two_factor, users, write_transaction};

/// Who changes an account, as the audit log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in member of staff.
    Staff(i64),
    /// Someone at the server's command line (`townhall user …`).
    CommandLine,
    /// The first start and the demo content.
    System,
}

impl Actor {
    fn id(self) -> Option<i64> {
        match self {
            Actor::Staff(id) => Some(id),
            Actor::CommandLine | Actor::System => None,
        }
    }

    /// Said in the audit entry when no account made the change.
    fn suffix(self) -> &'static str {
        match self {
            Actor::CommandLine => " (from the command line)",
            Actor::Staff(_) | Actor::System => "",
        }
    }
}

fn audit(
    conn: &mut DbConn,
    actor: Actor,
    what: Audit,
    detail: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    let detail = format!("{detail}{}", actor.suffix());
    moderation::audit(conn, actor.id(), what, &detail, now)?;
    Ok(())
}

/// Creates an account and its audit entry; `password` `None` makes one that cannot sign
/// in yet.
pub fn create(
    conn: &mut DbConn,
    actor: Actor,
    email: &str,
    name: &str,
    role: Role,
    password: Option<&str>,
    now: NaiveDateTime,
) -> ServiceResult<UserRow> {
    let email = normalize_email(email).map_err(|e| invalid("email", e))?;
    let name = check_display_name(name).map_err(|e| invalid("name", e))?;
    // Hashed before the transaction: argon2 takes long enough to hold up other writers.
    let hash = match password {
        Some(pw) => {
            check_password(pw).map_err(|e| invalid("password", e))?;
            Some(hash_password(pw)?)
        }
        None => None,
    };
    write_transaction(conn, |conn| {
        if users::find_by_email(conn, &email)?.is_some() {
            return Err(invalid(
                "email",
                format!("An account for {email} already exists."),
            ));
        }
        let user = users::insert(
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
        )?;
        let detail = format!("{} ({})", user.email, user.role.as_str());
        audit(conn, actor, Audit::UserCreate(user.id), &detail, now)?;
        Ok(user)
    })
}

/// Finds an account by e-mail or says clearly that there is none.
pub fn by_email(conn: &mut DbConn, email: &str) -> ServiceResult<UserRow> {
    let email = normalize_email(email).map_err(|e| invalid("email", e))?;
    users::find_by_email(conn, &email)?.ok_or(ServiceError::NotFound)
}

/// Sets a new password, signs the account out everywhere and records it.
pub fn set_password(
    conn: &mut DbConn,
    actor: Actor,
    user_id: i64,
    password: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    check_password(password).map_err(|e| invalid("new_password", e))?;
    let hash = hash_password(password)?;
    write_transaction(conn, |conn| {
        users::find(conn, user_id)?.ok_or(ServiceError::NotFound)?;
        users::set_password(conn, user_id, &hash, now)?;
        sessions::delete_for_user(conn, user_id)?;
        // A sign-in waiting for its code was begun with the old password.
        two_factor::delete_pending_for_user(conn, user_id)?;
        audit(conn, actor, Audit::UserPassword(user_id), "", now)
    })
}

/// What the account page's password form sends.
pub struct PasswordChange<'a> {
    /// The password the account has now.
    pub current: &'a str,
    /// The one it should have.
    pub new: &'a str,
    /// The new one typed again.
    pub confirm: &'a str,
}

/// A member of staff changes their own password: the current one must be right and the
/// new one typed twice. Every error is reported at once, beside its field. Wrong current
/// passwords count against the sign-in throttle of the account and address.
pub fn change_own_password(
    conn: &mut DbConn,
    user_id: i64,
    change: &PasswordChange,
    ip: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    let user = users::find(conn, user_id)?.ok_or(ServiceError::NotFound)?;
    let mut errors = FieldErrors::default();
    // A guess at the current password, throttled like a sign-in on the same account:
    // a stolen session must not become a way to guess it.
    let guess = super::auth::begin_guess(conn, &super::auth::account_key(&user.email), ip, now)?;
    let current_ok = user
        .password_hash
        .as_deref()
        .is_some_and(|h| verify_password(h, change.current));
    super::auth::settle_guess(conn, guess, current_ok)?;
    if !current_ok {
        errors.add("current_password", "Your current password is not right.");
    }
    if change.new != change.confirm {
        errors.add("confirm_password", "The two new passwords do not match.");
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    set_password(conn, Actor::Staff(user_id), user_id, change.new, now)
}

/// A member of staff ends every session of their account but this browser's (`token`),
/// and it is recorded with how many ended. Returns that number.
pub fn sign_out_others(
    conn: &mut DbConn,
    user_id: i64,
    token: &str,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    let keep = super::auth::token_hash(token);
    write_transaction(conn, |conn| {
        let ended = sessions::delete_others(conn, user_id, &keep)?;
        let detail = match ended {
            1 => "1 other session ended".to_owned(),
            n => format!("{n} other sessions ended"),
        };
        audit(
            conn,
            Actor::Staff(user_id),
            Audit::UserSignOutOthers(user_id),
            &detail,
            now,
        )?;
        Ok(ended)
    })
}

/// Disables or re-enables an account and records it; disabling signs it out everywhere.
/// Nobody disables their own account (the site would be left without its admin).
pub fn set_disabled(
    conn: &mut DbConn,
    actor: Actor,
    user_id: i64,
    disabled: bool,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    if disabled && actor == Actor::Staff(user_id) {
        return Err(ServiceError::Conflict(
            "You cannot disable your own account.".into(),
        ));
    }
    write_transaction(conn, |conn| {
        let user = users::find(conn, user_id)?.ok_or(ServiceError::NotFound)?;
        users::set_disabled(conn, user_id, disabled, now)?;
        if disabled {
            sessions::delete_for_user(conn, user_id)?;
        }
        let what = if disabled {
            Audit::UserDisable(user_id)
        } else {
            Audit::UserEnable(user_id)
        };
        audit(conn, actor, what, &user.email, now)
    })
}
