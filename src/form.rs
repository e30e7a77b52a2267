//! The one encoder for every params type: Stripe's bracket notation.
//!
//! Any [`Serialize`] value whose top level is a struct or a map is flattened into ordered
//! `(key, value)` pairs the way Stripe's official libraries send them, and `serde_urlencoded`
//! percent-encodes those pairs:
//!
//! | Rust value | pairs |
//! | --- | --- |
//! | nested struct or map | `flow_data[after_completion][type]=redirect` |
//! | sequence | indexed: `expand[0]=configuration`, `items[0][id]=si_1`; an element that sends nothing takes no index |
//! | `None`, `()` | nothing |
//! | `bool` | `true` / `false` |
//! | empty string | `name=` (sent only when the caller set it: that is how Stripe clears a field) |
//! | unit enum variant | its (renamed) name |
//!
//! An element that sends nothing (`None`, `null`, an empty struct) is left out of the
//! numbering, so `[Some(1), None, Some(3)]` is `b[0]=1&b[1]=3`: Stripe refuses a list with a
//! gap ("expand has no index 0"). Stripe's own libraries do otherwise: stripe-go skips a nil
//! element but still counts it, stripe-python 16 sends the text `None`. serde_json's `Number`
//! under its `arbitrary_precision` feature, and its `RawValue`, are the value they hold.
//!
//! Empty sequences and maps send nothing, as in the official libraries. A shape that has no
//! form encoding (bytes, a bare number at the top level, a map with non-scalar keys, NaN) is an
//! [`Error`], never a panic.
//!
//! ```
//! use stripe_billing_portal::{form, FlowData, SessionCreateParams};
//!
//! let params = SessionCreateParams::for_customer("cus_123")
//!     .flow_data(FlowData::subscription_update("sub_123"));
//! assert_eq!(
//!     form::to_string(&params)?,
//!     "customer=cus_123&flow_data%5Btype%5D=subscription_update\
//!      &flow_data%5Bsubscription_update%5D%5Bsubscription%5D=sub_123",
//! );
//! # Ok::<(), stripe_billing_portal::Error>(())
//! ```

use std::fmt::{self, Display};

use serde::ser::{self, Impossible, Serialize};

use crate::Error;

/// Encodes `value` as an `application/x-www-form-urlencoded` body in Stripe's bracket notation.
///
/// # Errors
///
/// When `value` is not a struct or map at the top level, or holds a value with no form
/// encoding (bytes, non-finite floats, maps whose keys are not scalars).
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    // Sized for a typical session's params, so the buffers rarely grow.
    let arena = Arena {
        text: String::with_capacity(512),
        spans: Vec::with_capacity(32),
    };
    let pairs = flatten(value, arena)?;
    serde_urlencoded::to_string(&pairs).map_err(|e| Error::invalid_input(e.to_string()))
}

/// Flattens `value` into the ordered bracket-notation pairs, before percent-encoding.
///
/// Useful to look at what will be sent, and to compare a body with one decoded on a server.
///
/// ```
/// use stripe_billing_portal::form;
///
/// let pairs = form::to_pairs(&serde_json::json!({"expand": ["configuration"]}))?;
/// assert_eq!(pairs, [("expand[0]".to_string(), "configuration".to_string())]);
/// # Ok::<(), stripe_billing_portal::Error>(())
/// ```
///
/// # Errors
///
/// As [`to_string`].
pub fn to_pairs<T: Serialize + ?Sized>(value: &T) -> Result<Vec<(String, String)>, Error> {
    flatten(value, Vec::new())
}

fn flatten<T: Serialize + ?Sized, S: Sink>(value: &T, pairs: S) -> Result<S, Error> {
    let mut flattener = Flattener {
        // Deep enough for Stripe's longest keys, so the buffer does not grow while walking.
        key: String::with_capacity(128),
        pairs,
    };
    value
        .serialize(TopLevel(&mut flattener))
        .map_err(|e| Error::invalid_input(format!("cannot form-encode params: {}", e.0)))?;
    // Typed params never repeat a key (arrays are indexed, maps have unique keys), so a
    // repeat is an `extra_param` colliding with a typed param: Stripe would silently keep
    // one of the two values.
    if let Some(key) = first_repeat(flattener.pairs.keys()) {
        return Err(Error::invalid_input(format!(
            "cannot form-encode params: the param `{key}` is set twice \
             (an extra_param cannot repeat a typed param)"
        )));
    }
    Ok(flattener.pairs)
}

