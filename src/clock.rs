//! The one source of "now". Handlers never call `Utc::now()` themselves, so tests
//! can move time forward (session timeouts, lockouts, link expiry) without sleeping.

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
