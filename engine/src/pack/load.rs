//! Reading a procedure pack from bytes, with every failure explained in plain English and located
//! (F18). The widget fetches the bytes; this module decides whether they are a pack we can use.
//!
//! A pack that cannot be used must never leave a blank widget: the organisation that embedded it
//! needs to see what is wrong and where (the JSON path, and the line and column where known).

use crate::kernel::{human_bytes, list_problems, Problem};

use crate::kernel::json_path::ReadFailure;
use crate::kernel::json_tree::{JsonTree, TreeError, Value, MAX_JSON_DEPTH, TOO_DEEP};
use crate::pack::reader::read_pack;
use crate::pack::validate::validate_read;
use crate::pack::validate::MAX_CONDITION_DEPTH;
use crate::pack::Pack;
use crate::pack::{PackFile, PACK_FORMAT};

/// The largest pack we read, in bytes. A pack is text written by people; anything larger is a
/// mistake (a wrong file, a data dump) and reading it would stall the handler's browser.
pub const MAX_PACK_BYTES: usize = 5 * 1024 * 1024;

/// Why a pack could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackLoadError {
    /// The server has no file at the pack's address.
    #[error("No procedure pack was found at this address (HTTP {status}). Check the pack URL.")]
    NotFound {
        /// The HTTP status, 404 or 410.
        status: u16,
    },
    /// The server answered with an error other than not found.
    #[error("The server refused to send the procedure pack (HTTP {status}).")]
    Http {
        /// The HTTP status.
        status: u16,
    },
    /// The request never got an answer: offline, blocked, or a wrong host name.
    #[error("The procedure pack could not be fetched: {detail}.")]
    Unreachable {
        /// What the browser said, without any personal data.
        detail: String,
    },
    /// The pack is larger than [`MAX_PACK_BYTES`].
    #[error("The procedure pack is too large: {} is over the limit of {}.", human_bytes(*.bytes), human_bytes(*.limit))]
    TooLarge {
        /// How many bytes we saw before stopping (at least `limit + 1`).
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The file has nothing in it (or only white space).
    #[error("The procedure pack file is empty.")]
    Empty,
    /// The address gave a web page, not a pack: usually a wrong address on a server that answers
    /// every unknown path with its home page.
    #[error("The address gave a web page (HTML), not a procedure pack. The pack file is probably missing or the address is wrong.")]
    WebPage,
    /// The file is not JSON.
    #[error("The procedure pack is not valid JSON at line {line}, column {column}: {message}.")]
    NotJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON reader expected.
        message: String,
    },
    /// The file is JSON but not shaped like a pack.
    #[error(
        "The procedure pack has the wrong shape at {} (line {line}, column {column}): {message}.",
        display_path(path)
    )]
    WrongShape {
        /// The JSON path of the part that is wrong.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong there.
        message: String,
    },
    /// The pack says it is a format this widget does not read.
    #[error("This widget reads procedure packs of format \"{expected}\", but the pack says \"{found}\" (at format).")]
    UnsupportedFormat {
        /// What the pack says.
        found: String,
        /// What we read.
        expected: &'static str,
    },
    /// The pack is well formed but its content has problems; every one is listed.
    #[error("The procedure pack has {} problem{}: {}", problems.len(), if problems.len() == 1 { "" } else { "s" }, list_problems(problems))]
    Invalid {
        /// Every problem found, in document order.
        problems: Vec<Problem>,
    },
}

impl PackLoadError {
    /// The problem in one sentence naming the pack's address, for a page with no room for the
    /// pack error panel: "The procedure pack at URL: TITLE: what is wrong".
    pub fn at(&self, url: &str) -> String {
        format!("The procedure pack at {url}: {}: {self}", self.title())
    }

    /// A short title for the problem, for a heading.
    pub fn title(&self) -> &'static str {
        match self {
            PackLoadError::NotFound { .. } => "Procedure pack not found",
            PackLoadError::Http { .. } => "Procedure pack refused by the server",
            PackLoadError::Unreachable { .. } => "Procedure pack could not be fetched",
            PackLoadError::TooLarge { .. } => "Procedure pack too large",
            PackLoadError::Empty => "Procedure pack is empty",
            PackLoadError::WebPage => "A web page, not a procedure pack",
            PackLoadError::NotJson { .. } => "Procedure pack is not valid JSON",
            PackLoadError::WrongShape { .. } => "Procedure pack has the wrong shape",
            PackLoadError::UnsupportedFormat { .. } => "Procedure pack format not supported",
            PackLoadError::Invalid { .. } => "Procedure pack has problems",
        }
    }

    /// The content problems, when the pack is well formed but wrong; empty otherwise.
    pub fn problems(&self) -> &[Problem] {
        match self {
            PackLoadError::Invalid { problems } => problems,
            _ => &[],
        }
    }

    /// Where in the file the problem is, when that is known: (JSON path, line, column).
    pub fn location(&self) -> Option<(Option<&str>, usize, usize)> {
        match self {
            PackLoadError::NotJson { line, column, .. } => Some((None, *line, *column)),
            PackLoadError::WrongShape {
                path, line, column, ..
            } => Some((Some(path.as_str()), *line, *column)),
            _ => None,
        }
    }
}

fn display_path(path: &str) -> String {
    if path.is_empty() || path == "." {
        "the top level".to_owned()
    } else {
        path.to_owned()
    }
}

