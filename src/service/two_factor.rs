//! Two-factor sign-in for staff: RFC 6238 time-based codes from an authenticator app,
//! and one-time recovery codes for when the phone is lost.
//!
//! A code is checked against the 30-second steps just before, at and just after now (a
//! phone's clock may be a little off), and each step is taken once per account: a code
//! seen over someone's shoulder cannot be typed again. Every check counts against the
//! sign-in throttle of the account and address, like a password.

use chrono::{Duration, NaiveDateTime};
use rand::RngCore;
use serde::Serialize;
use totp_rs::{Algorithm, Secret, TOTP};

use super::auth::{self, SignedIn, account_key, begin_guess, settle_guess, token_hash};
use super::{FieldErrors, ServiceError, ServiceResult, invalid};
use crate::domain::Role;
use crate::storage::moderation::{self, Audit};
use crate::storage::users::UserRow;
use crate::storage::{DbConn, two_factor as store, users, write_transaction};

/// Digits in a code.
const DIGITS: usize = 6;
/// Seconds in a step.
const STEP_SECONDS: u64 = 30;
/// Steps either side of now that are accepted.
const SKEW: u8 = 1;
/// Recovery codes given at a time.
pub const RECOVERY_CODES: usize = 10;
/// Characters in a recovery code (shown in two halves).
const RECOVERY_CODE_LEN: usize = 10;
/// No 0/o, 1/l/i: a code copied from paper is typed back right.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// How long a right password waits for its code before the sign-in starts again.
pub const PENDING_MINUTES: i64 = 5;

/// A code generator for `secret` (base32). Issuer and account only name the entry in
/// the authenticator app; `:` would break the otpauth:// label, so it is dropped.
fn totp(secret: &str, issuer: &str, account: &str) -> ServiceResult<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|e| ServiceError::Hash(format!("two-factor secret: {e}")))?;
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        SKEW,
        STEP_SECONDS,
        bytes,
        Some(issuer.replace(':', "")),
        account.replace(':', ""),
    )
    .map_err(|e| ServiceError::Hash(format!("two-factor secret: {e}")))
}

/// A new random secret: 160 bits, as RFC 4226 recommends, in base32.
fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

/// The 30-second step whose code `code` is, among those accepted at `now`.
fn matching_step(secret: &str, code: &str, now: NaiveDateTime) -> ServiceResult<Option<i64>> {
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let generator = totp(secret, "", "")?;
    let now_step = u64::try_from(now.and_utc().timestamp()).unwrap_or(0) / STEP_SECONDS;
    let skew = u64::from(SKEW);
    let steps = now_step.saturating_sub(skew)..=now_step + skew;
    // Every candidate is computed and compared in full, so the time taken does not say
    // which step (or how much of a code) was right.
    let mut found = None;
    for step in steps {
        let expected = generator.generate(step * STEP_SECONDS);
        let same = expected
            .bytes()
            .zip(code.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        if same {
            found = i64::try_from(step).ok();
        }
    }
    Ok(found)
}

/// A code as typed: spaces and dashes dropped, lower case.
fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Ten new recovery codes, as shown (`abcde-fghjk`), and the hashes to store.
fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    let mut rng = rand::rngs::OsRng;
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let chars: String = (0..RECOVERY_CODE_LEN)
                .map(|_| {
                    let i = (rng.next_u32() as usize) % RECOVERY_ALPHABET.len();
                    char::from(RECOVERY_ALPHABET[i])
                })
                .collect();
            let (a, b) = chars.split_at(RECOVERY_CODE_LEN / 2);
            format!("{a}-{b}")
        })
        .collect();
    let hashes = codes
        .iter()
        .map(|c| token_hash(&normalise_code(c)))
        .collect();
    (codes, hashes)
}

/// Gives the account a new set of recovery codes in place of any it had, and records
/// `what`; returns the codes, to be shown once.
fn replace_recovery_codes(
    conn: &mut DbConn,
    user_id: i64,
    what: Audit,
    now: NaiveDateTime,
) -> ServiceResult<Vec<String>> {
    let (codes, hashes) = new_recovery_codes();
    store::delete_recovery_codes(conn, user_id)?;
    store::add_recovery_codes(conn, user_id, &hashes, now)?;
    audit(conn, user_id, what, "", now)?;
    Ok(codes)
}

/// Which kind of code was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Accepted {
    /// From the authenticator app.
    App,
    /// A recovery code, now used up.
    Recovery,
}

/// Checks a code from the app (six digits) or a recovery code against the account's
/// enabled two-factor, using it up if it is right.
fn use_code(
    conn: &mut DbConn,
    user_id: i64,
    code: &str,
    now: NaiveDateTime,
) -> ServiceResult<Option<Accepted>> {
    let Some(row) = store::find(conn, user_id)?.filter(|r| r.enabled) else {
        return Ok(None);
    };
    let code = normalise_code(code);
    if let Some(step) = matching_step(&row.secret, &code, now)? {
        return Ok(store::use_step(conn, user_id, step)?.then_some(Accepted::App));
    }
    if code.len() == RECOVERY_CODE_LEN
        && store::use_recovery_code(conn, user_id, &token_hash(&code))?
    {
        return Ok(Some(Accepted::Recovery));
    }
    Ok(None)
}

