//! The session cookie's names. The page cache and the security headers tell a
//! signed-in browser by its cookie; accounts sets it.

/// The session cookie's name over plain http (local use only).
pub const SESSION_COOKIE: &str = "honor_mile_session";
/// The name over https: browsers accept a `__Host-` cookie only when it is Secure,
/// for Path=/ and without a Domain, so no other host (a subdomain) can set or
/// shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-honor_mile_session";

/// The session cookie's name for these settings.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure { SECURE_SESSION_COOKIE } else { SESSION_COOKIE }
}

/// Whether a `name=value` pair from a Cookie header is the session cookie, by either name.
pub fn is_session_cookie(pair: &str) -> bool {
    let name = pair.trim_start().split('=').next().unwrap_or_default();
    name == SESSION_COOKIE || name == SECURE_SESSION_COOKIE
}
