//! Accounts: staff and admins, their passwords, sessions and roles, the one-time
//! links that let a person choose a password, and the admin pages that manage them.

pub mod acting;
pub mod admin;
pub mod factor_pages;
pub mod links;
pub mod login;
pub mod model;
pub mod notices;
pub mod password;
pub mod profile;
pub mod queries;
pub mod reauth;
pub mod second_factor;
pub mod session;
pub mod store;
pub mod throttle;
pub mod tokens;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login::form).post(login::submit))
        .route("/login/code", get(login::code_form).post(login::code_submit))
        .route("/logout", post(login::logout))
        .route("/setup/{token}", get(links::setup_form).post(links::setup_submit))
        .route(
            "/account/welcome/{token}",
            get(links::password_form).post(links::password_submit),
        )
        .route("/account/password", get(profile::form).post(profile::submit))
        .route("/account/digest", post(profile::digest))
        .route("/account/second-factor", get(factor_pages::page))
        .route(
            "/account/second-factor/enrol",
            get(factor_pages::enrol_form).post(factor_pages::enrol_submit),
        )
        .route(
            "/account/second-factor/recovery-codes",
            get(factor_pages::codes).post(factor_pages::regenerate),
        )
        .route("/account/second-factor/remove", post(factor_pages::remove))
        .route("/admin/users", get(admin::list).post(admin::invite))
        .route("/admin/users/new", get(admin::invite_form))
        .route("/admin/users/{id}", get(admin::show))
        .route("/admin/users/{id}/role", post(admin::change_role))
        .route("/admin/users/{id}/deactivate", post(admin::deactivate))
        .route("/admin/users/{id}/activate", post(admin::activate))
        .route("/admin/users/{id}/reset", post(admin::reset))
        .route("/admin/users/{id}/second-factor/reset", post(admin::reset_factor))
}