// A scan rather than a sort or a set: params have tens of pairs, and a sort of `&str` was
// 8 KB of every program's binary.
fn first_repeat<'a>(keys: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let keys: Vec<&str> = keys.collect();
    keys.iter()
        .enumerate()
        .find(|&(i, key)| keys[..i].contains(key))
        .map(|(_, key)| *key)
}

/// Where the flattened pairs go.
trait Sink {
    fn pair(&mut self, key: &str, value: &str);
    fn pair_display(&mut self, key: &str, value: impl Display);
    fn keys(&self) -> impl Iterator<Item = &str>;
    fn len(&self) -> usize;
}

/// The pairs as [`to_pairs`] returns them.
impl Sink for Vec<(String, String)> {
    fn pair(&mut self, key: &str, value: &str) {
        self.push((key.to_owned(), value.to_owned()));
    }

    fn pair_display(&mut self, key: &str, value: impl Display) {
        self.push((key.to_owned(), value.to_string()));
    }

    fn keys(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(key, _)| key.as_str())
    }

    fn len(&self) -> usize {
        Vec::len(self)
    }
}

/// The pairs on their way to [`to_string`]: every key and value in one buffer, so encoding
/// costs two growing allocations instead of two per pair. It serializes as the sequence of
/// `(key, value)` that `serde_urlencoded` percent-encodes, exactly as it would the `Vec`.
struct Arena {
    text: String,
    /// Key start, key end (value start), value end.
    spans: Vec<(usize, usize, usize)>,
}

impl Sink for Arena {
    fn pair(&mut self, key: &str, value: &str) {
        let start = self.text.len();
        self.text.push_str(key);
        self.text.push_str(value);
        self.spans.push((start, start + key.len(), self.text.len()));
    }

    fn pair_display(&mut self, key: &str, value: impl Display) {
        use std::fmt::Write;
        let start = self.text.len();
        self.text.push_str(key);
        // Writing to a `String` cannot fail.
        let _ = write!(self.text, "{value}");
        self.spans.push((start, start + key.len(), self.text.len()));
    }

    fn keys(&self) -> impl Iterator<Item = &str> {
        self.spans
            .iter()
            .map(|&(key, value, _)| &self.text[key..value])
    }

    fn len(&self) -> usize {
        self.spans.len()
    }
}

impl Serialize for Arena {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.spans
                .iter()
                .map(|&(key, value, end)| (&self.text[key..value], &self.text[value..end])),
        )
    }
}

/// The encoder's internal error; turned into [`Error`] at the edge.
#[derive(Debug)]
pub(crate) struct FormError(String);

impl Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormError {}

impl ser::Error for FormError {
    fn custom<T: Display>(msg: T) -> Self {
        FormError(msg.to_string())
    }
}

fn unsupported(what: &str) -> FormError {
    FormError(format!("{what} has no form encoding"))
}

/// The pairs so far and the key of the value being written. One key buffer is grown and
/// truncated as the encoder walks in and out of nested values, so nesting costs no allocation
/// beyond the finished keys.
struct Flattener<S> {
    key: String,
    pairs: S,
}

impl<S: Sink> Flattener<S> {
    fn push(&mut self, value: &str) {
        self.pairs.pair(&self.key, value);
    }

    fn push_display(&mut self, value: impl Display) {
        self.pairs.pair_display(&self.key, value);
    }

    /// Appends the key segment of sequence element `index`.
    fn enter_index(&mut self, top: bool, index: usize) -> usize {
        use std::fmt::Write;
        let len = self.key.len();
        if top {
            let _ = write!(self.key, "{index}");
        } else {
            let _ = write!(self.key, "[{index}]");
        }
        len
    }

