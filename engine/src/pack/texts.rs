//! Every text in a pack, with its JSON path (F18), for checks that apply to all of them alike.
//!
//! The pack is walked through its own `Serialize` implementation, so a field added to the pack is
//! walked without this module changing, and the paths are the ones written in the file
//! (`resources.units[2].type`, `trees[0].nodes[1].answer.yes.node`). Nothing is built: no copy of
//! the pack, no `serde_json::Value`, and a path is written out only when a visitor asks for it.

use std::fmt;

use serde::ser::{self, Serialize};

use crate::kernel::json_tree::{Node, Value};
use crate::pack::PackFile;

/// Calls `visit(path, text)` for every string in `file`, in document order. Map keys (the pack has
/// none) are part of paths, not texts; the fixed words of enumerations (`"must_say"`) are not
/// visited.
pub fn for_each_text(file: &PackFile, visit: impl FnMut(&TextPath, &str)) {
    let mut walker = Walker {
        path: TextPath(Vec::new()),
        visit,
    };
    // The walker itself never fails; a custom error from a `Serialize` impl would only end the walk.
    let _ = file.serialize(&mut walker);
}

/// Calls `visit(path, text)` for every string of a pack as written (its JSON tree) that `wanted`
/// keeps, in document order: what [`for_each_text`] visits, the path built only for the texts
/// kept. (The fixed words of enumerations are strings in the tree and are visited too: keep them
/// out with `wanted`, as a check for braces does.) `parse_pack` checks through this, so the
/// widget does not carry a second copy of the pack's `Serialize` code for the walk
/// (`engine/tests/problems.rs` holds the two walks to the same problems).
pub fn for_each_text_in_tree(
    root: &Node,
    wanted: fn(&str) -> bool,
    visit: &mut dyn FnMut(&TextPath, &str),
) {
    fn walk<'t>(
        node: &'t Node,
        steps: &mut Vec<(Option<&'t str>, usize)>,
        wanted: fn(&str) -> bool,
        visit: &mut dyn FnMut(&TextPath, &str),
    ) {
        match &node.value {
            Value::String(text) if wanted(text) => {
                let path = steps
                    .iter()
                    .map(|step| match step {
                        (Some(key), _) => Step::OwnedKey((*key).to_owned()),
                        (None, index) => Step::Index(*index),
                    })
                    .collect();
                visit(&TextPath(path), text);
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    steps.push((None, index));
                    walk(item, steps, wanted, visit);
                    steps.pop();
                }
            }
            Value::Object(members) => {
                for (key, value) in members {
                    steps.push((Some(key.name.as_ref()), 0));
                    walk(value, steps, wanted, visit);
                    steps.pop();
                }
            }
            _ => {}
        }
    }
    walk(root, &mut Vec::new(), wanted, visit);
}

/// Where a text is, as it would be written: `trees[0].nodes[1].question`. Kept as steps, and
/// written out (`Display`) only when needed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextPath(Vec<Step>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(&'static str),
    OwnedKey(String),
    Index(usize),
}

impl TextPath {
    /// The last field name on the path (`question` in `trees[0].nodes[1].question`).
    pub fn last_key(&self) -> Option<&str> {
        self.0.iter().rev().find_map(|step| match step {
            Step::Key(k) => Some(*k),
            Step::OwnedKey(k) => Some(k.as_str()),
            Step::Index(_) => None,
        })
    }

    /// The path with its indices left out, e.g. `trees[].nodes[].question`.
    pub fn shape(&self) -> String {
        let mut out = String::new();
        for step in &self.0 {
            match step {
                Step::Key(k) => push_key(&mut out, k),
                Step::OwnedKey(k) => push_key(&mut out, k),
                Step::Index(_) => out.push_str("[]"),
            }
        }
        out
    }
}

fn push_key(out: &mut String, key: &str) {
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(key);
}

impl fmt::Display for TextPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            let dot = if i == 0 { "" } else { "." };
            match step {
                Step::Key(k) => write!(f, "{dot}{k}")?,
                Step::OwnedKey(k) => write!(f, "{dot}{k}")?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

struct Walker<F> {
    path: TextPath,
    visit: F,
}

/// The walker's error: never produced by the walker itself.
#[derive(Debug)]
pub struct WalkError(String);

impl fmt::Display for WalkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WalkError {}

impl ser::Error for WalkError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        WalkError(msg.to_string())
    }
}

/// A list, object or enum variant being walked: its elements or fields go below `base` steps, and
/// the path is cut back to `restore` steps when it ends.
pub struct Compound<'w, F> {
    walker: &'w mut Walker<F>,
    base: usize,
    restore: usize,
    index: usize,
    key: Option<String>,
}

impl<'w, F: FnMut(&TextPath, &str)> Compound<'w, F> {
    fn new(walker: &'w mut Walker<F>, variant: Option<&'static str>) -> Self {
        let restore = walker.path.0.len();
        if let Some(variant) = variant {
            walker.path.0.push(Step::Key(variant));
        }
        let base = walker.path.0.len();
        Compound {
            walker,
            base,
            restore,
            index: 0,
            key: None,
        }
    }

