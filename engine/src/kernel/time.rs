//! Time as the engine sees it: a number the caller gives, never read from a clock here.

/// Milliseconds since the Unix epoch, from the caller's clock.
pub type Millis = u64;
