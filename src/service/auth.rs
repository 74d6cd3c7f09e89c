//! Passwords, sign-in with throttling, and database-backed sessions.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{ServiceError, ServiceResult, two_factor};
use crate::config::Settings;
use crate::domain::user::normalize_email;
use crate::storage::two_factor as storage_two_factor;
use crate::storage::users::UserRow;
use crate::storage::{DbConn, sessions, throttle, users, write_transaction};

/// Failed guesses allowed on one account from one address in the window.
pub const PAIR_FAILURES: i64 = 5;
/// Failed guesses allowed on one account in the window before addresses that never
/// signed in to it are refused too (one that did keeps its own limit, so nobody can lock
/// a member of staff out from elsewhere).
pub const ACCOUNT_FAILURES: i64 = 10;
/// Failed guesses allowed from one address in the window, on any accounts.
pub const IP_FAILURES: i64 = 20;
/// The throttling window, in minutes.
pub const WINDOW_MINUTES: i64 = 15;
/// How long a successful sign-in keeps its address known to the account.
const KNOWN_ADDRESS_DAYS: i64 = 90;

/// Argon2id with OWASP's recommended floor: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string.
pub fn hash_password(password: &str) -> ServiceResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Hash(e.to_string()))
}

/// Checks a password against a stored hash (its own parameters are honoured).
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a random password, checked when the account does not exist so that
/// a wrong e-mail takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    use std::sync::OnceLock;
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

/// 32 random bytes, URL-safe base64.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A readable random password for new accounts.
pub fn random_password() -> String {
    use rand::Rng;
    use rand::distributions::Alphanumeric;
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

/// Sessions are stored by the hash of their token, so a leaked table opens nothing.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// How an e-mail address is counted by the throttle (the normalised address, or the text
/// as typed when it is not one).
pub fn account_key(email: &str) -> String {
    normalize_email(email).unwrap_or_else(|_| email.trim().to_lowercase())
}

/// One password guess the throttle let through: it counts as a failure until settled,
/// so guesses checked at the same time count against each other.
#[derive(Debug)]
#[must_use = "settle the guess once the password is checked"]
pub struct Guess {
    id: i64,
}

/// Lets one password guess on `account` from `ip` through, or refuses it: the count of
/// recent failures and the new attempt are one locked step, so concurrent guesses cannot
/// all pass the same count. Limits: per account and address first, per address, and per
/// account only for addresses that never signed in to it.
pub fn begin_guess(
    conn: &mut DbConn,
    account: &str,
    ip: &str,
    now: NaiveDateTime,
) -> ServiceResult<Guess> {
    write_transaction(conn, |conn| {
        throttle::lock(conn)?;
        let known_since = now - Duration::days(KNOWN_ADDRESS_DAYS);
        throttle::purge(conn, now - Duration::days(1), known_since)?;
        let since = now - Duration::minutes(WINDOW_MINUTES);
        let over = throttle::failures_for_pair(conn, account, ip, since)? >= PAIR_FAILURES
            || throttle::failures_for_ip(conn, ip, since)? >= IP_FAILURES
            || (throttle::failures_for_account(conn, account, since)? >= ACCOUNT_FAILURES
                && !throttle::succeeded_from(conn, account, ip, known_since)?);
        if over {
            return Err(ServiceError::Throttled(format!(
                "Too many failed sign-in attempts. Please wait {WINDOW_MINUTES} minutes and try again."
            )));
        }
        Ok(Guess {
            id: throttle::record(conn, account, ip, now)?,
        })
    })
}

/// Records whether a guess was right.
pub fn settle_guess(conn: &mut DbConn, guess: Guess, right: bool) -> ServiceResult<()> {
    throttle::settle(conn, guess.id, right)?;
    Ok(())
}

/// How long a session lasts: `days` after sign-in at most, and until it has gone unused
/// for `idle_minutes`.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// `session_days`.
    pub days: u32,
    /// `session_idle_minutes`.
    pub idle_minutes: u32,
}

impl SessionLimits {
    /// The limits the settings ask for.
    pub fn of(settings: &Settings) -> SessionLimits {
        SessionLimits {
            days: settings.session_days,
            idle_minutes: settings.session_idle_minutes,
        }
    }

    /// Sessions last used at or before this have ended.
    fn idle_since(self, now: NaiveDateTime) -> NaiveDateTime {
        now - Duration::minutes(self.idle_minutes.into())
    }
}

/// A session's last use is written at most this often: a write on every staff request
/// would cost far more than the idle timeout needs (it is counted in minutes anyway).
const TOUCH_MINUTES: i64 = 1;
/// The most of a `User-Agent` kept with a session: enough to tell browsers apart, not
/// a place to store whatever a client sends.
const USER_AGENT_CHARS: usize = 300;

/// A successful sign-in.
#[derive(Debug)]
pub struct SignedIn {
    /// The account.
    pub user: UserRow,
    /// The session token for the cookie.
    pub token: String,
    /// An admin who must set up two-factor before using the staff pages.
    pub must_set_up_two_factor: bool,
}

/// What a right password leads to.
#[derive(Debug)]
pub enum SignInOutcome {
    /// A session: the account has no second factor.
    SignedIn(SignedIn),
    /// A pending sign-in (this token, for a short-lived cookie) that needs a code.
    CodeNeeded(String),
}