    fn below<T: Serialize + ?Sized>(&mut self, step: Step, value: &T) -> Result<(), WalkError> {
        self.walker.path.0.truncate(self.base);
        self.walker.path.0.push(step);
        let result = value.serialize(&mut *self.walker);
        self.walker.path.0.truncate(self.base);
        result
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WalkError> {
        let index = self.index;
        self.index += 1;
        self.below(Step::Index(index), value)
    }

    fn finish(self) -> Result<(), WalkError> {
        self.walker.path.0.truncate(self.restore);
        Ok(())
    }
}

impl<'w, F: FnMut(&TextPath, &str)> ser::Serializer for &'w mut Walker<F> {
    type Ok = ();
    type Error = WalkError;
    type SerializeSeq = Compound<'w, F>;
    type SerializeTuple = Compound<'w, F>;
    type SerializeTupleStruct = Compound<'w, F>;
    type SerializeTupleVariant = Compound<'w, F>;
    type SerializeMap = Compound<'w, F>;
    type SerializeStruct = Compound<'w, F>;
    type SerializeStructVariant = Compound<'w, F>;

    fn serialize_str(self, v: &str) -> Result<(), WalkError> {
        (self.visit)(&self.path, v);
        Ok(())
    }

    fn serialize_bool(self, _: bool) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_f64(self, _: f64) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_char(self, _: char) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), WalkError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), WalkError> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), WalkError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), WalkError> {
        let restore = self.path.0.len();
        self.path.0.push(Step::Key(variant));
        let result = value.serialize(&mut *self);
        self.path.0.truncate(restore);
        result
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'w, F>, WalkError> {
        Ok(Compound::new(self, None))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'w, F>, WalkError> {
        Ok(Compound::new(self, None))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'w, F>, WalkError> {
        Ok(Compound::new(self, None))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'w, F>, WalkError> {
        Ok(Compound::new(self, Some(variant)))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'w, F>, WalkError> {
        Ok(Compound::new(self, None))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'w, F>, WalkError> {
        Ok(Compound::new(self, None))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'w, F>, WalkError> {
        Ok(Compound::new(self, Some(variant)))
    }
}

/// serde's four kinds of list (sequence, tuple, tuple struct, tuple variant) are one thing here:
/// each element is walked below its index.
macro_rules! elements {
    ($($kind:ident :: $method:ident),*) => {$(
        impl<F: FnMut(&TextPath, &str)> ser::$kind for Compound<'_, F> {
            type Ok = ();
            type Error = WalkError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WalkError> {
                self.element(value)
            }
            fn end(self) -> Result<(), WalkError> {
                self.finish()
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl<F: FnMut(&TextPath, &str)> ser::SerializeMap for Compound<'_, F> {
    type Ok = ();
    type Error = WalkError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), WalkError> {
        // Keys become part of the path; JSON keys are strings, anything else is shown as JSON.
        self.key = Some(match serde_json::to_value(key) {
            Ok(serde_json::Value::String(s)) => s,
            Ok(other) => other.to_string(),
            Err(_) => "?".to_owned(),
        });
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WalkError> {
        let key = self.key.take().unwrap_or_default();
        self.below(Step::OwnedKey(key), value)
    }
    fn end(self) -> Result<(), WalkError> {
        self.finish()
    }
}

/// A struct and a struct variant alike: each field is walked below its name.
macro_rules! fields {
    ($($kind:ident),*) => {$(
        impl<F: FnMut(&TextPath, &str)> ser::$kind for Compound<'_, F> {
            type Ok = ();
            type Error = WalkError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), WalkError> {
                self.below(Step::Key(key), value)
            }
            fn end(self) -> Result<(), WalkError> {
                self.finish()
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::for_each_text;
    use crate::pack::PackFile;

    #[test]
    fn every_text_is_visited_with_the_path_written_in_the_file() {
        let file: PackFile = serde_json::from_str(include_str!(
            "../../../tests/fixtures/packs/problems/valid.json"
        ))
        .unwrap();
        let mut seen = Vec::new();
        let mut shapes = Vec::new();
        for_each_text(&file, |path, text| {
            seen.push(format!("{path}={text}"));
            shapes.push((path.shape(), path.last_key().map(str::to_owned)));
        });
        for expected in [
            "format=incident-desk/pack@1",
            "organisation.services[0].description=Roads and pavements",
            "wording.greeting={organisation}, {agent} speaking.",
            "trees[0].nodes[0].answer.kind=yes_no",
            "trees[0].nodes[0].answer.yes.node=q2",
            "trees[0].nodes[1].answer.branches[0].next.outcome=deep",
            "trees[0].outcomes[1].reason=Shallow or standing water",
            "escalation.triggers[0].when.priority_at_least=P1",
        ] {
            assert!(seen.iter().any(|s| s == expected), "{expected}: {seen:#?}");
        }
        // Document order.
        assert_eq!(seen[0], "format=incident-desk/pack@1");
        assert_eq!(seen[1], "version=1.0");
        let at = seen
            .iter()
            .position(|s| s == "trees[0].nodes[1].answer.branches[0].next.outcome=deep")
            .unwrap();
        assert_eq!(
            shapes[at],
            (
                "trees[].nodes[].answer.branches[].next.outcome".to_owned(),
                Some("outcome".to_owned())
            )
        );
    }
}
