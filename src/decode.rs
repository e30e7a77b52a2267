//! Decoding response bodies: serde_json, with every struct read as a JSON object only.
//!
//! serde_json lets a struct be written as an object or as an array of its fields, so each
//! derived `Deserialize` gets both its `visit_map` and its `visit_seq` compiled in, for every
//! struct of every response. Stripe never sends an array for an object, and that dead half was
//! the largest part of the crate's machine code. [`MapOnly`] stands between serde_json and the
//! types: where a struct is asked for it asks serde_json for a map, and it wraps everything it
//! hands down (maps, sequences, options, enums) so the rule holds at every depth.
//!
//! Nothing else changes: the same visitors see the same values, unknown fields are skipped by
//! serde_json as before, and errors are serde_json's, with their line and column. An array
//! where a struct belongs is an "invalid type" error instead of a struct read by position.
//!
//! The `#[inline]` and `#[inline(never)]` below are size decisions, measured with
//! `scripts/footprint.sh`; each says why next to it.

use std::fmt;

use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

/// Decodes `bytes` as one JSON value of type `T`, as `serde_json::from_slice` does (trailing
/// characters other than whitespace are an error), reading structs from objects only.
///
/// The whole body is checked for UTF-8 once, up front, and then read as a `str`: serde_json
/// checks each string of a byte slice on its own, which was a quarter of the time of decoding
/// a session. A body that fails the check goes through [`from_repaired`], so that, as with
/// `serde_json::from_slice`, invalid UTF-8 is an error only in a string the types read.
pub(crate) fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(bytes) {
        Ok(text) => from_str(text),
        Err(_) => from_repaired(bytes),
    }
}

fn from_str<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(MapOnly(&mut deserializer))?;
    deserializer.end()?;
    Ok(value)
}

/// What stands in for each invalid UTF-8 sequence: a lone surrogate escape, which serde_json
/// skips in a string nobody reads (an unknown field's) and refuses in a string it reads, as it
/// does the invalid bytes themselves. The `!` keeps a backslash before the bytes an invalid
/// escape, as it was.
const STAND_IN: &str = "!\\udfff";

/// The most invalid sequences stood in for, which keeps the repaired text within 7 KB of the
/// body (a stand-in is at most 6 bytes longer than the bytes it replaces). A body with more is
/// no answer with one odd field, and is refused, naming its first invalid byte.
const MAX_STAND_INS: usize = 1000;

/// Decodes a body that is not UTF-8. Invalid bytes can only be right inside a JSON string
/// (anywhere else the JSON is broken anyway), and there they matter only if a type reads that
/// string: each invalid sequence is replaced by [`STAND_IN`] and the text decoded by the same
/// code as a valid body. (Reading the bytes with serde_json's slice reader instead would compile
/// the deserializer of every response type a second time: 157 KB of every program.)
///
/// A stand-in refused is reported as the invalid byte it replaced, as is the first of more than
/// [`MAX_STAND_INS`] sequences. Other errors keep serde_json's position in the repaired text,
/// a few columns further than in the body when an invalid sequence comes before them on the
/// same line.
fn from_repaired<T: DeserializeOwned>(bytes: &[u8]) -> serde_json::Result<T> {
    let mut text = String::with_capacity(bytes.len() + 4 * STAND_IN.len());
    // Where each stand-in ends in `text`, and where the bytes it replaced began.
    let mut stand_ins: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        at += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            if stand_ins.len() == MAX_STAND_INS {
                return Err(invalid_utf8_at(stand_ins[0].1));
            }
            text.push_str(STAND_IN);
            stand_ins.push((text.len(), at));
            at += chunk.invalid().len();
        }
    }
    from_str(&text).map_err(|error| {
        // serde_json reports a refused escape just past it.
        let line_start = match error.line() {
            0 | 1 => 0,
            line => text
                .match_indices('\n')
                .nth(line - 2)
                .map_or(text.len(), |(newline, _)| newline + 1),
        };
        let end = line_start + error.column();
        match stand_ins
            .iter()
            .find(|&&(stand_in_end, _)| stand_in_end == end)
        {
            Some(&(_, byte)) => invalid_utf8_at(byte),
            None => error,
        }
    })
}

fn invalid_utf8_at(byte: usize) -> serde_json::Error {
    <serde_json::Error as serde::de::Error>::custom(format_args!("invalid UTF-8 at byte {byte}"))
}