/// Runs one check of something secret under the sign-in throttle of `email` and `ip`:
/// refused while there were too many failures, and a failure itself when it says false.
fn throttled<T>(
    conn: &mut DbConn,
    email: &str,
    ip: &str,
    now: NaiveDateTime,
    check: impl FnOnce(&mut DbConn) -> ServiceResult<T>,
    right: impl Fn(&T) -> bool,
) -> ServiceResult<T> {
    let guess = begin_guess(conn, &account_key(email), ip, now)?;
    let result = check(conn);
    settle_guess(conn, guess, result.as_ref().is_ok_and(&right))?;
    result
}

/// A right code (from the app, or a recovery code, which is then used up and audited)
/// under the sign-in throttle, or the form error that says it was wrong.
fn require_code(
    conn: &mut DbConn,
    user: &UserRow,
    code: &str,
    ip: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    let accepted = throttled(
        conn,
        &user.email,
        ip,
        now,
        |conn| use_code(conn, user.id, code, now),
        Option::is_some,
    )?;
    match accepted {
        None => Err(invalid("code", WRONG_CODE)),
        Some(Accepted::Recovery) => audit_recovery_use(conn, user.id, now),
        Some(Accepted::App) => Ok(()),
    }
}

const WRONG_CODE: &str = "That code is not right, or was already used. Type the current code from your authenticator app, or one of your recovery codes.";

fn audit(
    conn: &mut DbConn,
    user_id: i64,
    what: Audit,
    detail: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    moderation::audit(conn, Some(user_id), what, detail, now)?;
    Ok(())
}

/// Records that a recovery code was used, and how many are left.
fn audit_recovery_use(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> ServiceResult<()> {
    let left = store::recovery_codes_left(conn, user_id)?;
    let detail = format!("{left} recovery codes left");
    audit(
        conn,
        user_id,
        Audit::RecoveryCodeUsed(user_id),
        &detail,
        now,
    )
}

/// Where an account stands, for its account page.
#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Signs in with a password alone.
    Off,
    /// A secret was made and waits for its first code.
    SettingUp {
        /// Base32, to type into the app.
        secret: String,
        /// The otpauth:// address, for apps that take a link.
        uri: String,
    },
    /// Signs in with a code too.
    On {
        /// Recovery codes not yet used.
        recovery_codes_left: i64,
    },
}

/// The account's two-factor state; `issuer` is the site's name as the app will show it.
pub fn status(conn: &mut DbConn, user: &UserRow, issuer: &str) -> ServiceResult<Status> {
    Ok(match store::find(conn, user.id)? {
        None => Status::Off,
        Some(row) if row.enabled => Status::On {
            recovery_codes_left: store::recovery_codes_left(conn, user.id)?,
        },
        Some(row) => {
            let uri = totp(&row.secret, issuer, &user.email)?.get_url();
            Status::SettingUp {
                secret: row.secret,
                uri,
            }
        }
    })
}

/// Whether an account must set up two-factor before it may use the staff pages: admins,
/// when the site requires it of them.
pub fn must_set_up(
    conn: &mut DbConn,
    user: &UserRow,
    required_for_admins: bool,
) -> ServiceResult<bool> {
    Ok(required_for_admins && user.role == Role::Admin && !store::is_enabled(conn, user.id)?)
}

/// Makes a new secret for the account to confirm with a code (a new one each time it is
/// asked for, so an abandoned one is never enabled later).
pub fn begin_setup(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> ServiceResult<()> {
    write_transaction(conn, |conn| {
        if store::is_enabled(conn, user_id)? {
            return Err(ServiceError::Conflict(
                "Two-factor sign-in is already on for your account.".into(),
            ));
        }
        store::start_setup(conn, user_id, &new_secret(), now)?;
        Ok(())
    })
}

/// Turns two-factor on once the member types a code from the secret being set up;
/// returns the recovery codes, to be shown this once.
pub fn confirm_setup(
    conn: &mut DbConn,
    user: &UserRow,
    code: &str,
    ip: &str,
    now: NaiveDateTime,
) -> ServiceResult<Vec<String>> {
    let Some(row) = store::find(conn, user.id)?.filter(|r| !r.enabled) else {
        return Err(ServiceError::Conflict(
            "There is no two-factor set-up to confirm. Start again from your account page.".into(),
        ));
    };
    let code = normalise_code(code);
    let step = throttled(
        conn,
        &user.email,
        ip,
        now,
        |_| matching_step(&row.secret, &code, now),
        Option::is_some,
    )?;
    let Some(step) = step else {
        return Err(invalid("code", WRONG_CODE));
    };
    write_transaction(conn, |conn| {
        store::use_step(conn, user.id, step)?;
        store::enable(conn, user.id)?;
        replace_recovery_codes(conn, user.id, Audit::TwoFactorOn(user.id), now)
    })
}

/// What the form to turn two-factor off sends.
pub struct Disable<'a> {
    /// The account's password.
    pub password: &'a str,
    /// A code from the app, or a recovery code.
    pub code: &'a str,
}

