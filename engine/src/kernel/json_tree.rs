//! Typed values read from JSON text through a tree parsed once (issue 14: the call screen's size).
//!
//! serde_json's own reader is generic over the type it reads: every struct, enum and list of the
//! pack, the draft and the call's events got its own copy of the JSON parser inlined into its
//! visitors (about 220 KB of the call screen's wasm). Here the text is parsed once into a [`Node`]
//! tree that remembers where each value ends, and serde's derives read from the tree, whose
//! deserializer is a few lines per value kind. The derives, their messages (`missing field
//! `name``, `invalid type: integer `42`, expected a string`) and their places stay as serde_json
//! gives them: each deserializer method accepts what serde_json's accepts and places an error
//! where serde_json's reader would stand (`engine/tests/json_tree.rs` checks both readers against
//! each other over thousands of damaged packs). One difference, on purpose: a list item whose
//! content fails after it was read (an event whose fields do not fit its `type`) is named itself;
//! serde_json names the item after it.
//!
//! The syntax is checked by serde_json first (its messages and places for text that is not
//! JSON), so the tree's parser only ever sees valid JSON; it still never panics on anything else.

use std::borrow::Cow;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, Unexpected, VariantAccess, Visitor,
};
use serde::forward_to_deserialize_any;

use crate::kernel::json_path::{json_path_at, ReadFailure};

/// A JSON value and the byte offset just past its end in the text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    /// What the value is.
    pub value: Value<'a>,
    /// The offset of the value's first byte.
    pub start: usize,
    /// The offset just past the value's last byte (past the closing quote, bracket or brace).
    pub end: usize,
}

/// A JSON value. Numbers keep their text and are read as serde_json reads them.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(&'a str),
    /// A string, unescaped.
    String(Cow<'a, str>),
    /// A list.
    Array(Vec<Node<'a>>),
    /// An object: each key (and where it ends) with its value, in the order written.
    Object(Vec<(Key<'a>, Node<'a>)>),
}

/// An object's key and the offset just past its closing quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Key<'a> {
    /// The key, unescaped.
    pub name: Cow<'a, str>,
    /// The offset just past its closing quote.
    pub end: usize,
}

/// An object's member: its key and its value.
pub type Member<'a> = (Key<'a>, Node<'a>);

/// JSON text parsed into a tree, ready to read typed values from.
#[derive(Debug)]
pub struct JsonTree<'a> {
    bytes: &'a [u8],
    root: Node<'a>,
}

impl<'a> JsonTree<'a> {
    /// Parses `bytes`, or says where the text stops being JSON (serde_json's message and place;
    /// the path is where the text broke off).
    pub fn parse(bytes: &'a [u8]) -> Result<JsonTree<'a>, ReadFailure> {
        if let Err(e) = serde_json::from_slice::<de::IgnoredAny>(bytes) {
            return Err(ReadFailure::of(bytes, &e));
        }
        let mut parser = Parser {
            bytes,
            at: 0,
            too_deep: None,
        };
        let root = parser.value(0).ok_or_else(|| match parser.too_deep {
            // serde_json's message, placed just past the bracket as it places it.
            Some(at) => failure(bytes, at + 1, TOO_DEEP.to_owned()),
            // Unreachable for text serde_json accepted; said plainly rather than panicking.
            None => failure(
                bytes,
                parser.at,
                "the text could not be read as JSON".to_owned(),
            ),
        })?;
        Ok(JsonTree { bytes, root })
    }

    /// The top-level value.
    pub fn root(&self) -> &Node<'a> {
        &self.root
    }

    /// A string member of the top-level object, if it is one (a format identifier, say).
    pub fn top_string(&self, key: &str) -> Option<&str> {
        match &self.root.value {
            Value::Object(members) => members.iter().find_map(|(k, v)| match &v.value {
                Value::String(s) if k.name == key => Some(s.as_ref()),
                _ => None,
            }),
            _ => None,
        }
    }

    /// Reads a `T` from the tree with its serde derive; a failure at its JSON path, line and
    /// column, with serde's message.
    pub fn read<T: de::DeserializeOwned>(&self) -> Result<T, ReadFailure> {
        T::deserialize(&self.root).map_err(|e| self.explain(e))
    }

    /// A failure of a reader of this tree's nodes, at its JSON path, line and column.
    pub fn explain(&self, e: TreeError) -> ReadFailure {
        match e.0.at {
            Some(at) => failure(self.bytes, at, e.0.message),
            // Raised after every value was read (an internally tagged enum's variant checked
            // against its buffered content): serde_json gives no place either.
            None => ReadFailure {
                path: json_path_at(self.bytes, 0, 0),
                line: 0,
                column: 0,
                message: e.0.message,
            },
        }
    }
}