/// How a sign-in goes once the password is right.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// How long a session lasts.
    pub limits: SessionLimits,
    /// Whether admins must set up two-factor before using the staff pages.
    pub admins_need_two_factor: bool,
}

impl From<&Settings> for SessionPolicy {
    fn from(s: &Settings) -> Self {
        SessionPolicy {
            limits: SessionLimits::of(s),
            admins_need_two_factor: s.require_two_factor_for_admins,
        }
    }
}

/// The browser a session starts in, kept with it so its owner can recognise it.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The client's address.
    pub ip: &'a str,
    /// The browser's `User-Agent`.
    pub user_agent: &'a str,
}

/// Starts a session for the account (ending the ones past their limits): the token for
/// the cookie.
pub fn start_session(
    conn: &mut DbConn,
    user_id: i64,
    now: NaiveDateTime,
    limits: SessionLimits,
    origin: Origin,
) -> ServiceResult<String> {
    let token = random_token();
    sessions::purge_ended(conn, now, limits.idle_since(now))?;
    let user_agent: String = origin.user_agent.chars().take(USER_AGENT_CHARS).collect();
    sessions::create(
        conn,
        &sessions::NewSession {
            token_hash: &token_hash(&token),
            user_id,
            user_agent: &user_agent,
            ip: origin.ip,
        },
        now,
        now + Duration::days(limits.days.into()),
    )?;
    Ok(token)
}

/// What a sign-in attempt sends, and where it comes from.
pub struct Attempt<'a> {
    /// The e-mail as typed.
    pub email: &'a str,
    /// The password as typed.
    pub password: &'a str,
    /// The client's address.
    pub ip: &'a str,
    /// The browser's `User-Agent`, kept with the session so its owner can recognise it.
    pub user_agent: &'a str,
}

/// Signs in, refusing while the account or the address has too many recent failures.
/// An account with two-factor gets a pending sign-in instead of a session.
pub fn sign_in(
    conn: &mut DbConn,
    attempt: &Attempt,
    now: NaiveDateTime,
    policy: SessionPolicy,
) -> ServiceResult<SignInOutcome> {
    let account = account_key(attempt.email);
    let guess = begin_guess(conn, &account, attempt.ip, now)?;
    let user = users::find_by_email(conn, &account)?;
    let ok = match user.as_ref().and_then(|u| u.password_hash.as_deref()) {
        Some(hash) => verify_password(hash, attempt.password),
        None => {
            verify_password(decoy_hash(), attempt.password);
            false
        }
    };
    let user = user.filter(|u| ok && !u.disabled);
    settle_guess(conn, guess, user.is_some())?;
    let Some(user) = user else {
        return Err(super::invalid(
            "password",
            "That e-mail and password do not match an active account.",
        ));
    };
    if storage_two_factor::is_enabled(conn, user.id)? {
        return Ok(SignInOutcome::CodeNeeded(two_factor::begin_pending(
            conn, user.id, now,
        )?));
    }
    let must_set_up_two_factor =
        two_factor::must_set_up(conn, &user, policy.admins_need_two_factor)?;
    let origin = Origin {
        ip: attempt.ip,
        user_agent: attempt.user_agent,
    };
    let token = start_session(conn, user.id, now, policy.limits, origin)?;
    Ok(SignInOutcome::SignedIn(SignedIn {
        user,
        token,
        must_set_up_two_factor,
    }))
}

/// The enabled account behind a live session token. A session past its end or unused
/// for the idle time is removed here, so the request is treated as signed out; a live
/// one has its last use recorded (at most once every `TOUCH_MINUTES`).
pub fn session_user(
    conn: &mut DbConn,
    token: &str,
    now: NaiveDateTime,
    limits: SessionLimits,
) -> ServiceResult<Option<UserRow>> {
    let hash = token_hash(token);
    let Some((session, user)) = sessions::find(conn, &hash)? else {
        return Ok(None);
    };
    if session.expires_at <= now || session.last_seen_at <= limits.idle_since(now) {
        sessions::delete(conn, &hash)?;
        return Ok(None);
    }
    if user.disabled {
        return Ok(None);
    }
    let since = now - Duration::minutes(TOUCH_MINUTES);
    if session.last_seen_at < since {
        sessions::touch(conn, &hash, since, now)?;
    }
    Ok(Some(user))
}

/// One of an account's live sessions, as its owner sees it.
#[derive(Debug)]
pub struct ActiveSession {
    /// The stored session.
    pub session: sessions::SessionRow,
    /// True for the session of the browser asking.
    pub current: bool,
}

/// The live sessions of an account, the most recently used first; `token` is the asking
/// browser's, to mark its own.
pub fn active_sessions(
    conn: &mut DbConn,
    user_id: i64,
    token: &str,
    now: NaiveDateTime,
    limits: SessionLimits,
) -> ServiceResult<Vec<ActiveSession>> {
    let own = token_hash(token);
    Ok(
        sessions::list_for_user(conn, user_id, now, limits.idle_since(now))?
            .into_iter()
            .map(|session| ActiveSession {
                current: session.token_hash == own,
                session,
            })
            .collect(),
    )
}

/// Ends a session.
pub fn sign_out(conn: &mut DbConn, token: &str) -> ServiceResult<()> {
    sessions::delete(conn, &token_hash(token))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "wrong"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token();
        assert_ne!(a, random_token());
        assert_eq!(token_hash(&a).len(), 64);
        assert_eq!(random_password().len(), 20);
    }
}
