//! A problem in a host message at a JSON path.

#[allow(unused_imports)]
use super::*;

/// One thing wrong with a message, at a JSON path (`$.payload.units[2].status`). The message
/// names the kind of problem, never the value found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FieldProblem {
    /// Where, from `$` (the whole message).
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}
