//! The time background jobs read: the system's, or one a test sets and moves, so a
//! scheduled job can be seen to run without waiting for it.

use std::sync::{Arc, Mutex};

use chrono::{Duration, NaiveDateTime};

/// Now, for the server's scheduled jobs. Clones share one time.
#[derive(Debug, Clone, Default)]
pub struct Clock(Option<Arc<Mutex<NaiveDateTime>>>);

impl Clock {
    /// The system's clock (UTC).
    pub fn system() -> Self {
        Clock(None)
    }

    /// A clock that stands at `at` until it is moved.
    pub fn manual(at: NaiveDateTime) -> Self {
        Clock(Some(Arc::new(Mutex::new(at))))
    }

    /// The time now.
    pub fn now(&self) -> NaiveDateTime {
        match &self.0 {
            None => chrono::Utc::now().naive_utc(),
            Some(t) => *t.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a manual clock on (a system clock ignores it).
    pub fn advance(&self, by: Duration) {
        if let Some(t) = &self.0 {
            let mut t = t.lock().unwrap_or_else(|e| e.into_inner());
            *t += by;
        }
    }
}