/// JSON text as serde_json's `Value`, read through the tree: the same value as serde_json's
/// `Value` reader gives, a later member of an object replacing an earlier one of the same name,
/// and the same refusals at the same line and column. The widget reads host messages, the
/// deployment settings and endpoint answers from the tree itself (no `Value` in the wasm); this is
/// how `engine/tests/json_tree.rs` holds the tree to serde_json's reading.
pub fn read_value(bytes: &[u8]) -> Result<serde_json::Value, ReadFailure> {
    let tree = JsonTree::parse(bytes)?;
    tree.root.to_value().map_err(|e| tree.explain(e))
}

/// The value of the member `key` among `members`; of a name written twice, the last, as
/// serde_json reads an object into a map.
pub fn last_member<'t, 'a>(members: &'t [Member<'a>], key: &str) -> Option<&'t Node<'a>> {
    members
        .iter()
        .rev()
        .find(|(name, _)| name.name == key)
        .map(|(_, value)| value)
}

/// Reads a `T` from JSON text: [`JsonTree::parse`], then [`JsonTree::read`].
pub fn read<T: de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ReadFailure> {
    JsonTree::parse(bytes)?.read()
}

/// A failure at byte `offset` of `bytes`: line and column as serde_json counts them (column is
/// the number of bytes of the line before the offset), and the path of the value there.
fn failure(bytes: &[u8], offset: usize, message: String) -> ReadFailure {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let line = 1 + before.iter().filter(|b| **b == b'\n').count();
    let column = match before.iter().rposition(|b| *b == b'\n') {
        Some(newline) => offset - newline - 1,
        None => offset,
    };
    ReadFailure {
        path: json_path_at(bytes, line, column),
        line,
        column,
        message,
    }
}

/// A strict parser of text serde_json has already accepted. Returns `None` instead of panicking
/// on anything it does not expect.
struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Where a list or object nested too deep opens, if one does.
    too_deep: Option<usize>,
}

/// The deepest nesting of lists and objects, serde_json's: its typed and `Value` reads refuse the
/// 128th level ("recursion limit exceeded", at that bracket), but its check of the syntax alone
/// (`IgnoredAny`, which runs first) does not, so the parser refuses it as they do. It also keeps
/// the parser's own recursion safe whatever it is given.
const MAX_DEPTH: usize = 128;

/// The most levels of lists and objects any reader here takes: one fewer than [`MAX_DEPTH`].
pub const MAX_JSON_DEPTH: usize = MAX_DEPTH - 1;

/// serde_json's message for JSON nested deeper than [`MAX_JSON_DEPTH`], which the tree says too.
pub const TOO_DEEP: &str = "recursion limit exceeded";

impl<'a> Parser<'a> {
    fn skip_whitespace(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_whitespace();
        if self.bytes.get(self.at) == Some(&byte) {
            self.at += 1;
            Some(())
        } else {
            None
        }
    }

