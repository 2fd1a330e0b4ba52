//! Internally tagged enums (`{"kind": "spike", ...}`) and the timeline's flattened commands,
//! read without serde's buffer.
//!
//! serde reads an internally tagged enum, and a `flatten`ed field, by first copying the whole
//! object into a buffer of its own (`Content`) and then reading the variant from that buffer:
//! every type inside such an enum (a command's producer or group, a rate profile) then has its
//! reading code twice in the page's wasm, once for JSON text and once for the buffer, with the
//! buffer's own reader besides (BENCHMARKS.md, "Bundle": 27 KB of the gzipped wasm, a
//! tenth of its code).
//!
//! Here the tag is read where it stands, with serde's messages, and the object's other entries
//! are kept as their JSON text. The object is then rewritten as the externally tagged
//! `{"spike": {...}}` and read from that text by a derived mirror of the enum (`serde(remote)`):
//! the same JSON-text reader as the rest of the scenario. A mirror's error is reported as
//! serde reports an error read from its buffer: once the object is read, without the rewritten
//! text's line and column, so `error_path` names the same field as before. Where serde's
//! buffer reads differently from JSON text (a number as a tag inside a command, an enum given a
//! number), the same answer is given here (`command.rs` tests this against serde's derive).

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::Deserialize;

/// An object's entries: each key with its value as JSON text ([`JsonText`]).
pub type Entries = Vec<(String, JsonText)>;

/// An internally tagged enum: its tag, its variants in declaration order, and which of them
/// carry no data.
pub(crate) struct Tagged {
    /// The tag's key, such as `kind`.
    pub tag: &'static str,
    /// serde's words for a value that is not an object: `internally tagged enum Command`.
    pub expecting: &'static str,
    /// Variant names as written (serde's `VARIANTS`).
    pub variants: &'static [&'static str],
    /// The variants without fields (serde ignores any other entry of theirs).
    pub units: &'static [&'static str],
}

/// What follows the tag: an object's other entries, or an array's other elements (serde
/// accepts `["constant", 5]` too).
enum Body {
    Map(Entries),
    Seq(Vec<JsonText>),
}

impl Tagged {
    /// Reads the enum's value from a JSON reader, the tag first, and gives it back as the
    /// externally tagged text its mirror reads.
    pub(crate) fn external<'de, D: Deserializer<'de>>(
        &'static self,
        d: D,
    ) -> Result<String, D::Error> {
        let (variant, body) = d.deserialize_any(TagVisitor(self))?;
        Ok(self.text(variant, &body))
    }

    /// The same, from the entries of an object already read (a flattened command): serde
    /// reads the tag from its buffer then, where a number is a variant's index.
    pub(crate) fn external_from<E: de::Error>(
        &'static self,
        entries: Entries,
    ) -> Result<String, E> {
        let mut variant = None;
        let mut rest = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            if key != self.tag {
                rest.push((key, value));
            } else if variant.is_some() {
                return Err(E::duplicate_field(self.tag));
            } else {
                // Named in the message: the error is placed at the event's end.
                let named =
                    |e: E| E::custom(format!("{}{}`: {e}", super::json_path::FIELD_MARK, self.tag));
                variant = Some(self.variant_of(&value.0).map_err(named)?);
            }
        }
        let variant = variant.ok_or_else(|| E::missing_field(self.tag))?;
        Ok(self.text(variant, &Body::Map(rest)))
    }

    /// The variant a tag's JSON text names, as serde reads it from its buffer: a string
    /// (one of the variants) or a number (a variant's index).
    fn variant_of<E: de::Error>(&'static self, text: &str) -> Result<usize, E> {
        let read = match text.parse::<u64>() {
            Ok(n) => VariantVisitor(self).visit_u64(n),
            Err(_) => serde_json::Deserializer::from_str(text)
                .deserialize_identifier(VariantVisitor(self)),
        };
        read.map_err(|e: serde_json::Error| E::custom(message(&e)))
    }

    /// `{"variant": {entries}}`, `{"variant": [elements]}`, or `{"variant": null}` for a
    /// variant without fields.
    fn text(&self, variant: usize, body: &Body) -> String {
        let name = self.variants[variant];
        let mut s = String::with_capacity(64);
        s.push_str("{\"");
        s.push_str(name);
        s.push_str("\":");
        if self.units.contains(&name) {
            s.push_str("null");
        } else {
            match body {
                Body::Map(entries) => {
                    s.push('{');
                    for (i, (key, value)) in entries.iter().enumerate() {
                        if i > 0 {
                            s.push(',');
                        }
                        push_json_string(&mut s, key);
                        s.push(':');
                        s.push_str(&value.0);
                    }
                    s.push('}');
                }
                Body::Seq(items) => {
                    s.push('[');
                    for (i, value) in items.iter().enumerate() {
                        if i > 0 {
                            s.push(',');
                        }
                        s.push_str(&value.0);
                    }
                    s.push(']');
                }
            }
        }
        s.push('}');
        s
    }
}

/// Reads the enum `T` from `text` (written by [`Tagged::external`]) with `read`, its mirror's
/// derived reader; an error is reported as one read from serde's buffer.
pub(crate) fn read<'t, T, E: de::Error>(
    text: &'t str,
    read: impl FnOnce(
        &mut serde_json::Deserializer<serde_json::de::StrRead<'t>>,
    ) -> serde_json::Result<T>,
) -> Result<T, E> {
    BUFFERED.with(|b| b.set(b.get() + 1));
    let result = read(&mut serde_json::Deserializer::from_str(text));
    BUFFERED.with(|b| b.set(b.get() - 1));
    result.map_err(|e| {
        // The field inside this object, from the rewritten text `{"variant": {...}}`: named in
        // the message, since serde_json places the error at the object's end.
        let field = super::json_path::error_path(text, &e);
        // A key written twice is the field named, wherever serde_json stopped.
        let m = message(&e);
        let twice = m.strip_prefix("duplicate field `").and_then(|f| f.split('`').next());
        let inner = twice.or(field.split_once('.').map(|(_, f)| f).filter(|f| !f.is_empty()));
        let err: E = read_error(text, &e);
        match inner {
            Some(f) => {
                let rest = err.to_string();
                let (_, rest) = super::json_path::split_field(&rest);
                E::custom(format!("{}{f}`: {rest}", super::json_path::FIELD_MARK))
            }
            None => err,
        }
    })
}