/// A source of values (a `Deserializer`, or the `SeqAccess`, `MapAccess`, `EnumAccess` and
/// `VariantAccess` a visitor is given) whose structs are read as maps.
struct MapOnly<D>(D);

/// A consumer of values (a `Visitor` or a `DeserializeSeed`) whose nested values come from a
/// [`MapOnly`] source.
struct Wrap<V>(V);

/// `deserialize_*` methods that hand the call on with the visitor wrapped.
macro_rules! forward_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method($($arg,)* Wrap(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for MapOnly<D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
    }

    // The point of this module: the struct's visitor is only ever given a map.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Wrap(visitor))
    }

    // A value being skipped builds nothing, so there is no struct in it to steer.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// `visit_*` methods for plain values, handed on as they are.
macro_rules! forward_visit {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: serde::de::Error>(self, value: $ty) -> Result<V::Value, E> {
            self.0.$method(value)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    forward_visit! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(MapOnly(deserializer))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(MapOnly(deserializer))
    }

    // A struct's or a sequence's visitor is compiled into serde_json's code for it, which may be
    // in another codegen unit: without the hint each one stayed a separate function, with its
    // own frame and unwind tables.
    #[inline]
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(MapOnly(seq))
    }

    // As `visit_seq`.
    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(MapOnly(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(MapOnly(data))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Wrap<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(MapOnly(deserializer))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for MapOnly<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Wrap(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for MapOnly<A> {
    type Error = A::Error;

    // A JSON key is always a string, so there is no struct in it to steer.
    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }

    // One copy of the code that reads a field of a given type, called by every struct with such
    // a field, instead of a copy inlined at each field.
    #[inline(never)]
    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Wrap(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for MapOnly<A> {
    type Error = A::Error;
    type Variant = MapOnly<A::Variant>;

    // The variant's name is a JSON string, like a key.
    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let (name, variant) = self.0.variant_seed(seed)?;
        Ok((name, MapOnly(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for MapOnly<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Wrap(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap(visitor))
    }

    // serde_json reads a struct variant with `deserialize_any`, so an array would still do;
    // no response type has a struct variant.
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Wrap(visitor))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::from_slice;
    // Public types only: `benches/overhead.rs` compiles this file too, with these in its root.
    use crate::{ApiError, Configuration, FlowRedirect, FlowType, List, Locale, Session};

    /// Stripe's error envelope, as the transport's.
    #[derive(Debug, serde::Deserialize)]
    struct ErrorEnvelope {
        error: ApiError,
    }

    fn fixture(name: &str) -> Value {
        let fixtures: Value =
            serde_json::from_str(include_str!("../tests/data/fixtures.json")).unwrap();
        fixtures[name].clone()
    }

    fn session_with_expanded_configuration() -> Value {
        let mut session = fixture("billing_portal.session");
        session["configuration"] = fixture("billing_portal.configuration");
        session
    }

    /// Decodes `bytes` both ways and checks the two agree, value or error message.
    fn same_as_serde_json<T>(bytes: &[u8]) -> Result<T, String>
    where
        T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let ours = from_slice::<T>(bytes).map_err(|e| e.to_string());
        let theirs = serde_json::from_slice::<T>(bytes).map_err(|e| e.to_string());
        assert_eq!(ours, theirs, "{}", String::from_utf8_lossy(bytes));
        ours
    }

    #[test]
    fn decodes_every_fixture_as_serde_json_does() {
        let configuration = fixture("billing_portal.configuration");
        let list = json!({
            "object": "list",
            "data": [configuration, configuration],
            "has_more": false,
            "url": "/v1/billing_portal/configurations",
        });
        for pretty in [false, true] {
            let bytes = |value: &Value| match pretty {
                true => serde_json::to_vec_pretty(value).unwrap(),
                false => serde_json::to_vec(value).unwrap(),
            };
            let session = bytes(&session_with_expanded_configuration());
            assert!(same_as_serde_json::<Session>(&session)
                .unwrap()
                .configuration
                .is_object());
            same_as_serde_json::<Session>(&bytes(&fixture("billing_portal.session"))).unwrap();
            same_as_serde_json::<Configuration>(&bytes(&configuration)).unwrap();
            let list = same_as_serde_json::<List<Configuration>>(&bytes(&list)).unwrap();
            assert_eq!(list.data.len(), 2);
        }
    }

    #[test]
    fn unknown_fields_unknown_values_nulls_and_escapes_decode_as_serde_json_does() {
        let mut session = session_with_expanded_configuration();
        session["flow"]["type"] = json!("a_flow_from_the_future");
        session["flow"]["a_field_from_the_future"] = json!([{"nested": [1, 2.5, null, {}]}]);
        session["locale"] = json!("fr-CA");
        session["after_expiration"] = json!({"type": "customer_login", "customer_login": null});
        let configuration = &mut session["configuration"];
        configuration["metadata"] = json!({"quote\"d": "caf\u{e9}", "plain": ""});
        configuration["application"] = json!({"id": "ca_1", "object": "application"});
        configuration["features"]["subscription_cancel"]["cancellation_reason"]
            ["feedback_options"] = json!(["fbo_1", {
            "id": "fbo_2", "description": "Too expensive", "livemode": false,
            "status": "retired", "status_transitions": {"deactivated_at": 1}
        }]);
        // Escapes make serde_json hand over copied strings instead of borrowed ones.
        let text = serde_json::to_string(&session)
            .unwrap()
            .replace(r#""fr-CA""#, r#""fr\u002dCA""#)
            .replace(r#""retired""#, r#""re\u0074ired""#)
            .replace(r#""customer_login""#, r#""customer\u005flogin""#);
        assert!(text.contains(r"fr\u002dCA") && text.contains(r"customer\u005flogin"));
        let session = same_as_serde_json::<Session>(text.as_bytes()).unwrap();
        assert_eq!(session.locale, Some(Locale::FrCa));
        let flow = session.flow.unwrap();
        assert_eq!(
            flow.kind,
            FlowType::Unknown("a_flow_from_the_future".into())
        );
        let configuration = session.configuration.into_object().unwrap();
        assert_eq!(configuration.metadata.unwrap()["quote\"d"], "caf\u{e9}");
    }

    #[test]
    fn an_error_envelope_decodes_as_serde_json_does() {
        let body = br#"{"error": {"type": "invalid_request_error", "code": "resource_missing",
            "message": "No such customer", "param": "customer", "extra": {"x": [1]}}}"#;
        let ours = from_slice::<ErrorEnvelope>(body).unwrap().error;
        let theirs = serde_json::from_slice::<ErrorEnvelope>(body).unwrap().error;
        assert_eq!(ours, theirs);
        assert_eq!(ours.code.as_deref(), Some("resource_missing"));
        same_as_serde_json::<ApiError>(br#"{"type": "api_error"}"#).unwrap();
    }

    #[test]
    fn an_array_in_place_of_a_struct_is_an_error() {
        let body = br#"["https://example.com"]"#;
        // serde_json alone would read the struct's fields by position.
        assert!(serde_json::from_slice::<FlowRedirect>(body).is_ok());
        let error = from_slice::<FlowRedirect>(body).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: sequence, expected struct FlowRedirect at line 1 column 0"
        );
        let mut session = fixture("billing_portal.session");
        session["flow"]["after_completion"] = json!(["redirect", null, null]);
        let error = from_slice::<Session>(&serde_json::to_vec_pretty(&session).unwrap());
        assert!(error
            .unwrap_err()
            .to_string()
            .contains("expected struct FlowAfterCompletion at line"));
    }

    #[test]
    fn invalid_utf8_is_an_error_only_in_a_string_the_types_read() {
        let mut session = fixture("billing_portal.session");
        session["future"] = json!("caf\u{e9}");
        let valid = serde_json::to_vec(&session).unwrap();
        // `é` is C3 A9: a lone A9 is invalid, and so is a lone C3 before the closing quote.
        for invalid in [&[0xa9][..], &[0xc3], &[0xff, 0xfe], &[0xed, 0xa0, 0x80]] {
            let splice = |field: &str| -> Vec<u8> {
                let text = String::from_utf8(valid.clone()).unwrap();
                let marker = format!("\"{field}\":\"");
                let at = text.find(&marker).unwrap() + marker.len();
                let mut bytes = valid.clone();
                bytes.splice(at..at, invalid.iter().copied());
                assert!(std::str::from_utf8(&bytes).is_err());
                bytes
            };
            // A field the crate ignores decodes, as with serde_json.
            let decoded = same_as_serde_json::<Session>(&splice("future")).unwrap();
            assert_eq!(decoded.id, session["id"]);
            // One it reads is an error that says where, as with serde_json.
            let bytes = splice("url");
            let at = std::str::from_utf8(&bytes).unwrap_err().valid_up_to();
            let error = from_slice::<Session>(&bytes).unwrap_err();
            assert_eq!(error.to_string(), format!("invalid UTF-8 at byte {at}"));
            assert!(serde_json::from_slice::<Session>(&bytes).is_err());
        }
        // Valid UTF-8 beyond ASCII still decodes.
        session["a_field_from_the_future"] = json!("caf\u{e9} \u{1f389}");
        same_as_serde_json::<Session>(&serde_json::to_vec(&session).unwrap()).unwrap();
    }

    #[test]
    fn a_body_with_invalid_utf8_is_accepted_exactly_when_serde_json_accepts_it() {
        let session = serde_json::to_string_pretty(&fixture("billing_portal.session")).unwrap();
        let with = |from: &str, to: &[u8]| -> Vec<u8> {
            let at = session.find(from).unwrap();
            let mut bytes = session.as_bytes()[..at].to_vec();
            bytes.extend_from_slice(to);
            bytes.extend_from_slice(&session.as_bytes()[at + from.len()..]);
            bytes
        };
        let future = |value: &[u8]| [br#""future": ""#, value, br#"", "id""#].concat();
        let bodies = [
            // Ignored: several sequences, in a nested value and in a key of one.
            with(r#""id""#, &future(b"\xff\xfe a \xc3")),
            with(r#""id""#, b"\"f\": {\"k\xff\": [\"\xe2\x82\", 1]}, \"id\""),
            // Not ignored: after a backslash, in a \u escape, outside a string, in a key read,
            // in a value read after an ignored one.
            with(r#""id""#, &future(b"\\\xff")),
            with(r#""id""#, &future(b"\\u12\xff4")),
            with(r#""id""#, &[b"\xff, \"id\"".as_slice()].concat()),
            with(r#""id""#, b"\"i\xffd\""),
            with(
                r#""id""#,
                &[future(b"\xff"), b": \"bps_\xff\", \"x\"".to_vec()].concat(),
            ),
        ];
        let accepted: Vec<bool> = bodies
            .iter()
            .map(|body| {
                assert!(std::str::from_utf8(body).is_err());
                let ours = from_slice::<Session>(body);
                let theirs = serde_json::from_slice::<Session>(body);
                assert_eq!(
                    ours.as_ref().ok(),
                    theirs.as_ref().ok(),
                    "{}",
                    String::from_utf8_lossy(body)
                );
                assert_eq!(
                    ours.is_ok(),
                    theirs.is_ok(),
                    "{}",
                    String::from_utf8_lossy(body)
                );
                ours.is_ok()
            })
            .collect();
        assert_eq!(accepted, [true, true, false, false, false, false, false]);
        // The error names the byte of the string that was read, not an earlier ignored one.
        let body = &bodies[6];
        let error = from_slice::<Session>(body).unwrap_err().to_string();
        let read = body.windows(5).position(|w| w == b"bps_\xff").unwrap() + 4;
        assert_eq!(error, format!("invalid UTF-8 at byte {read}"));
        // Up to 1000 invalid sequences are stood in for; past that the body is refused.
        let many = |n: usize| with(r#""id""#, &future(&b"\xff".repeat(n)));
        from_slice::<Session>(&many(1000)).unwrap();
        let first = session.find(r#""id""#).unwrap() + future(b"").len() - br#"", "id""#.len();
        assert_eq!(
            from_slice::<Session>(&many(1001)).unwrap_err().to_string(),
            format!("invalid UTF-8 at byte {first}")
        );
    }

    #[test]
    fn errors_are_serde_json_errors_with_line_and_column() {
        let session = serde_json::to_string_pretty(&fixture("billing_portal.session")).unwrap();
        let bad = [
            format!("{session} x"),
            format!("{session},"),
            session.replace("1234567890", "\"1234567890\""),
            session.replace("\"livemode\": true", "\"livemode\": tru"),
            session.replace("\"url\":", "\"url\" "),
            session[..session.len() / 2].to_owned(),
            String::new(),
            "null".to_owned(),
            "\"bps_123\"".to_owned(),
        ];
        for body in bad {
            let message = same_as_serde_json::<Session>(body.as_bytes()).unwrap_err();
            assert!(message.contains(" at line "), "{message}");
        }
    }

    #[test]
    fn trailing_characters_are_an_error_and_trailing_whitespace_is_not() {
        let session = serde_json::to_string(&fixture("billing_portal.session")).unwrap();
        let error = from_slice::<Session>(format!("{session} {{}}").as_bytes()).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("trailing characters at line 1"),
            "{error}"
        );
        from_slice::<Session>(format!(" {session} \n\t").as_bytes()).unwrap();
    }
}