    fn literal(&mut self, word: &[u8], value: Value<'a>) -> Option<Value<'a>> {
        let end = self.at.checked_add(word.len())?;
        if self.bytes.get(self.at..end)? == word {
            self.at = end;
            Some(value)
        } else {
            None
        }
    }

    fn value(&mut self, depth: usize) -> Option<Node<'a>> {
        self.skip_whitespace();
        let start = self.at;
        let first = *self.bytes.get(self.at)?;
        if matches!(first, b'[' | b'{') && depth + 1 >= MAX_DEPTH {
            self.too_deep = Some(self.at);
            return None;
        }
        let value = match first {
            b'n' => self.literal(b"null", Value::Null)?,
            b't' => self.literal(b"true", Value::Bool(true))?,
            b'f' => self.literal(b"false", Value::Bool(false))?,
            b'"' => Value::String(self.string()?),
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                if self.eat(b']').is_none() {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b',').is_none() {
                            self.eat(b']')?;
                            break;
                        }
                    }
                }
                Value::Array(items)
            }
            b'{' => {
                self.at += 1;
                let mut members = Vec::new();
                if self.eat(b'}').is_none() {
                    loop {
                        self.skip_whitespace();
                        let name = self.string()?;
                        let key = Key { name, end: self.at };
                        self.eat(b':')?;
                        members.push((key, self.value(depth + 1)?));
                        if self.eat(b',').is_none() {
                            self.eat(b'}')?;
                            break;
                        }
                    }
                }
                Value::Object(members)
            }
            b'-' | b'0'..=b'9' => {
                while matches!(
                    self.bytes.get(self.at),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.at += 1;
                }
                Value::Number(std::str::from_utf8(&self.bytes[start..self.at]).ok()?)
            }
            _ => return None,
        };
        Some(Node {
            value,
            start,
            end: self.at,
        })
    }

    /// The string whose opening quote is at `self.at`, unescaped; borrowed when it has no escape.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        self.at += 1;
        let start = self.at;
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b'"' => {
                    let text = std::str::from_utf8(&self.bytes[start..self.at]).ok()?;
                    self.at += 1;
                    return Some(Cow::Borrowed(text));
                }
                b'\\' => break,
                _ => self.at += 1,
            }
        }
        // Escapes: decoded into a new string.
        let mut out: Vec<u8> = self.bytes.get(start..self.at)?.to_vec();
        loop {
            match *self.bytes.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return String::from_utf8(out).ok().map(Cow::Owned);
                }
                b'\\' => {
                    self.at += 1;
                    let escaped = *self.bytes.get(self.at)?;
                    self.at += 1;
                    let simple = match escaped {
                        b'"' => Some(b'"'),
                        b'\\' => Some(b'\\'),
                        b'/' => Some(b'/'),
                        b'b' => Some(0x08),
                        b'f' => Some(0x0c),
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        b'u' => None,
                        _ => return None,
                    };
                    match simple {
                        Some(byte) => out.push(byte),
                        None => {
                            let c = self.unicode_escape()?;
                            let mut buffer = [0u8; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
                        }
                    }
                }
                b => {
                    out.push(b);
                    self.at += 1;
                }
            }
        }
    }

    /// The character of a `\u` escape whose four hex digits start at `self.at` (a surrogate pair
    /// takes the following `\uDC00`–`\uDFFF` escape too).
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first) {
            if self.bytes.get(self.at..self.at + 2)? != b"\\u" {
                return None;
            }
            self.at += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return None;
            }
            char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
        } else {
            char::from_u32(first)
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = std::str::from_utf8(self.bytes.get(self.at..self.at + 4)?).ok()?;
        self.at += 4;
        u32::from_str_radix(digits, 16).ok()
    }
}

/// A failure while reading from the tree: serde's message, and where, once known (where
/// serde_json's reader would stand when it failed). Boxed, as serde_json's error is: every
/// `Result` the derives pass around stays one pointer wide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeError(Box<Failed>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Failed {
    message: String,
    at: Option<usize>,
}

impl TreeError {
    /// `message`, placed at byte `at` of the text.
    pub fn at(message: &str, at: usize) -> TreeError {
        TreeError(Box::new(Failed {
            message: message.to_owned(),
            at: Some(at),
        }))
    }
}

impl fmt::Display for TreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for TreeError {}

impl de::Error for TreeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        TreeError(Box::new(Failed {
            message: message.to_string(),
            at: None,
        }))
    }

    fn invalid_type(unexpected: Unexpected, expected: &dyn de::Expected) -> Self {
        de::Error::custom(format_args!(
            "invalid type: {}, expected {expected}",
            AsJson(unexpected)
        ))
    }

    fn invalid_value(unexpected: Unexpected, expected: &dyn de::Expected) -> Self {
        de::Error::custom(format_args!(
            "invalid value: {}, expected {expected}",
            AsJson(unexpected)
        ))
    }
}

/// What was found, said as serde_json says it: `null` (not "unit value"), and a float in its
/// shortest round-trip form (`1.8446744073709552e+19`).
struct AsJson<'a>(Unexpected<'a>);

impl fmt::Display for AsJson<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Unit => f.write_str("null"),
            Unexpected::Float(value) => match serde_json::Number::from_f64(value) {
                Some(number) => write!(f, "floating point `{number}`"),
                None if value.is_nan() => f.write_str("floating point `NaN`"),
                None if value > 0.0 => f.write_str("floating point `inf`"),
                None => f.write_str("floating point `-inf`"),
            },
            // Said here rather than through serde's `Display`, whose float arm (unreachable
            // above) would bring core's float formatter into the wasm.
            Unexpected::Bool(b) => write!(f, "boolean `{b}`"),
            Unexpected::Unsigned(n) => write!(f, "integer `{n}`"),
            Unexpected::Signed(n) => write!(f, "integer `{n}`"),
            Unexpected::Char(c) => write!(f, "character `{c}`"),
            Unexpected::Str(s) => write!(f, "string {s:?}"),
            Unexpected::Bytes(_) => f.write_str("byte array"),
            Unexpected::Option => f.write_str("Option value"),
            Unexpected::NewtypeStruct => f.write_str("newtype struct"),
            Unexpected::Seq => f.write_str("sequence"),
            Unexpected::Map => f.write_str("map"),
            Unexpected::Enum => f.write_str("enum"),
            Unexpected::UnitVariant => f.write_str("unit variant"),
            Unexpected::NewtypeVariant => f.write_str("newtype variant"),
            Unexpected::TupleVariant => f.write_str("tuple variant"),
            Unexpected::StructVariant => f.write_str("struct variant"),
            Unexpected::Other(other) => f.write_str(other),
        }
    }
}

