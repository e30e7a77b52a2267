//! The one encoder for every params type: Stripe's bracket notation.
//!
//! Any [`Serialize`] value whose top level is a struct or a map is flattened into ordered
//! `(key, value)` pairs the way Stripe's official libraries send them, and `serde_urlencoded`
//! percent-encodes those pairs:
//!
//! | Rust value | pairs |
//! | --- | --- |
//! | nested struct or map | `flow_data[after_completion][type]=redirect` |
//! | sequence | indexed: `expand[0]=configuration`, `items[0][id]=si_1` |
//! | `None`, `()` | nothing |
//! | `bool` | `true` / `false` |
//! | empty string | `name=` (sent only when the caller set it: that is how Stripe clears a field) |
//! | unit enum variant | its (renamed) name |
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
    let pairs = to_pairs(value)?;
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
    let mut flattener = Flattener {
        key: String::new(),
        pairs: Vec::new(),
    };
    value
        .serialize(TopLevel(&mut flattener))
        .map_err(|e| Error::invalid_input(format!("cannot form-encode params: {}", e.0)))?;
    Ok(flattener.pairs)
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
struct Flattener {
    key: String,
    pairs: Vec<(String, String)>,
}

impl Flattener {
    fn push(&mut self, value: String) {
        self.pairs.push((self.key.clone(), value));
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
struct TopLevel<'a>(&'a mut Flattener);

/// A value at the key currently in the flattener.
struct Nested<'a>(&'a mut Flattener);

/// A struct, map or sequence being written; `top` says whether its keys are bare.
struct Compound<'a> {
    flattener: &'a mut Flattener,
    top: bool,
    index: usize,
    /// For maps: where the key buffer stood before the current entry's key.
    map_key_start: Option<usize>,
    /// For tuple and struct variants: where the key stood before the variant's name.
    variant_start: Option<usize>,
}

impl<'a> Compound<'a> {
    fn new(flattener: &'a mut Flattener, top: bool) -> Self {
        Compound {
            flattener,
            top,
            index: 0,
            map_key_start: None,
            variant_start: None,
        }
    }

    /// A tuple or struct variant: its fields nest under the variant's name.
    fn variant(flattener: &'a mut Flattener, variant: &str) -> Self {
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
}

macro_rules! top_level_rejects {
    ($($method:ident($($ty:ty)?) => $what:literal,)*) => {
        $(
            fn $method(self $(, _: $ty)?) -> Result<(), FormError> {
                Err(FormError(concat!(
                    "params must be a struct or map at the top level, not ",
                    $what
                ).to_owned()))
            }
        )*
    };
}

impl<'a> ser::Serializer for TopLevel<'a> {
    type Ok = ();
    type Error = FormError;
    type SerializeSeq = Impossible<(), FormError>;
    type SerializeTuple = Impossible<(), FormError>;
    type SerializeTupleStruct = Impossible<(), FormError>;
    type SerializeTupleVariant = Impossible<(), FormError>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
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
        Err(FormError(
            "params must be a struct or map at the top level, not an enum value".into(),
        ))
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
        Err(FormError(
            "params must be a struct or map at the top level, not a sequence".into(),
        ))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, FormError> {
        Err(FormError(
            "params must be a struct or map at the top level, not a tuple".into(),
        ))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, FormError> {
        Err(FormError(
            "params must be a struct or map at the top level, not a tuple".into(),
        ))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, FormError> {
        Err(FormError(
            "params must be a struct or map at the top level, not a tuple".into(),
        ))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, FormError> {
        Ok(Compound::new(self.0, true))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, FormError> {
        Ok(Compound::new(self.0, true))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, FormError> {
        Err(FormError(
            "params must be a struct or map at the top level, not an enum value".into(),
        ))
    }
}

impl<'a> ser::Serializer for Nested<'a> {
    type Ok = ();
    type Error = FormError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), FormError> {
        self.0.push(if v { "true" } else { "false" }.to_owned());
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
        self.0.push(v.to_string());
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result<(), FormError> {
        self.0.push(v.to_string());
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
        self.0.push(v.to_string());
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Result<(), FormError> {
        self.0.push(v.to_string());
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<(), FormError> {
        self.serialize_f64(v.into())
    }

    fn serialize_f64(self, v: f64) -> Result<(), FormError> {
        if !v.is_finite() {
            return Err(FormError(format!("the number {v} has no form encoding")));
        }
        self.0.push(v.to_string());
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), FormError> {
        self.0.push(v.to_string());
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), FormError> {
        self.0.push(v.to_owned());
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

    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, FormError> {
        Ok(Compound::new(self.0, false))
    }

    fn serialize_tuple(self, _: usize) -> Result<Compound<'a>, FormError> {
        Ok(Compound::new(self.0, false))
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, FormError> {
        Ok(Compound::new(self.0, false))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, FormError> {
        Ok(Compound::variant(self.0, variant))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, FormError> {
        Ok(Compound::new(self.0, false))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, FormError> {
        Ok(Compound::new(self.0, false))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, FormError> {
        Ok(Compound::variant(self.0, variant))
    }
}

impl Compound<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        let index = self.index;
        self.index += 1;
        self.field(&index.to_string(), value)
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = FormError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        self.element(value)
    }

    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = FormError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        self.element(value)
    }

    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = FormError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        self.element(value)
    }

    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
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

impl ser::SerializeStruct for Compound<'_> {
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
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
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

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = FormError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), FormError> {
        let key = key.serialize(MapKey)?;
        self.map_key_start = Some(self.flattener.enter(self.top, &key));
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
struct MapKey;

impl ser::Serializer for MapKey {
    type Ok = String;
    type Error = FormError;
    type SerializeSeq = Impossible<String, FormError>;
    type SerializeTuple = Impossible<String, FormError>;
    type SerializeTupleStruct = Impossible<String, FormError>;
    type SerializeTupleVariant = Impossible<String, FormError>;
    type SerializeMap = Impossible<String, FormError>;
    type SerializeStruct = Impossible<String, FormError>;
    type SerializeStructVariant = Impossible<String, FormError>;

    fn serialize_bool(self, v: bool) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<String, FormError> {
        Err(unsupported("a float map key"))
    }
    fn serialize_f64(self, _: f64) -> Result<String, FormError> {
        Err(unsupported("a float map key"))
    }
    fn serialize_char(self, v: char) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String, FormError> {
        Ok(v.to_owned())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, FormError> {
        Err(unsupported("a byte-string map key"))
    }
    fn serialize_none(self) -> Result<String, FormError> {
        Err(unsupported("a missing map key"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, FormError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, FormError> {
        Err(unsupported("a unit map key"))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, FormError> {
        Err(unsupported("a unit map key"))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, FormError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, FormError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, FormError> {
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
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, FormError> {
        Err(unsupported("a struct as a map key"))
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