    /// Appends one key segment: bare at the top level, in brackets below it.
    fn enter(&mut self, top: bool, segment: &str) -> usize {
        let len = self.key.len();
        if top {
            self.key.push_str(segment);
        } else {
            self.key.push('[');
            self.key.push_str(segment);
            self.key.push(']');
        }
        len
    }
}

/// The top level: only structs and maps (and nothing at all) have a form encoding.
struct TopLevel<'a, S>(&'a mut Flattener<S>);

/// A value at the key currently in the flattener.
struct Nested<'a, S>(&'a mut Flattener<S>);

impl<S: Sink> Nested<'_, S> {
    fn float(self, v: impl Display, finite: bool) -> Result<(), FormError> {
        if !finite {
            return Err(FormError(format!("the number {v} has no form encoding")));
        }
        self.0.push_display(v);
        Ok(())
    }
}

/// The names serde_json gives its own types when they serialize as structs: a `Number` under
/// its `arbitrary_precision` feature, one field holding the digits, and a `RawValue` (feature
/// `raw_value`), one field holding the raw JSON text. Cargo unifies features across a build,
/// so any crate in a user's tree can turn either on; both are the scalar they hold, not a
/// struct to nest.
const JSON_NUMBER: &str = "$serde_json::private::Number";
const JSON_RAW_VALUE: &str = "$serde_json::private::RawValue";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonToken {
    Number,
    RawValue,
}

impl JsonToken {
    fn of(struct_name: &str) -> Option<JsonToken> {
        match struct_name {
            JSON_NUMBER => Some(JsonToken::Number),
            JSON_RAW_VALUE => Some(JsonToken::RawValue),
            _ => None,
        }
    }
}

/// A struct, map or sequence being written; `top` says whether its keys are bare.
struct Compound<'a, S> {
    flattener: &'a mut Flattener<S>,
    top: bool,
    /// One of serde_json's own types, written as the value it holds.
    json: Option<JsonToken>,
    index: usize,
    /// For maps: where the key buffer stood before the current entry's key.
    map_key_start: Option<usize>,
    /// For tuple and struct variants: where the key stood before the variant's name.
    variant_start: Option<usize>,
}

impl<'a, S: Sink> Compound<'a, S> {
    fn new(flattener: &'a mut Flattener<S>, top: bool) -> Self {
        Compound {
            flattener,
            top,
            json: None,
            index: 0,
            map_key_start: None,
            variant_start: None,
        }
    }

    /// A tuple or struct variant: its fields nest under the variant's name.
    fn variant(flattener: &'a mut Flattener<S>, variant: &str) -> Self {
        let start = flattener.enter(false, variant);
        Compound {
            variant_start: Some(start),
            ..Compound::new(flattener, false)
        }
    }

    fn leave_variant(self) {
        if let Some(start) = self.variant_start {
            self.flattener.key.truncate(start);
        }
    }

    fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), FormError> {
        let len = self.flattener.enter(self.top, name);
        value.serialize(Nested(self.flattener))?;
        self.flattener.key.truncate(len);
        Ok(())
    }

    /// The one field of a serde_json `Number` or `RawValue`, at the key of the struct itself.
    fn json_field<T: Serialize + ?Sized>(
        &mut self,
        token: JsonToken,
        value: &T,
    ) -> Result<(), FormError> {
        if token == JsonToken::Number {
            // The digits, a string (a number at the top level was refused before).
            return value.serialize(Nested(self.flattener));
        }
        let Ok(serde_json::Value::String(raw)) = serde_json::to_value(value) else {
            return Err(FormError(
                "a serde_json RawValue without its JSON text".into(),
            ));
        };
        let parsed: serde_json::Value = serde_json::from_str(&raw)
            .map_err(|e| FormError(format!("a RawValue that is not JSON: {e}")))?;
        match parsed {
            _ if self.top => parsed.serialize(TopLevel(self.flattener)),
            // The digits as written: through `f64` a long number would lose some.
            serde_json::Value::Number(_) => {
                self.flattener.push(raw.trim());
                Ok(())
            }
            _ => parsed.serialize(Nested(self.flattener)),
        }
    }
}