/// Turns two-factor off: the password and a code must both be right (a session left
/// open on a shared computer is not enough).
pub fn disable(
    conn: &mut DbConn,
    user: &UserRow,
    form: &Disable,
    ip: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    let (password_ok, accepted) = throttled(
        conn,
        &user.email,
        ip,
        now,
        |conn| {
            let password_ok = user
                .password_hash
                .as_deref()
                .is_some_and(|h| auth::verify_password(h, form.password));
            // The code is used up only with the right password.
            let accepted = if password_ok {
                use_code(conn, user.id, form.code, now)?
            } else {
                None
            };
            Ok((password_ok, accepted))
        },
        |(p, a)| *p && a.is_some(),
    )?;
    let mut errors = FieldErrors::default();
    if !password_ok {
        errors.add("current_password", "Your password is not right.");
    } else if accepted.is_none() {
        errors.add("code", WRONG_CODE);
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    write_transaction(conn, |conn| {
        store::remove(conn, user.id)?;
        audit(conn, user.id, Audit::TwoFactorOff(user.id), "", now)
    })
}

/// Turns two-factor off for an account whose owner can no longer sign in (no phone, no
/// recovery code): only from the server's command line.
pub fn reset_from_command_line(
    conn: &mut DbConn,
    user_id: i64,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    write_transaction(conn, |conn| {
        store::remove(conn, user_id)?;
        moderation::audit(
            conn,
            None,
            Audit::TwoFactorOff(user_id),
            "(from the command line)",
            now,
        )?;
        Ok(())
    })
}

/// Replaces the account's recovery codes after a right code; returns the new ones.
pub fn regenerate_recovery_codes(
    conn: &mut DbConn,
    user: &UserRow,
    code: &str,
    ip: &str,
    now: NaiveDateTime,
) -> ServiceResult<Vec<String>> {
    require_code(conn, user, code, ip, now)?;
    write_transaction(conn, |conn| {
        replace_recovery_codes(conn, user.id, Audit::RecoveryCodesNew(user.id), now)
    })
}

/// Starts a sign-in that waits for its code: the token for the browser's cookie.
pub fn begin_pending(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> ServiceResult<String> {
    let token = auth::random_token();
    store::create_pending(
        conn,
        &token_hash(&token),
        user_id,
        now,
        now + Duration::minutes(PENDING_MINUTES),
    )?;
    Ok(token)
}

/// The enabled account a live pending sign-in is for.
pub fn pending_user(
    conn: &mut DbConn,
    token: &str,
    now: NaiveDateTime,
) -> ServiceResult<Option<UserRow>> {
    let Some(user_id) = store::find_pending(conn, &token_hash(token), now)? else {
        return Ok(None);
    };
    Ok(users::find(conn, user_id)?.filter(|u| !u.disabled))
}

/// The second step of a sign-in: a right code turns the pending sign-in into a session.
/// A missing or expired pending sign-in is `NotFound` (start again from the password).
pub fn finish_sign_in(
    conn: &mut DbConn,
    token: &str,
    code: &str,
    origin: auth::Origin,
    now: NaiveDateTime,
    limits: auth::SessionLimits,
) -> ServiceResult<SignedIn> {
    let user = pending_user(conn, token, now)?.ok_or(ServiceError::NotFound)?;
    require_code(conn, &user, code, origin.ip, now)?;
    write_transaction(conn, |conn| {
        store::delete_pending(conn, &token_hash(token))?;
        let token = auth::start_session(conn, user.id, now, limits, origin)?;
        Ok(SignedIn {
            user,
            token,
            must_set_up_two_factor: false,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(secs, 0)
            .map(|d| d.naive_utc())
            .unwrap_or_default()
    }

    #[test]
    fn codes_match_rfc_6238_within_one_step() {
        // RFC 6238's SHA-1 test secret, "12345678901234567890".
        let secret = Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        // Appendix B: 59 s gives 94287082 (8 digits), so 287082 for six.
        assert_eq!(matching_step(&secret, "287082", at(59)).unwrap(), Some(1));
        assert_eq!(
            matching_step(&secret, "287082", at(89)).unwrap(),
            Some(1),
            "one step late"
        );
        assert_eq!(
            matching_step(&secret, "287082", at(120)).unwrap(),
            None,
            "two steps late"
        );
        assert_eq!(matching_step(&secret, "28708", at(59)).unwrap(), None);
        assert_eq!(matching_step(&secret, "abcdef", at(59)).unwrap(), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_typed_back_loosely() {
        let (codes, hashes) = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(codes[0].len(), RECOVERY_CODE_LEN + 1);
        let unique: std::collections::HashSet<_> = hashes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let typed = format!(" {} ", codes[0].to_uppercase().replace('-', " "));
        assert_eq!(token_hash(&normalise_code(&typed)), hashes[0]);
        assert_eq!(new_secret().len(), 32);
    }
}
