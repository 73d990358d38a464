//! The JSON path of a position in a JSON text (F18: every pack problem says where it is).
//!
//! serde_json reports where reading stopped as a line and column; this walks the text up to that
//! point and names the value being read there, as `trees[2].nodes[5].answer`. Doing this on the
//! failure path only, instead of tracking the path during every read, keeps the fast path fast and
//! the widget small (one copy of the deserialiser instead of two).

/// One step of a path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// What the walker is inside.
#[derive(Debug)]
enum Frame {
    /// An object; the key most recently read, if any.
    Object(Option<String>),
    /// An array; the index of the element being read.
    Array(usize),
}

/// The byte offset of 1-based `line` and `column` (serde_json counts columns in bytes; column 0
/// means just after the newline).
fn offset_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let mut current = 1;
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if current == line {
            break;
        }
        if *b == b'\n' {
            current += 1;
            start = i + 1;
        }
    }
    (start + column).min(bytes.len())
}

/// The path of the value being read at `line`, `column` in `bytes`, in dotted form
/// (`organisation.name`, `codes[3]`); empty for the top level.
pub fn json_path_at(bytes: &[u8], line: usize, column: usize) -> String {
    let end = offset_of(bytes, line, column);
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    // After a string inside an object: was it a key (followed by ':')?
    while i < end {
        match bytes[i] {
            // Reading stopped at a bracket: the error is about that container as a whole.
            b'{' | b'[' if i + 1 >= end => break,
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' if i + 1 >= end => {
                if let Some(Frame::Object(key)) = stack.last_mut() {
                    *key = None;
                }
                break;
            }
            b']' if i + 1 >= end => {
                stack.pop();
                break;
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(index)) => *index += 1,
                Some(Frame::Object(key)) => *key = None,
                None => {}
            },
            b'"' => {
                let (text, next) = read_string(bytes, i);
                i = next;
                if let Some(Frame::Object(key)) = stack.last_mut() {
                    if key.is_none() {
                        *key = Some(text);
                    }
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let steps: Vec<Step> = stack
        .into_iter()
        .filter_map(|frame| match frame {
            Frame::Object(key) => key.map(Step::Key),
            Frame::Array(index) => Some(Step::Index(index)),
        })
        .collect();
    let mut path = String::new();
    for step in steps {
        match step {
            Step::Key(key) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&key);
            }
            Step::Index(index) => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    path
}

/// The string starting at the quote at `start`, unescaped loosely (enough for keys), and the index
/// just after its closing quote.
fn read_string(bytes: &[u8], start: usize) -> (String, usize) {
    let mut i = start + 1;
    let mut raw = Vec::new();
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                if let Some(&escaped) = bytes.get(i + 1) {
                    raw.push(escaped);
                }
                i += 2;
            }
            b'"' => return (String::from_utf8_lossy(&raw).into_owned(), i + 1),
            b => {
                raw.push(b);
                i += 1;
            }
        }
    }
    (String::from_utf8_lossy(&raw).into_owned(), bytes.len())
}

#[cfg(test)]
mod tests {
    use super::json_path_at;

    fn path_of_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        let e = serde_json::from_str::<T>(text).unwrap_err();
        json_path_at(text.as_bytes(), e.line(), e.column())
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        items: Vec<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        id: String,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[test]
    fn wrong_type_inside_an_array_element() {
        let text = r#"{"name": "x", "items": [{"id": "a"}, {"id": "b", "tags": ["t", 7]}]}"#;
        assert_eq!(path_of_error::<Outer>(text), "items[1].tags[1]");
    }

    #[test]
    fn unknown_field_names_the_field() {
        let text = "{\n  \"name\": \"x\",\n  \"items\": [{\"id\": \"a\", \"colour\": \"red\"}]\n}";
        assert_eq!(path_of_error::<Outer>(text), "items[0].colour");
    }

    #[test]
    fn missing_field_names_the_object() {
        let text = r#"{"name": "x", "items": [{"id": "a"}, {"tags": []}]}"#;
        assert_eq!(path_of_error::<Outer>(text), "items[1]");
    }

    #[test]
    fn keys_with_escapes_and_brackets_in_strings() {
        let text = r#"{"name": "a \"quoted\" [x] {y}", "items": [{"id": 5}]}"#;
        assert_eq!(path_of_error::<Outer>(text), "items[0].id");
    }

    #[test]
    fn top_level_is_empty() {
        assert_eq!(path_of_error::<Outer>("\"just text\""), "");
        // A struct read from an array reads its fields in order: the first element is `name`.
        assert_eq!(path_of_error::<Outer>("[1]"), "[0]");
    }

    #[test]
    fn positions_past_the_end_are_safe() {
        assert_eq!(json_path_at(b"{\"a\": [", 99, 99), "a");
        assert_eq!(json_path_at(b"", 1, 5), "");
    }
}

/// Where and what a serde_json error says about the text it read: the JSON path, line and column
/// of the failure, and serde's message without the " at line L column C" it ends in (the place is
/// given separately). Shared by every reader that explains text it could not read (packs, drafts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFailure {
    /// The JSON path of the failure, e.g. `$.codes[3].title`.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What serde said, without its location.
    pub message: String,
}

impl ReadFailure {
    /// Its path, line, column and message, to build an error of one's own from.
    pub fn into_parts(self) -> (String, usize, usize, String) {
        (self.path, self.line, self.column, self.message)
    }

    /// Explains `error`, raised while reading `bytes`.
    pub fn of(bytes: &[u8], error: &serde_json::Error) -> ReadFailure {
        let message = error.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_owned(),
            None => message,
        };
        ReadFailure {
            path: json_path_at(bytes, error.line(), error.column()),
            line: error.line(),
            column: error.column(),
            message,
        }
    }
}