/// The error a mirror's reading error `e` becomes (without the rewritten text's place).
fn read_error<E: de::Error>(text: &str, e: &serde_json::Error) -> E {
    {
        if e.is_syntax() && message(e) == "expected value" {
            // The text is JSON: serde_json refuses a number or a several-key object where an
            // enum's name is expected as if it were not a value. serde's buffer says what it is.
            let at = super::json_path::offset_of(text, e.line(), e.column()).saturating_sub(1);
            let value = &text[at..];
            if value.starts_with('{') {
                return E::invalid_value(Unexpected::Map, &"map with a single key");
            }
            if let Err(e) = StringOrMap.deserialize(&mut serde_json::Deserializer::from_str(value))
            {
                return E::custom(message(&e));
            }
        }
        E::custom(message(e))
    }
}

thread_local! {
    /// How many mirrors are reading: inside one, a tag is read as serde reads it from its
    /// buffer (where a number is a variant's index).
    static BUFFERED: Cell<u32> = const { Cell::new(0) };
}

/// A serde_json message without its line and column (which would name the rewritten text).
fn message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) if e.line() > 0 => s[..i].to_string(),
        _ => s,
    }
}

/// `s` as a JSON string.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Reads the tag wherever it stands among the entries, keeping the others as text.
struct TagVisitor(&'static Tagged);

impl<'de> Visitor<'de> for TagVisitor {
    type Value = (usize, Body);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0.expecting)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut variant = None;
        let mut rest = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key != self.0.tag {
                rest.push((key, map.next_value()?));
            } else if variant.is_some() {
                return Err(de::Error::duplicate_field(self.0.tag));
            } else {
                variant = Some(map.next_value_seed(VariantSeed(self.0))?);
            }
        }
        let variant = variant.ok_or_else(|| de::Error::missing_field(self.0.tag))?;
        Ok((variant, Body::Map(rest)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let variant = seq
            .next_element_seed(VariantSeed(self.0))?
            .ok_or_else(|| de::Error::missing_field(self.0.tag))?;
        let mut rest = Vec::new();
        while let Some(value) = seq.next_element()? {
            rest.push(value);
        }
        Ok((variant, Body::Seq(rest)))
    }
}

/// A variant's name (or, from serde's buffer, its index), as serde's derived identifier.
#[derive(Clone, Copy)]
struct VariantSeed(&'static Tagged);

impl<'de> DeserializeSeed<'de> for VariantSeed {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        if BUFFERED.with(Cell::get) > 0 {
            return self.0.variant_of(&JsonText::deserialize(d)?.0);
        }
        d.deserialize_identifier(VariantVisitor(self.0))
    }
}

struct VariantVisitor(&'static Tagged);

/// serde's words for a variant index out of range.
struct IndexBelow(usize);

impl de::Expected for IndexBelow {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "variant index 0 <= i < {}", self.0)
    }
}

impl<'de> Visitor<'de> for VariantVisitor {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<usize, E> {
        let count = self.0.variants.len();
        match usize::try_from(n) {
            Ok(i) if i < count => Ok(i),
            _ => Err(E::invalid_value(Unexpected::Unsigned(n), &IndexBelow(count))),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.0
            .variants
            .iter()
            .position(|&name| name == v)
            .ok_or_else(|| E::unknown_variant(v, self.0.variants))
    }
}

/// Refuses any value as serde's buffer refuses a non-string where an enum's name is expected.
struct StringOrMap;

impl<'de> DeserializeSeed<'de> for StringOrMap {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringOrMap {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("string or map")
    }
}

/// Any JSON value, written back as JSON text while serde_json reads it: numbers parsed (so a
/// number out of range is refused where it stands, as serde's buffer refuses it), strings
/// escaped, a float kept a float.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonText(String);

impl<'de> Deserialize<'de> for JsonText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut out = String::new();
        d.deserialize_any(TextVisitor(&mut out))?;
        Ok(JsonText(out))
    }
}

struct TextVisitor<'a>(&'a mut String);

impl<'de> DeserializeSeed<'de> for TextVisitor<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.0.push_str(&v.to_string());
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.0.push_str(&v.to_string());
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        // Rust writes the shortest text that reads back as the same f64; `1e300` and `-0.0`
        // come out without a point, which would read back as integers.
        let text = v.to_string();
        let integral = !text.contains(['.', 'e', 'E']);
        self.0.push_str(&text);
        if integral {
            self.0.push_str(".0");
        }
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        push_json_string(self.0, v);
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.push_str("null");
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.push('[');
        let mut first = true;
        loop {
            let at = self.0.len();
            if !first {
                self.0.push(',');
            }
            if seq.next_element_seed(TextVisitor(self.0))?.is_none() {
                self.0.truncate(at);
                break;
            }
            first = false;
        }
        self.0.push(']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.push('{');
        let mut first = true;
        while let Some(key) = map.next_key::<String>()? {
            if !first {
                self.0.push(',');
            }
            first = false;
            push_json_string(self.0, &key);
            self.0.push(':');
            map.next_value_seed(TextVisitor(self.0))?;
        }
        self.0.push('}');
        Ok(())
    }
}