/// Places an error that has no place yet at `end`.
fn placed<T>(result: Result<T, TreeError>, end: usize) -> Result<T, TreeError> {
    result.map_err(|mut e| {
        e.0.at.get_or_insert(end);
        e
    })
}

/// A number as serde_json reads it: an unsigned integer, a negative integer, else a float (an
/// integer out of range, `-0`, or one with a fraction or exponent).
enum Number {
    Unsigned(u64),
    Negative(i64),
    Float(f64),
    /// Beyond what a float holds (`1e999`): serde_json refuses it whatever reads it.
    OutOfRange,
}

fn number(text: &str) -> Number {
    let integer = !text.contains(['.', 'e', 'E']);
    if integer {
        if let Some(digits) = text.strip_prefix('-') {
            if let Ok(n) = text.parse::<i64>() {
                if n != 0 || digits.is_empty() {
                    return Number::Negative(n);
                }
            }
        } else if let Ok(n) = text.parse::<u64>() {
            return Number::Unsigned(n);
        }
    }
    // The kernel's reader, as everywhere the widget reads a float (one reader in the wasm).
    match crate::kernel::read_decimal(text) {
        Some(f) => Number::Float(f),
        None => Number::OutOfRange,
    }
}

fn out_of_range(end: usize) -> TreeError {
    TreeError::at("number out of range", end)
}

impl<'a> Node<'a> {
    fn unexpected(&self) -> Unexpected<'_> {
        match &self.value {
            Value::Null => Unexpected::Unit,
            Value::Bool(b) => Unexpected::Bool(*b),
            Value::Number(text) => match number(text) {
                Number::Unsigned(n) => Unexpected::Unsigned(n),
                Number::Negative(n) => Unexpected::Signed(n),
                Number::Float(f) => Unexpected::Float(f),
                Number::OutOfRange => Unexpected::Other("number out of range"),
            },
            Value::String(s) => Unexpected::Str(s),
            Value::Array(_) => Unexpected::Seq,
            Value::Object(_) => Unexpected::Map,
        }
    }

    /// This value as serde_json's `Value`; a number beyond what a float holds is refused where
    /// serde_json refuses it.
    pub fn to_value(&self) -> Result<serde_json::Value, TreeError> {
        use serde_json::Value as J;
        Ok(match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(text) => match number(text) {
                Number::Unsigned(n) => J::Number(n.into()),
                Number::Negative(n) => J::Number(n.into()),
                Number::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
                Number::OutOfRange => return Err(out_of_range(self.end)),
            },
            Value::String(s) => J::String(s.as_ref().to_owned()),
            Value::Array(items) => {
                J::Array(items.iter().map(Node::to_value).collect::<Result<_, _>>()?)
            }
            Value::Object(members) => {
                let mut map = serde_json::Map::new();
                for (key, value) in members {
                    map.insert(key.name.as_ref().to_owned(), value.to_value()?);
                }
                J::Object(map)
            }
        })
    }

    /// This value's text, if it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// This value as a `u64`, if it is a number that reads as one.
    pub fn as_u64(&self) -> Option<u64> {
        match &self.value {
            Value::Number(text) => match number(text) {
                Number::Unsigned(n) => Some(n),
                _ => None,
            },
            _ => None,
        }
    }

    /// What kind of JSON value this is, in words for people ("a list", "text"), never the
    /// value itself.
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "true or false",
            Value::Number(_) => "a number",
            Value::String(_) => "text",
            Value::Array(_) => "a list",
            Value::Object(_) => "an object",
        }
    }

    /// The member `key` of this object, the last of a name written twice (as serde_json reads an
    /// object into a map), if it is an object and has one.
    pub fn last_member(&self, key: &str) -> Option<&Node<'a>> {
        match &self.value {
            Value::Object(members) => last_member(members, key),
            _ => None,
        }
    }

    /// The member `key` of this object, if it is an object and has one.
    pub fn member(&self, key: &str) -> Option<&Node<'a>> {
        match &self.value {
            Value::Object(members) => members.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The items of this list, or serde's refusal of anything else as "a sequence".
    #[inline(never)]
    pub fn items(&self) -> Result<&[Node<'a>], TreeError> {
        match &self.value {
            Value::Array(items) => Ok(items),
            _ => self.refuse(&"a sequence"),
        }
    }

    /// This value is not what `expected` reads. Placed as serde_json places it: a list or an
    /// object at its opening bracket (it is not read), anything else at its end.
    pub fn refuse<T>(&self, expected: &dyn de::Expected) -> Result<T, TreeError> {
        Err(self.refusal(expected))
    }

    /// [`Node::refuse`]'s error, compiled once rather than for every type refused.
    #[inline(never)]
    fn refusal(&self, expected: &dyn de::Expected) -> TreeError {
        if let Value::Number(text) = self.value {
            if let Number::OutOfRange = number(text) {
                return out_of_range(self.end);
            }
        }
        let at = match self.value {
            Value::Array(_) | Value::Object(_) => self.start,
            _ => self.end,
        };
        let mut error: TreeError = de::Error::invalid_type(self.unexpected(), expected);
        error.0.at = Some(at);
        error
    }

    fn visit_number<'de, V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, TreeError> {
        let result = match &self.value {
            Value::Number(text) => match number(text) {
                Number::Unsigned(n) => visitor.visit_u64(n),
                Number::Negative(n) => visitor.visit_i64(n),
                Number::Float(f) => visitor.visit_f64(f),
                Number::OutOfRange => return Err(out_of_range(self.end)),
            },
            _ => return self.refuse(&visitor),
        };
        placed(result, self.end)
    }

    fn visit_items<'de, V: Visitor<'de>>(
        &'de self,
        items: &'de [Node<'a>],
        visitor: V,
    ) -> Result<V::Value, TreeError> {
        let mut access = Items {
            items: items.iter(),
            at: self.start + 1,
        };
        let result = visitor.visit_seq(&mut access);
        let at = if access.items.len() == 0 {
            self.end
        } else {
            access.at
        };
        match result {
            Ok(_) if access.items.len() > 0 => Err(TreeError::at("trailing characters", at)),
            other => placed(other, at),
        }
    }

    fn visit_members<'de, V: Visitor<'de>>(
        &'de self,
        members: &'de [(Key<'a>, Node<'a>)],
        visitor: V,
    ) -> Result<V::Value, TreeError> {
        let mut access = Members {
            members: members.iter(),
            value: None,
            at: self.start + 1,
            done: members.is_empty(),
        };
        let result = visitor.visit_map(&mut access);
        let at = if access.done { self.end } else { access.at };
        placed(result, at)
    }
}

