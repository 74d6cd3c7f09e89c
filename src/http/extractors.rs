//! Who is asking: the signed-in staff member, and role checks as extractors.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use serde::Serialize;

use super::middleware::csrf::session_token;
use crate::domain::Role;
use crate::http::error::AppError;
use crate::http::state::AppState;
use crate::service::{auth, two_factor};
use crate::storage::users::UserRow;

/// A signed-in staff member, as templates see them.
#[derive(Debug, Clone, Serialize)]
pub struct StaffView {
    /// Account id.
    pub id: i64,
    /// Name.
    pub display_name: String,
    /// E-mail.
    pub email: String,
    /// Role name.
    pub role: Role,
    /// May write posts.
    pub can_write: bool,
    /// May moderate.
    pub can_moderate: bool,
    /// May manage accounts.
    pub can_manage_users: bool,
    /// Held comments waiting (for moderators' navigation).
    pub waiting: Option<i64>,
}

/// What a role check needs to know.
pub trait Permission {
    /// True when the role may pass.
    fn allows(role: Role) -> bool;
    /// What the role lacks, for the 403 page.
    const REFUSAL: &'static str;
    /// Open to an admin who has yet to set up a required two-factor sign-in (only the
    /// pages needed to set it up are).
    const BEFORE_TWO_FACTOR: bool = false;
}

/// Any signed-in staff member.
pub struct AnyStaff;
/// Admins and authors.
pub struct CanWrite;
/// Admins only.
pub struct CanManageUsers;
/// Admins and moderators.
pub struct CanModerate;
/// Any signed-in staff member on their own account page, even an admin who has not yet
/// set up a required two-factor sign-in (that is where they set it up).
pub struct OwnAccount;

impl Permission for AnyStaff {
    fn allows(_: Role) -> bool {
        true
    }
    const REFUSAL: &'static str = "You need a staff account.";
}
impl Permission for OwnAccount {
    fn allows(_: Role) -> bool {
        true
    }
    const REFUSAL: &'static str = "You need a staff account.";
    const BEFORE_TWO_FACTOR: bool = true;
}
impl Permission for CanWrite {
    fn allows(role: Role) -> bool {
        role.can_write()
    }
    const REFUSAL: &'static str = "Only authors and admins can manage posts.";
}
impl Permission for CanManageUsers {
    fn allows(role: Role) -> bool {
        role.can_manage_users()
    }
    const REFUSAL: &'static str = "Only admins can manage staff accounts.";
}

impl Permission for CanModerate {
    fn allows(role: Role) -> bool {
        role.can_moderate()
    }
    const REFUSAL: &'static str = "Only moderators and admins can moderate comments.";
}

/// A signed-in staff member whose role passes `P`; otherwise a redirect to sign in, or 403.
pub struct RequireRole<P: Permission> {
    /// The account.
    pub user: UserRow,
    /// Its role.
    pub role: Role,
    /// Held comments waiting, for those who moderate.
    pub waiting: Option<i64>,
    /// The session token this request came with (its own session, on the account page).
    pub token: String,
    _p: PhantomData<P>,
}

impl<P: Permission> RequireRole<P> {
    /// The account as templates see it.
    pub fn view(&self) -> StaffView {
        StaffView {
            id: self.user.id,
            display_name: self.user.display_name.clone(),
            email: self.user.email.clone(),
            role: self.role,
            can_write: self.role.can_write(),
            can_moderate: self.role.can_moderate(),
            can_manage_users: self.role.can_manage_users(),
            waiting: self.waiting,
        }
    }
}

/// The page to come back to after signing in: this request's path and query.
fn return_path(req: &HttpRequest) -> String {
    if req.method() == actix_web::http::Method::GET {
        req.uri()
            .path_and_query()
            .map_or("/admin".to_owned(), |p| p.to_string())
    } else {
        "/admin".to_owned()
    }
}

impl<P: Permission + 'static> FromRequest for RequireRole<P> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = session_token(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let back = return_path(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::Internal("app state missing".into()))?;
            let Some(token) = token else {
                return Err(AppError::SignIn(back));
            };
            let admins_need_two_factor =
                state.settings.require_two_factor_for_admins && !P::BEFORE_TWO_FACTOR;
            let limits = auth::SessionLimits::of(&state.settings);
            let checked = token.clone();
            let found = state
                .db(move |c| {
                    let Some(user) = auth::session_user(c, &checked, super::now(), limits)? else {
                        return Ok(None);
                    };
                    if two_factor::must_set_up(c, &user, admins_need_two_factor)? {
                        return Ok(Some(Err(AppError::SetUpTwoFactor)));
                    }
                    // The queue's count rides along in the same database trip, so every
                    // staff page can show it in the navigation.
                    let waiting = if user.role.can_moderate() {
                        Some(crate::storage::moderation::held_count(c)?)
                    } else {
                        None
                    };
                    Ok(Some(Ok((user, waiting))))
                })
                .await?;
            let (user, waiting) = found.ok_or(AppError::SignIn(back))??;
            let role = user.role;
            if !P::allows(role) {
                return Err(AppError::Forbidden(P::REFUSAL.into()));
            }
            Ok(RequireRole {
                user,
                role,
                waiting,
                token,
                _p: PhantomData,
            })
        })
    }
}
