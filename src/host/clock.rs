//! The time, for stamping the incident log. The engine takes time as an argument; this is where
//! the widget reads it.

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}