/// What the top level refuses: only a struct or a map is params.
fn not_params(what: &str) -> FormError {
    FormError(format!(
        "params must be a struct or map at the top level, not {what}"
    ))
}

macro_rules! top_level_rejects {
    ($($method:ident($($ty:ty)?) => $what:literal,)*) => {
        $(
            fn $method(self $(, _: $ty)?) -> Result<(), FormError> {
                Err(not_params($what))
            }
        )*
    };
}

impl<'a, S: Sink> ser::Serializer for TopLevel<'a, S> {
    type Ok = ();
    type Error = FormError;
    type SerializeSeq = Impossible<(), FormError>;
    type SerializeTuple = Impossible<(), FormError>;
    type SerializeTupleStruct = Impossible<(), FormError>;
    type SerializeTupleVariant = Impossible<(), FormError>;
    type SerializeMap = Compound<'a, S>;
    type SerializeStruct = Compound<'a, S>;
    type SerializeStructVariant = Impossible<(), FormError>;

    top_level_rejects! {
        serialize_bool(bool) => "a boolean",
        serialize_i8(i8) => "a number",
        serialize_i16(i16) => "a number",
        serialize_i32(i32) => "a number",
        serialize_i64(i64) => "a number",
        serialize_i128(i128) => "a number",
        serialize_u8(u8) => "a number",
        serialize_u16(u16) => "a number",
        serialize_u32(u32) => "a number",
        serialize_u64(u64) => "a number",
        serialize_u128(u128) => "a number",
        serialize_f32(f32) => "a number",
        serialize_f64(f64) => "a number",
        serialize_char(char) => "a character",
        serialize_str(&str) => "a string",
        serialize_bytes(&[u8]) => "bytes",
    }

