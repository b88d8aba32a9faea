//! One error type for every handler. It becomes a proper page (or a redirect to
//! sign-in); internal causes are logged once and never shown to the visitor.
//! A form with mistakes is not an error: its handler re-renders it with status 422.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::web::lang::Lang;
use crate::web::layout::Layout;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// A visitor opened a page for signed-in people; `next` brings them back after.
    #[error("sign-in required")]
    SignInRequired { next: String },
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A bounded resource (the download slots) is full: come back shortly.
    #[error("busy: {message}")]
    Busy {
        message: &'static str,
        retry_after_seconds: u32,
    },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// How the session store marks a failure that is the database being unreachable,
/// since its errors reach us as text.
pub const DB_UNAVAILABLE: &str = "database unavailable";

/// Whether the error means PostgreSQL cannot be reached right now (stopped,
/// restarting, out of connections) rather than a fault in the request or the code.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        // Class 08: connection exceptions; 57P01-57P03: the server is shutting
        // down or starting; class 53: out of resources (too many connections);
        // 57014: the statement ran past its timeout (a public page's).
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || code.starts_with("57P0") || code.starts_with("53") || code == "57014"
        }),
        _ => false,
    }
}

/// Why a request holding such text is refused.
pub const UNSTORABLE_TEXT: &str = "The request holds a character that cannot be stored, such as a NUL.";

/// PostgreSQL refused a date or time outside what it can hold (22008). Every
/// date input is checked against a window first; this is the net behind it.
pub fn is_date_out_of_range(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().is_some_and(|code| code == "22008"))
}

/// Why a request holding such a date is refused.
pub const DATE_OUT_OF_RANGE: &str = "A date in this request is outside the range Honor Mile keeps (1791 to 2100).";

/// Text PostgreSQL cannot store (a NUL byte, class 22021 or 22P05) came from
/// the request: the client's mistake, not the server's.
pub fn is_unstorable_text(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().is_some_and(|code| code == "22021" || code == "22P05"))
}

/// On the result of a write: a refusal by a unique key becomes the caller's own
/// answer (usually a message beside a form field) rather than an error.
pub trait OnConstraint<T> {
    /// `Ok(Err(answer))` when a unique key refused the write and `answer` makes
    /// something of the key's name; any other failure (another key's refusal
    /// among them) stays an error.
    fn on_constraint<R>(self, answer: impl FnOnce(&str) -> Option<R>) -> sqlx::Result<Result<T, R>>;
}

impl<T> OnConstraint<T> for sqlx::Result<T> {
    fn on_constraint<R>(self, answer: impl FnOnce(&str) -> Option<R>) -> sqlx::Result<Result<T, R>> {
        match self {
            Ok(value) => Ok(Ok(value)),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => match db.constraint().and_then(answer) {
                Some(refused) => Ok(Err(refused)),
                None => Err(sqlx::Error::Database(db)),
            },
            Err(e) => Err(e),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if is_unavailable(&e) {
            AppError::Unavailable(e.to_string())
        } else if is_unstorable_text(&e) {
            AppError::BadRequest(UNSTORABLE_TEXT.into())
        } else if is_date_out_of_range(&e) {
            AppError::BadRequest(DATE_OUT_OF_RANGE.into())
        } else {
            AppError::Internal(e.into())
        }
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        use tower_sessions::session::Error as SessionError;
        use tower_sessions::session_store::Error as StoreError;
        match e {
            SessionError::Store(StoreError::Backend(cause)) if cause.starts_with(DB_UNAVAILABLE) => {
                AppError::Unavailable(cause)
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::SignInRequired { next } => {
                let target = format!("/login?next={}", urlencode(next));
                Redirect::to(&target).into_response()
            }
            AppError::NotFound => error_page(StatusCode::NOT_FOUND, "error-page-not-found"),
            AppError::Forbidden => error_page(StatusCode::FORBIDDEN, "error-page-forbidden"),
            AppError::BadRequest(why) => error_page_because(StatusCode::BAD_REQUEST, "error-page-bad-request", why),
            AppError::Unavailable(cause) => {
                tracing::error!(%cause, "database unavailable");
                unavailable_page()
            }
            AppError::Busy {
                message,
                retry_after_seconds,
            } => {
                let mut response = error_page_because(StatusCode::SERVICE_UNAVAILABLE, "error-page-busy", message);
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_seconds));
                response
            }
            AppError::Internal(cause) => {
                tracing::error!(cause = ?cause, "internal error");
                error_page(StatusCode::INTERNAL_SERVER_ERROR, "error-page-internal")
            }
        }
    }
}

/// The page shown while the database cannot be reached: 503, and a hint to come
/// back shortly (the pool reconnects by itself once PostgreSQL answers again).
pub fn unavailable_page() -> Response {
    let mut response = error_page(StatusCode::SERVICE_UNAVAILABLE, "error-page-unavailable");
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    response
}

/// The error page template, shared by every error status.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub layout: Layout,
    pub title: &'a str,
    pub message: &'a str,
}

/// The error page `key` (the messages `<key>-title` and `<key>-text`), in the
/// language of the address asked for.
pub fn error_page(status: StatusCode, key: &str) -> Response {
    let lang = Lang::of_request();
    let text = lang.t(&format!("{key}-text"));
    error_page_saying(status, key, &text)
}

/// The error page `key` with the refusal's own English words; a French page
/// says `<key>-text` instead, since those words exist only in English.
pub fn error_page_because(status: StatusCode, key: &str, why: &str) -> Response {
    let lang = Lang::of_request();
    let text = match lang {
        Lang::En => why.to_string(),
        Lang::Fr => lang.t(&format!("{key}-text")),
    };
    error_page_saying(status, key, &text)
}

/// The error page with the title `<key>-title` and `text`, rendered without the
/// viewer's session (it may be what failed).
pub fn error_page_saying(status: StatusCode, key: &str, text: &str) -> Response {
    let mut layout = Layout::plain();
    layout.lang = Lang::of_request();
    let title = layout.lang.t(&format!("{key}-title"));
    let page = ErrorPage {
        layout,
        title: &title,
        message: text,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        // The template itself failed: fall back to text rather than panic.
        Err(_) => (status, title).into_response(),
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
