//! Every text in a pack, with its JSON path (F18), for checks that apply to all of them alike.
//!
//! The pack is walked through its own `Serialize` implementation, so a field added to the pack is
//! walked without this module changing, and the paths are the ones written in the file
//! (`resources.units[2].type`, `trees[0].nodes[1].answer.yes.node`). Nothing is built but the path:
//! no copy of the pack, no `serde_json::Value`.

use std::fmt;

use serde::ser::{self, Serialize};

use crate::pack::PackFile;

/// Calls `visit(path, text)` for every string in `file`, in document order. Map keys (the pack has
/// none) are part of paths, not texts; the fixed words of enumerations (`"must_say"`) are not
/// visited.
pub fn for_each_text(file: &PackFile, visit: impl FnMut(&str, &str)) {
    let mut walker = Walker {
        path: String::new(),
        visit,
    };
    // The walker itself never fails; a custom error from a `Serialize` impl would only end the walk.
    let _ = file.serialize(&mut walker);
}

struct Walker<F> {
    path: String,
    visit: F,
}

impl<F> Walker<F> {
    fn push_key(&mut self, key: &str) {
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(key);
    }

    fn push_index(&mut self, index: usize) {
        use fmt::Write;
        let _ = write!(self.path, "[{index}]");
    }
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

/// A list, object or enum variant being walked: its elements or fields go below `base`, and the
/// path is cut back to `restore` when it ends.
pub struct Compound<'w, F> {
    walker: &'w mut Walker<F>,
    base: usize,
    restore: usize,
    index: usize,
    key: Option<String>,
}

impl<'w, F: FnMut(&str, &str)> Compound<'w, F> {
    fn new(walker: &'w mut Walker<F>, variant: Option<&str>) -> Self {
        let restore = walker.path.len();
        if let Some(variant) = variant {
            walker.push_key(variant);
        }
        let base = walker.path.len();
        Compound {
            walker,
            base,
            restore,
            index: 0,
            key: None,
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WalkError> {
        self.walker.path.truncate(self.base);
        self.walker.push_index(self.index);
        self.index += 1;
        value.serialize(&mut *self.walker)?;
        self.walker.path.truncate(self.base);
        Ok(())
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), WalkError> {
        self.walker.path.truncate(self.base);
        self.walker.push_key(key);
        value.serialize(&mut *self.walker)?;
        self.walker.path.truncate(self.base);
        Ok(())
    }

    fn finish(self) -> Result<(), WalkError> {
        self.walker.path.truncate(self.restore);
        Ok(())
    }
}

impl<'w, F: FnMut(&str, &str)> ser::Serializer for &'w mut Walker<F> {
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
        let restore = self.path.len();
        self.push_key(variant);
        value.serialize(&mut *self)?;
        self.path.truncate(restore);
        Ok(())
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

impl<F: FnMut(&str, &str)> ser::SerializeSeq for Compound<'_, F> {
    type Ok = ();
    type Error = WalkError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WalkError> {
        self.element(value)
    }
    fn end(self) -> Result<(), WalkError> {
        self.finish()
    }
}

impl<F: FnMut(&str, &str)> ser::SerializeTuple for Compound<'_, F> {
    type Ok = ();
    type Error = WalkError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WalkError> {
        self.element(value)
    }
    fn end(self) -> Result<(), WalkError> {
        self.finish()
    }
}

impl<F: FnMut(&str, &str)> ser::SerializeTupleStruct for Compound<'_, F> {
    type Ok = ();
    type Error = WalkError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WalkError> {
        self.element(value)
    }
    fn end(self) -> Result<(), WalkError> {
        self.finish()
    }
}

impl<F: FnMut(&str, &str)> ser::SerializeTupleVariant for Compound<'_, F> {
    type Ok = ();
    type Error = WalkError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WalkError> {
        self.element(value)
    }
    fn end(self) -> Result<(), WalkError> {
        self.finish()
    }
}

impl<F: FnMut(&str, &str)> ser::SerializeMap for Compound<'_, F> {
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
        self.field(&key, value)
    }
    fn end(self) -> Result<(), WalkError> {
        self.finish()
    }
}

impl<F: FnMut(&str, &str)> ser::SerializeStruct for Compound<'_, F> {
    type Ok = ();
    type Error = WalkError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), WalkError> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), WalkError> {
        self.finish()
    }
}

impl<F: FnMut(&str, &str)> ser::SerializeStructVariant for Compound<'_, F> {
    type Ok = ();
    type Error = WalkError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), WalkError> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), WalkError> {
        self.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::for_each_text;
    use crate::pack::PackFile;

    #[test]
    fn every_text_is_visited_with_the_path_written_in_the_file() {
        let file: PackFile = serde_json::from_str(include_str!(
            "../../tests/fixtures/packs/problems/valid.json"
        ))
        .unwrap();
        let mut seen = Vec::new();
        for_each_text(&file, |path, text| seen.push(format!("{path}={text}")));
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
    }
}