    fn serialize_none(self) -> Result<(), FormError> {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), FormError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), FormError> {
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), FormError> {
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), FormError> {
        Err(not_params("an enum value"))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        Compound::new(self.0, true).field(variant, value)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, FormError> {
        Err(not_params("a sequence"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, FormError> {
        Err(not_params("a tuple"))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, FormError> {
        Err(not_params("a tuple"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, FormError> {
        Err(not_params("a tuple"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a, S>, FormError> {
        Ok(Compound::new(self.0, true))
    }

    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Compound<'a, S>, FormError> {
        let json = JsonToken::of(name);
        if json == Some(JsonToken::Number) {
            return Err(not_params("a number"));
        }
        Ok(Compound {
            json,
            ..Compound::new(self.0, true)
        })
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, FormError> {
        Err(not_params("an enum value"))
    }
}

impl<'a, S: Sink> ser::Serializer for Nested<'a, S> {
    type Ok = ();
    type Error = FormError;
    type SerializeSeq = Compound<'a, S>;
    type SerializeTuple = Compound<'a, S>;
    type SerializeTupleStruct = Compound<'a, S>;
    type SerializeTupleVariant = Compound<'a, S>;
    type SerializeMap = Compound<'a, S>;
    type SerializeStruct = Compound<'a, S>;
    type SerializeStructVariant = Compound<'a, S>;

    fn serialize_bool(self, v: bool) -> Result<(), FormError> {
        self.0.push(if v { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<(), FormError> {
        self.serialize_i64(v.into())
    }

    fn serialize_i16(self, v: i16) -> Result<(), FormError> {
        self.serialize_i64(v.into())
    }

    fn serialize_i32(self, v: i32) -> Result<(), FormError> {
        self.serialize_i64(v.into())
    }

    fn serialize_i64(self, v: i64) -> Result<(), FormError> {
        self.0.push_display(v);
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result<(), FormError> {
        self.0.push_display(v);
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Result<(), FormError> {
        self.serialize_u64(v.into())
    }

    fn serialize_u16(self, v: u16) -> Result<(), FormError> {
        self.serialize_u64(v.into())
    }

    fn serialize_u32(self, v: u32) -> Result<(), FormError> {
        self.serialize_u64(v.into())
    }

    fn serialize_u64(self, v: u64) -> Result<(), FormError> {
        self.0.push_display(v);
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Result<(), FormError> {
        self.0.push_display(v);
        Ok(())
    }

    // Formatted as the `f32` it is: widened to `f64` first, `0.1f32` would be sent as
    // `0.10000000149011612`.
    fn serialize_f32(self, v: f32) -> Result<(), FormError> {
        self.float(v, v.is_finite())
    }

    fn serialize_f64(self, v: f64) -> Result<(), FormError> {
        self.float(v, v.is_finite())
    }

    fn serialize_char(self, v: char) -> Result<(), FormError> {
        self.0.push_display(v);
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), FormError> {
        self.0.push(v);
        Ok(())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), FormError> {
        Err(unsupported("a byte string"))
    }

    fn serialize_none(self) -> Result<(), FormError> {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), FormError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), FormError> {
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), FormError> {
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), FormError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        Compound::new(self.0, false).field(variant, value)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a, S>, FormError> {
        Ok(Compound::new(self.0, false))
    }

    fn serialize_tuple(self, _: usize) -> Result<Compound<'a, S>, FormError> {
        Ok(Compound::new(self.0, false))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'a, S>, FormError> {
        Ok(Compound::new(self.0, false))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, S>, FormError> {
        Ok(Compound::variant(self.0, variant))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a, S>, FormError> {
        Ok(Compound::new(self.0, false))
    }

    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Compound<'a, S>, FormError> {
        Ok(Compound {
            json: JsonToken::of(name),
            ..Compound::new(self.0, false)
        })
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, S>, FormError> {
        Ok(Compound::variant(self.0, variant))
    }
}

impl<S: Sink> Compound<'_, S> {
    /// Writes the next element at the next index. An element that writes nothing (`None`, an
    /// empty struct) takes no index: Stripe refuses a list with a gap ("has no index 0").
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        let len = self.flattener.enter_index(self.top, self.index);
        let written = self.flattener.pairs.len();
        value.serialize(Nested(self.flattener))?;
        if self.flattener.pairs.len() > written {
            self.index += 1;
        }
        self.flattener.key.truncate(len);
        Ok(())
    }
}

impl<S: Sink> ser::SerializeSeq for Compound<'_, S> {
    type Ok = ();
    type Error = FormError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        self.element(value)
    }

    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

impl<S: Sink> ser::SerializeTuple for Compound<'_, S> {
    type Ok = ();
    type Error = FormError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        self.element(value)
    }

    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

impl<S: Sink> ser::SerializeTupleStruct for Compound<'_, S> {
    type Ok = ();
    type Error = FormError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        self.element(value)
    }

    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

impl<S: Sink> ser::SerializeTupleVariant for Compound<'_, S> {
    type Ok = ();
    type Error = FormError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        self.element(value)
    }

    fn end(self) -> Result<(), FormError> {
        self.leave_variant();
        Ok(())
    }
}

impl<S: Sink> ser::SerializeStruct for Compound<'_, S> {
    type Ok = ();
    type Error = FormError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        match self.json {
            Some(token) => self.json_field(token, value),
            None => self.field(name, value),
        }
    }

    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

impl<S: Sink> ser::SerializeStructVariant for Compound<'_, S> {
    type Ok = ();
    type Error = FormError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        self.field(name, value)
    }

    fn end(self) -> Result<(), FormError> {
        self.leave_variant();
        Ok(())
    }
}

impl<S: Sink> ser::SerializeMap for Compound<'_, S> {
    type Ok = ();
    type Error = FormError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), FormError> {
        let start = self.flattener.key.len();
        key.serialize(MapKey {
            key: &mut self.flattener.key,
            top: self.top,
        })?;
        self.map_key_start = Some(start);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        let start = self
            .map_key_start
            .take()
            .ok_or_else(|| FormError("a map value came before its key".into()))?;
        value.serialize(Nested(self.flattener))?;
        self.flattener.key.truncate(start);
        Ok(())
    }

    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

/// Map keys become key segments, so only scalars will do.
struct MapKey<'a> {
    /// The flattener's key buffer: the segment is written straight into it.
    key: &'a mut String,
    top: bool,
}

impl MapKey<'_> {
    /// The common case, field names of flattened structs, without the formatting machinery.
    fn segment_str(self, segment: &str) -> Result<(), FormError> {
        if self.top {
            self.key.push_str(segment);
        } else {
            self.key.push('[');
            self.key.push_str(segment);
            self.key.push(']');
        }
        Ok(())
    }

    fn segment(self, segment: impl Display) -> Result<(), FormError> {
        use std::fmt::Write;
        // Writing to a `String` cannot fail.
        let _ = if self.top {
            write!(self.key, "{segment}")
        } else {
            write!(self.key, "[{segment}]")
        };
        Ok(())
    }
}

impl<'a> ser::Serializer for MapKey<'a> {
    type Ok = ();
    type Error = FormError;
    type SerializeSeq = Impossible<(), FormError>;
    type SerializeTuple = Impossible<(), FormError>;
    type SerializeTupleStruct = Impossible<(), FormError>;
    type SerializeTupleVariant = Impossible<(), FormError>;
    type SerializeMap = Impossible<(), FormError>;
    type SerializeStruct = NumberKey<'a>;
    type SerializeStructVariant = Impossible<(), FormError>;

    fn serialize_bool(self, v: bool) -> Result<(), FormError> {
        self.segment(v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), FormError> {
        self.segment(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), FormError> {
        self.segment(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), FormError> {
        self.segment(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), FormError> {
        self.segment(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), FormError> {
        self.segment(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), FormError> {
        self.segment(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), FormError> {
        self.segment(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), FormError> {
        self.segment(v)
    }
    fn serialize_f32(self, _: f32) -> Result<(), FormError> {
        Err(unsupported("a float map key"))
    }
    fn serialize_f64(self, _: f64) -> Result<(), FormError> {
        Err(unsupported("a float map key"))
    }
    fn serialize_char(self, v: char) -> Result<(), FormError> {
        self.segment(v)
    }
    fn serialize_str(self, v: &str) -> Result<(), FormError> {
        self.segment_str(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), FormError> {
        Err(unsupported("a byte-string map key"))
    }
    fn serialize_none(self) -> Result<(), FormError> {
        Err(unsupported("a missing map key"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), FormError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), FormError> {
        Err(unsupported("a unit map key"))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), FormError> {
        Err(unsupported("a unit map key"))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), FormError> {
        self.segment_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), FormError> {
        Err(unsupported("an enum map key"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, FormError> {
        Err(unsupported("a sequence map key"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, FormError> {
        Err(unsupported("a tuple map key"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, FormError> {
        Err(unsupported("a tuple map key"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, FormError> {
        Err(unsupported("an enum map key"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, FormError> {
        Err(unsupported("a map as a map key"))
    }
    fn serialize_struct(
        self,
        name: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, FormError> {
        match JsonToken::of(name) {
            Some(JsonToken::Number) => Ok(NumberKey(Some(self))),
            _ => Err(unsupported("a struct as a map key")),
        }
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, FormError> {
        Err(unsupported("an enum map key"))
    }
}

/// A serde_json `Number` as a map key, under `arbitrary_precision`: its digits are the segment.
struct NumberKey<'a>(Option<MapKey<'a>>);

impl ser::SerializeStruct for NumberKey<'_> {
    type Ok = ();
    type Error = FormError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _: &'static str,
        digits: &T,
    ) -> Result<(), FormError> {
        match self.0.take() {
            Some(key) => digits.serialize(key),
            None => Err(FormError("a number map key with two values".into())),
        }
    }

    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_key_sent_again_is_the_repeat() {
        assert_eq!(first_repeat(std::iter::empty()), None);
        assert_eq!(first_repeat(["a", "b", "c"].into_iter()), None);
        assert_eq!(first_repeat(["z", "a", "z"].into_iter()), Some("z"));
        assert_eq!(first_repeat(["z", "b", "b", "z"].into_iter()), Some("b"));
        assert_eq!(
            first_repeat(["a[0]", "a", "a[0]"].into_iter()),
            Some("a[0]")
        );
    }

    #[test]
    fn to_string_is_serde_urlencoded_of_to_pairs_for_every_shape() {
        let mut ints = std::collections::BTreeMap::new();
        ints.insert(7u32, "seven");
        ints.insert(10, "ten & more");
        let values = [
            serde_json::json!({}),
            serde_json::json!({"": ""}),
            serde_json::json!({"a": 1, "b": -2, "c": 1.5, "d": true, "e": null, "f": "x y+z/é"}),
            serde_json::json!({"list": [[1, 2], {"k": "v"}, [], "s"], "deep": {"a": {"b": {"c": [0]}}}}),
            serde_json::json!({"weird[key]": "&=?#", "émoji 🎉": "🎉"}),
            serde_json::json!({
                "ascii": (0u8..128).map(char::from).collect::<String>(),
                "~!'()": "ÿ\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}",
                "chars": ['a', ' ', '+', '%', '\n', 'é'],
                "floats": [0.1, -0.0, 1e21, 1e-7, 123456789.125],
                "ints": [0, -1, u64::MAX, i64::MIN],
            }),
        ];
        for value in &values {
            let pairs = to_pairs(value).unwrap();
            assert_eq!(
                to_string(value).unwrap(),
                serde_urlencoded::to_string(&pairs).unwrap(),
                "{value}"
            );
        }
        let nested = serde_json::json!({"m": ints});
        assert_eq!(
            to_pairs(&nested).unwrap(),
            [
                ("m[10]".to_owned(), "ten & more".to_owned()),
                ("m[7]".to_owned(), "seven".to_owned()),
            ]
        );
        let top: std::collections::BTreeMap<u8, char> = [(1, 'x'), (2, 'y')].into();
        assert_eq!(to_string(&top).unwrap(), "1=x&2=y");
        assert_eq!(
            to_string(&(ints, 1.25f64)).unwrap_err().to_string(),
            to_pairs(&(1, 2)).unwrap_err().to_string()
        );
    }

    #[test]
    fn numbers_and_indices_are_written_as_display_writes_them() {
        let numbers: Vec<i128> = vec![
            0,
            1,
            9,
            10,
            99,
            100,
            1_000_000_007,
            -1,
            -10,
            i64::MIN.into(),
            i64::MAX.into(),
            u64::MAX.into(),
        ];
        for n in numbers {
            let value = match u64::try_from(n) {
                Ok(n) => serde_json::json!({ "n": n }),
                Err(_) => serde_json::json!({ "n": i64::try_from(n).unwrap() }),
            };
            assert_eq!(to_pairs(&value).unwrap(), [("n".to_owned(), n.to_string())]);
        }
        let list: Vec<u8> = (0..=101).map(|i| i as u8).collect();
        let pairs = to_pairs(&serde_json::json!({ "l": list })).unwrap();
        assert_eq!(pairs.len(), 102);
        for (i, (key, value)) in pairs.iter().enumerate() {
            assert_eq!(
                (key.as_str(), value.as_str()),
                (format!("l[{i}]").as_str(), i.to_string().as_str())
            );
        }
        let top: Vec<(String, u8)> = Vec::new();
        assert!(
            to_pairs(&top).is_err(),
            "a sequence at the top level is refused"
        );
    }

    /// Serializes as serde_json's own types do: its `Number` under `arbitrary_precision`
    /// (`Json(JSON_NUMBER, "1")`) and its `RawValue` (`Json(JSON_RAW_VALUE, "[1]")`).
    struct Json(&'static str, &'static str);

    impl Serialize for Json {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use ser::SerializeStruct;
            let mut json = serializer.serialize_struct(self.0, 1)?;
            json.serialize_field(self.0, self.1)?;
            json.end()
        }
    }

    fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|&(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    #[test]
    fn serde_json_numbers_and_raw_values_are_the_scalars_they_hold() {
        let number = |digits| Json(JSON_NUMBER, digits);
        let raw = |text| Json(JSON_RAW_VALUE, text);
        let params = std::collections::BTreeMap::from([
            ("a", number("1")),
            ("b", number("-123456789012345678901234567890.125")),
            ("c", raw(" 1.50 ")),
            ("d", raw(r#""caf\u00e9""#)),
            ("e", raw(r#"{"k": [true, null, "v"], "n": 2}"#)),
            ("f", raw("null")),
        ]);
        assert_eq!(
            to_pairs(&params).unwrap(),
            owned(&[
                ("a", "1"),
                ("b", "-123456789012345678901234567890.125"),
                ("c", "1.50"),
                ("d", "caf\u{e9}"),
                ("e[k][0]", "true"),
                ("e[k][1]", "v"),
                ("e[n]", "2"),
            ])
        );
        assert_eq!(to_string(&params).unwrap().matches('=').count(), 7);
        // A number as a map key is its digits.
        let keyed = std::collections::BTreeMap::from([("m", Keyed)]);
        assert_eq!(to_pairs(&keyed).unwrap(), owned(&[("m[42]", "x")]));
        // At the top level, a number is refused as any number is, and raw JSON is its value.
        assert_eq!(
            to_pairs(&number("1")).unwrap_err().to_string(),
            to_pairs(&1).unwrap_err().to_string()
        );
        assert_eq!(
            to_pairs(&raw(r#"{"a": {"b": 1}}"#)).unwrap(),
            owned(&[("a[b]", "1")])
        );
        assert!(to_pairs(&raw("1")).is_err());
        let error = to_pairs(&std::collections::BTreeMap::from([("a", raw("{oops"))])).unwrap_err();
        assert!(
            error.to_string().contains("RawValue that is not JSON"),
            "{error}"
        );
    }

    /// A map whose one key serializes as serde_json's `Number` does.
    struct Keyed;

    impl Serialize for Keyed {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_map([(Json(JSON_NUMBER, "42"), "x")])
        }
    }

    #[test]
    fn an_f32_is_written_with_its_own_digits() {
        let floats = std::collections::BTreeMap::from([
            ("a", 0.1f32),
            ("b", 16_777_216f32),
            ("c", -1.5e-7f32),
            ("d", f32::MAX),
        ]);
        assert_eq!(
            to_pairs(&floats).unwrap(),
            owned(&[
                ("a", "0.1"),
                ("b", "16777216"),
                ("c", "-0.00000015"),
                ("d", &f32::MAX.to_string()),
            ])
        );
        let error = to_pairs(&std::collections::BTreeMap::from([("a", f32::NAN)])).unwrap_err();
        assert!(
            error.to_string().contains("NaN has no form encoding"),
            "{error}"
        );
    }

    #[test]
    fn an_element_that_writes_nothing_takes_no_index() {
        #[derive(serde::Serialize)]
        struct Params {
            b: Vec<Option<u8>>,
        }
        let params = Params {
            b: vec![None, Some(1), None, None, Some(3), None],
        };
        assert_eq!(
            to_pairs(&params).unwrap(),
            owned(&[("b[0]", "1"), ("b[1]", "3")])
        );
        let value = serde_json::json!({
            "expand": [null, "configuration"],
            "items": [{"x": null}, {}, {"x": 2}, [], [null, [null]], {"x": 3}],
            "nested": [[null, 1], [null, null], [2]],
            "empty": [null],
        });
        assert_eq!(
            to_pairs(&value).unwrap(),
            owned(&[
                ("expand[0]", "configuration"),
                ("items[0][x]", "2"),
                ("items[1][x]", "3"),
                ("nested[0][0]", "1"),
                ("nested[1][0]", "2"),
            ])
        );
        assert_eq!(
            to_string(&value).unwrap(),
            serde_urlencoded::to_string(to_pairs(&value).unwrap()).unwrap()
        );
    }
}