/// Deserializer methods for numbers: each reads a number as serde_json does, whatever its type.
macro_rules! numbers {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TreeError> {
                self.visit_number(visitor)
            }
        )*
    };
}

/// serde_json's reader, mirrored: each method accepts what serde_json's accepts for it, and calls
/// the same visitor method, so the derives behave as they do over the text itself.
impl<'de, 'a: 'de> de::Deserializer<'de> for &'de Node<'a> {
    type Error = TreeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TreeError> {
        match &self.value {
            Value::Null => placed(visitor.visit_unit(), self.end),
            Value::Bool(b) => placed(visitor.visit_bool(*b), self.end),
            Value::Number(_) => self.visit_number(visitor),
            Value::String(s) => placed(visitor.visit_borrowed_str(s), self.end),
            Value::Array(items) => self.visit_items(items, visitor),
            Value::Object(members) => self.visit_members(members, visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TreeError> {
        match self.value {
            Value::Bool(b) => placed(visitor.visit_bool(b), self.end),
            _ => self.refuse(&visitor),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TreeError> {
        match &self.value {
            Value::String(s) => placed(visitor.visit_borrowed_str(s), self.end),
            _ => self.refuse(&visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TreeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TreeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TreeError> {
        self.deserialize_str(visitor)
    }

    numbers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_u8
        deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32 deserialize_f64
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TreeError> {
        match self.value {
            Value::Null => placed(visitor.visit_none(), self.end),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TreeError> {
        match self.value {
            Value::Null => placed(visitor.visit_unit(), self.end),
            _ => self.refuse(&visitor),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TreeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TreeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TreeError> {
        match &self.value {
            Value::Array(items) => self.visit_items(items, visitor),
            _ => self.refuse(&visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, TreeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, TreeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TreeError> {
        match &self.value {
            Value::Object(members) => self.visit_members(members, visitor),
            _ => self.refuse(&visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TreeError> {
        match &self.value {
            Value::Object(members) => self.visit_members(members, visitor),
            Value::Array(items) => self.visit_items(items, visitor),
            _ => self.refuse(&visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TreeError> {
        let result = match &self.value {
            Value::String(name) => visitor.visit_enum(Variant {
                name: Name {
                    text: name,
                    end: self.end,
                },
                value: None,
            }),
            // `{"variant": content}`; serde_json reads the first member and then expects `}`.
            Value::Object(members) if !members.is_empty() => {
                let (key, value) = &members[0];
                let read = visitor.visit_enum(Variant {
                    name: Name {
                        text: &key.name,
                        end: key.end,
                    },
                    value: Some(value),
                });
                match read {
                    Ok(_) if members.len() > 1 => Err(TreeError::at("expected value", value.end)),
                    other => other,
                }
            }
            // `{}`: no variant name where serde_json looks for one, just inside the brace.
            Value::Object(_) => Err(TreeError::at(
                "expected value",
                (self.start + 2).min(self.end),
            )),
            // serde_json reads an enum only from a string or an object.
            _ => Err(TreeError::at("expected value", self.start + 1)),
        };
        placed(result, self.end)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TreeError> {
        placed(visitor.visit_unit(), self.end)
    }

    forward_to_deserialize_any! {
        i128 u128 bytes byte_buf
    }
}

/// A string read as a name: an object's key, or an enum's variant (from a string value or the
/// key of a one-member object), and where it ends.
#[derive(Clone, Copy)]
struct Name<'de> {
    text: &'de str,
    end: usize,
}

impl<'de> de::Deserializer<'de> for Name<'de> {
    type Error = TreeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TreeError> {
        placed(visitor.visit_borrowed_str(self.text), self.end)
    }

    /// A map keyed by an enum (`BTreeMap<LogField, _>`): the key is the variant's name.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TreeError> {
        placed(
            visitor.visit_enum(Variant {
                name: self,
                value: None,
            }),
            self.end,
        )
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TreeError> {
        visitor.visit_newtype_struct(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

/// A list's items, read one at a time, and where reading has got to (the end of the last item
/// read: an error the list's reader raises after it is placed there).
struct Items<'de, 'a> {
    items: std::slice::Iter<'de, Node<'a>>,
    at: usize,
}

impl<'de, 'a: 'de> SeqAccess<'de> for Items<'de, 'a> {
    type Error = TreeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, TreeError> {
        match self.items.next() {
            Some(node) => {
                self.at = node.end;
                seed.deserialize(node).map(Some)
            }
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// An object's members, read one at a time: the key, then its value.
/// Where reading has got to, as in [`Items`]: the end of the last key or value read, and
/// whether every member has been read (then an error is placed at the object's end).
struct Members<'de, 'a> {
    members: std::slice::Iter<'de, (Key<'a>, Node<'a>)>,
    value: Option<&'de Node<'a>>,
    at: usize,
    done: bool,
}

impl<'de, 'a: 'de> MapAccess<'de> for Members<'de, 'a> {
    type Error = TreeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TreeError> {
        match self.members.next() {
            Some((key, value)) => {
                self.value = Some(value);
                self.at = key.end;
                seed.deserialize(Name {
                    text: &key.name,
                    end: key.end,
                })
                .map(Some)
            }
            None => {
                self.done = true;
                Ok(None)
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, TreeError> {
        match self.value.take() {
            Some(node) => {
                self.at = node.end;
                seed.deserialize(node)
            }
            None => Err(de::Error::custom("a value was read before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

/// An enum's variant: its name, and its content (none for a unit variant written as a string).
struct Variant<'de, 'a> {
    name: Name<'de>,
    value: Option<&'de Node<'a>>,
}

impl<'de, 'a: 'de> EnumAccess<'de> for Variant<'de, 'a> {
    type Error = TreeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), TreeError> {
        let name = seed.deserialize(self.name)?;
        Ok((name, self))
    }
}

impl<'de, 'a: 'de> VariantAccess<'de> for Variant<'de, 'a> {
    type Error = TreeError;

    fn unit_variant(self) -> Result<(), TreeError> {
        match self.value {
            None
            | Some(Node {
                value: Value::Null, ..
            }) => Ok(()),
            Some(node) => placed(
                Err(de::Error::invalid_type(node.unexpected(), &"unit variant")),
                node.end,
            ),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, TreeError> {
        match self.value {
            Some(node) => seed.deserialize(node),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"newtype variant",
            )),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, TreeError> {
        match self.value {
            Some(node) => de::Deserializer::deserialize_seq(node, visitor),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"tuple variant",
            )),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TreeError> {
        match self.value {
            Some(node) => de::Deserializer::deserialize_map(node, visitor),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"struct variant",
            )),
        }
    }
}

/// serde's words for a list of names: "expected `a`", "expected `a` or `b`", "expected one of
/// `a`, `b`, `c`".
fn one_of(names: &[&str]) -> String {
    match names {
        [] => "there are none".to_owned(),
        [one] => format!("expected `{one}`"),
        [a, b] => format!("expected `{a}` or `{b}`"),
        _ => {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("expected one of {}", quoted.join(", "))
        }
    }
}

/// Reads an object as serde's derive reads a struct with `deny_unknown_fields`, for readers
/// written by hand: each member in the order written is given to `field` with the index of its
/// name in `fields` (its reader's error stops the reading); a name not in `fields`, or one given
/// twice, is refused at its key with serde's words. The member named `tag` (an internally tagged
/// enum's, already read) is passed over. A value that is not an object is refused as not
/// `expecting` ("struct Organisation"). Fields left out are the caller's to check after, with
/// [`missing`], in the order they are declared.
pub fn read_struct<'t, 'a>(
    node: &'t Node<'a>,
    expecting: &str,
    fields: &[&str],
    tag: &str,
    mut field: impl FnMut(usize, &'t Node<'a>) -> Result<(), TreeError>,
) -> Result<(), TreeError> {
    read_members(node, expecting, fields, tag, &mut field)
}

/// [`read_struct`]'s work, compiled once for every struct (a generic one was compiled again for
/// each reader; issue 14, the call screen's size).
#[inline(never)]
fn read_members<'t, 'a>(
    node: &'t Node<'a>,
    expecting: &str,
    fields: &[&str],
    tag: &str,
    field: &mut dyn FnMut(usize, &'t Node<'a>) -> Result<(), TreeError>,
) -> Result<(), TreeError> {
    let Value::Object(members) = &node.value else {
        return node.refuse(&expecting);
    };
    let mut seen = vec![false; fields.len()];
    for (key, value) in members {
        if key.name == tag {
            continue;
        }
        let Some(index) = fields.iter().position(|f| *f == key.name) else {
            let message = format!("unknown field `{}`, {}", key.name, one_of(fields));
            return Err(TreeError::at(&message, key.end));
        };
        if std::mem::replace(&mut seen[index], true) {
            let message = format!("duplicate field `{}`", fields[index]);
            return Err(TreeError::at(&message, key.end));
        }
        field(index, value)?;
    }
    Ok(())
}

/// A required field's value, or serde's "missing field" at the end of its object `node`.
pub fn missing<T>(value: Option<T>, name: &str, node: &Node) -> Result<T, TreeError> {
    match value {
        Some(value) => Ok(value),
        None => Err(missing_field(name, node)),
    }
}

/// serde's "missing field" at the end of the object `node`; not generic, so written once.
#[inline(never)]
fn missing_field(name: &str, node: &Node) -> TreeError {
    TreeError::at(&format!("missing field `{name}`"), node.end)
}

/// Reads a list with `item` for each of its items, as serde reads a `Vec`.
pub fn read_list<'t, 'a, T>(
    node: &'t Node<'a>,
    mut item: impl FnMut(&'t Node<'a>) -> Result<T, TreeError>,
) -> Result<Vec<T>, TreeError> {
    let items = node.items()?;
    let mut list = Vec::with_capacity(items.len());
    for node in items {
        list.push(item(node)?);
    }
    Ok(list)
}

/// Reads `null` as none and anything else with `read`, as serde reads an `Option`.
pub fn read_option<'t, 'a, T>(
    node: &'t Node<'a>,
    read: impl FnOnce(&'t Node<'a>) -> Result<T, TreeError>,
) -> Result<Option<T>, TreeError> {
    match node.value {
        Value::Null => Ok(None),
        _ => read(node).map(Some),
    }
}

/// Reads a value with its serde derive: the leaves of a hand-written reader (text, numbers,
/// lists of text, enums).
pub fn read_serde<'t, 'a: 't, T: de::Deserialize<'t>>(node: &'t Node<'a>) -> Result<T, TreeError> {
    // An error with no place (a `try_from`'s) goes where the derive's member reader puts it: at
    // the end of the value.
    placed(T::deserialize(node), node.end)
}

impl TreeError {
    /// The same error placed at `at`, wherever it was placed before: what a derive reading
    /// through buffered content says (an internally tagged enum's), which knows no place inside.
    pub fn moved_to(mut self, at: usize) -> TreeError {
        self.0.at = Some(at);
        self
    }
}

/// An internally tagged enum's variant, as serde's derive reads it: the index in `variants` of
/// the name in the member `tag` of the object `node` (`expecting` says what anything else should
/// have been, "internally tagged enum Event"), and the object's members. A missing, doubled or
/// unknown tag is refused in serde's words, where the derive refuses it. The derive reads a list
/// as the tag and then the fields in order; nobody writes an enum so, and only the empty list's
/// refusal ("missing field") is the same here.
pub fn read_tag<'t, 'a>(
    node: &'t Node<'a>,
    tag: &str,
    expecting: &str,
    variants: &[&str],
) -> Result<(usize, &'t [Member<'a>]), TreeError> {
    let missing_tag = || TreeError::at(&format!("missing field `{tag}`"), node.end);
    let members = match &node.value {
        Value::Object(members) => members,
        Value::Array(items) if items.is_empty() => return Err(missing_tag()),
        _ => return node.refuse(&expecting),
    };
    let mut tags = members.iter().filter(|(key, _)| key.name == tag);
    let Some((_, value)) = tags.next() else {
        return Err(missing_tag());
    };
    if let Some((key, _)) = tags.next() {
        return Err(TreeError::at(&format!("duplicate field `{tag}`"), key.end));
    }
    let Value::String(name) = &value.value else {
        return value.refuse(&"variant identifier");
    };
    match variants.iter().position(|v| *v == name.as_ref()) {
        Some(index) => Ok((index, members)),
        None => {
            let message = format!("unknown variant `{name}`, {}", one_of(variants));
            Err(TreeError::at(&message, value.end))
        }
    }
}

/// The name of a field in the text: the Rust name, or the one given.
macro_rules! field_name {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident, $json:literal) => {
        $json
    };
}

/// A field's value once the object is read: `required` (else serde's "missing field") or
/// `default` (its type's default when left out; an `Option` is none).
macro_rules! take {
    (required, $value:ident, $name:expr, $node:expr) => {
        $crate::kernel::json_tree::missing($value, $name, $node)?
    };
    (default, $value:ident, $name:expr, $node:expr) => {
        $value.unwrap_or_default()
    };
    (default_true, $value:ident, $name:expr, $node:expr) => {
        $value.unwrap_or(true)
    };
}

/// Reads the struct `$ty` from the object `$node` as its derive (with `deny_unknown_fields`)
/// does, by [`read_struct`]: each field named as declared (or `= "name"`), `required`,
/// `default` or `default_true` (a flag that is on unless written), read by its reader in the order written. `as "words"` says what a value that is
/// not an object should have been (serde's `expecting`, in brackets), "struct $ty" if not
/// given.
macro_rules! by_hand {
    ($node:expr, $ty:ident { $($body:tt)* }) => {
        $crate::kernel::json_tree::by_hand!($node, $ty as (concat!("struct ", stringify!($ty))) { $($body)* })
    };
    ($node:expr, $ty:ident as ($expecting:expr) { $($field:ident $(= $json:literal)? : $how:ident ($read:expr)),* $(,)? }) => {{
        let node: &$crate::kernel::json_tree::Node = $node;
        const FIELDS: &[&str] = &[$($crate::kernel::json_tree::field_name!($field $(, $json)?)),*];
        $(let mut $field = None;)*
        $crate::kernel::json_tree::read_struct(node, $expecting, FIELDS, "", |index, value| {
            let mut at = 0;
            $(
                if index == at {
                    $field = Some(($read)(value)?);
                    return Ok(());
                }
                at += 1;
            )*
            let _ = at;
            Ok(())
        })?;
        Ok($ty {
            $($field: $crate::kernel::json_tree::take!($how, $field, $crate::kernel::json_tree::field_name!($field $(, $json)?), node)),*
        })
    }};
}

pub(crate) use {by_hand, field_name, take};

#[cfg(test)]
mod tests {
    use super::*;

    /// `AsJson` says everything but `null` and floats as serde's own `Display` does (it does not
    /// call it: see there).
    #[test]
    fn as_json_says_what_serde_says() {
        let cases = [
            Unexpected::Bool(true),
            Unexpected::Unsigned(18_446_744_073_709_551_615),
            Unexpected::Signed(-9_223_372_036_854_775_808),
            Unexpected::Char('é'),
            Unexpected::Str("a \"quoted\"\n\u{7} line"),
            Unexpected::Bytes(b"x"),
            Unexpected::Option,
            Unexpected::NewtypeStruct,
            Unexpected::Seq,
            Unexpected::Map,
            Unexpected::Enum,
            Unexpected::UnitVariant,
            Unexpected::NewtypeVariant,
            Unexpected::TupleVariant,
            Unexpected::StructVariant,
            Unexpected::Other("number out of range"),
        ];
        for case in cases {
            assert_eq!(AsJson(case).to_string(), case.to_string());
        }
        assert_eq!(AsJson(Unexpected::Unit).to_string(), "null");
        assert_eq!(
            AsJson(Unexpected::Float(0.5)).to_string(),
            "floating point `0.5`"
        );
        assert_eq!(
            AsJson(Unexpected::Float(2.0)).to_string(),
            "floating point `2.0`"
        );
        assert_eq!(
            AsJson(Unexpected::Float(f64::NAN)).to_string(),
            "floating point `NaN`"
        );
    }
}