/// Reads a pack from its bytes. Checks, in order: size, emptiness (and a web page in its place),
/// JSON syntax, format identifier, shape (with the JSON path of the first part that does not fit),
/// and then every content check in `validate`, all problems at once.
pub fn parse_pack(bytes: &[u8]) -> Result<Pack, PackLoadError> {
    if bytes.len() > MAX_PACK_BYTES {
        return Err(PackLoadError::TooLarge {
            bytes: bytes.len(),
            limit: MAX_PACK_BYTES,
        });
    }
    // A byte-order mark (Windows Notepad saves one) is not part of the JSON: read what follows.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        None => return Err(PackLoadError::Empty),
        Some(b'<') => return Err(PackLoadError::WebPage),
        Some(_) => {}
    }
    // Syntax first (a truncated file is "not JSON", not "missing field"), then the shape; a pack
    // of another format says so rather than failing on a field it does not have.
    let tree = JsonTree::parse(bytes).map_err(|failure| {
        let (path, line, column, message) = failure.into_parts();
        if message == TOO_DEEP {
            // Valid JSON, but nested deeper than any reader here goes: in a pack, only a
            // condition can nest so deep, and the reference gives its limit.
            return PackLoadError::WrongShape {
                path,
                line,
                column,
                message: format!(
                    "nested more than {MAX_JSON_DEPTH} levels deep, so it cannot be read; only a condition \
                     (all, any, not) nests this deep in a pack, and conditions may be nested at \
                     most {MAX_CONDITION_DEPTH} deep"
                ),
            };
        }
        PackLoadError::NotJson {
            line,
            column,
            message,
        }
    })?;
    let unsupported = |found: &str| PackLoadError::UnsupportedFormat {
        found: found.to_owned(),
        expected: PACK_FORMAT,
    };
    // Not an object at all: say what a pack is, not what the reader expected.
    if !matches!(tree.root().value, Value::Object(_)) {
        let kind = tree.root().kind();
        let message = format!("a procedure pack is one JSON object, from {{ to }}, holding its format, version, organisation and wording; this file holds {kind}");
        let (path, line, column, message) = tree
            .explain(TreeError::at(&message, tree.root().start))
            .into_parts();
        return Err(PackLoadError::WrongShape {
            path,
            line,
            column,
            message,
        });
    }
    let pack: PackFile = match read_pack(tree.root()).map_err(|e| tree.explain(e)) {
        Ok(pack) => pack,
        Err(failure) => {
            return Err(match tree.top_string("format") {
                Some(found) if found != PACK_FORMAT => unsupported(found),
                _ => {
                    let (path, line, column, message) = failure.into_parts();
                    PackLoadError::WrongShape {
                        path,
                        line,
                        column,
                        message: plain_words(&message),
                    }
                }
            })
        }
    };
    if pack.format != PACK_FORMAT {
        return Err(unsupported(&pack.format));
    }
    validate_read(pack, tree.root()).map_err(|problems| PackLoadError::Invalid { problems })
}

/// A shape refusal in the words of the pack reference, not the reader's: serde names Rust's
/// types (`expected f64`, `expected u32`, `sequence`). Only the kinds are reworded; what the pack
/// holds (quoted in backticks or quotes) is left as it is.
pub fn plain_words(message: &str) -> String {
    const FOUND: &[(&str, &str)] = &[
        ("floating point ", "decimal number "),
        ("integer ", "number "),
        ("sequence", "list"),
        ("map", "object"),
        ("string ", "text "),
        ("boolean ", ""),
    ];
    const EXPECTED: &[(&str, &str)] = &[
        ("f64", "a number"),
        ("f32", "a number"),
        ("u8", "a whole number, 0 or more"),
        ("u16", "a whole number, 0 or more"),
        ("u32", "a whole number, 0 or more"),
        ("u64", "a whole number, 0 or more"),
        ("usize", "a whole number, 0 or more"),
        ("a sequence", "a list in [ ]"),
        ("a string", "text in double quotes"),
        ("a boolean", "true or false, without quotes"),
        ("map", "an object in { }"),
        ("map with a single key", "an object with one field"),
    ];
    let Some((head, expected)) = message.rsplit_once(", expected ") else {
        return message.to_owned();
    };
    let mut out = String::with_capacity(message.len() + 16);
    let (lead, found) = match head.split_once(": ") {
        Some((lead, found)) if lead == "invalid type" || lead == "invalid value" => (lead, found),
        _ => ("", head),
    };
    if !lead.is_empty() {
        out.push_str(lead);
        out.push_str(": ");
    }
    match FOUND.iter().find(|(from, _)| found.starts_with(from)) {
        Some((from, to)) if !lead.is_empty() => {
            out.push_str(to);
            out.push_str(&found[from.len()..]);
        }
        _ => out.push_str(found),
    }
    out.push_str(", expected ");
    match EXPECTED.iter().find(|(from, _)| *from == expected) {
        Some((_, to)) => out.push_str(to),
        None if expected.starts_with("struct ") => out.push_str("an object in { }"),
        None => out.push_str(expected),
    }
    out
}

/// The pack's structure read from `bytes` as [`parse_pack`] reads it, before any check of its
/// content: for tests and tools that compare readers.
pub fn read_pack_file(bytes: &[u8]) -> Result<PackFile, ReadFailure> {
    let tree = JsonTree::parse(bytes)?;
    read_pack(tree.root()).map_err(|e| tree.explain(e))
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn human_bytes_rounds_to_one_decimal() {
        assert_eq!(human_bytes(0), "0 bytes");
        assert_eq!(human_bytes(1023), "1023 bytes");
        assert_eq!(human_bytes(1024), "1.0 KB");
        assert_eq!(human_bytes(1536), "1.5 KB");
        assert_eq!(human_bytes(5 * 1024 * 1024 + 1), "5.0 MB");
        assert_eq!(human_bytes(1024 * 1024 - 1), "1.0 MB");
        assert_eq!(human_bytes(3 * 1024 * 1024 * 1024), "3.0 GB");
        assert!(human_bytes(usize::MAX).ends_with(" GB"));
    }
}
