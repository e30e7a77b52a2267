//! The two shapes Stripe uses again and again, generated once.
//!
//! `open_enum!`: a string enum that keeps values this crate does not know yet, so a new
//! value from Stripe never breaks deserialization and a caller can send one we do not list.
//!
//! `tagged_params!`: a request enum sent as `type=<tag>` plus an object under the key named by
//! the same tag (`flow_data[type]=subscription_cancel&flow_data[subscription_cancel][..]`).
//! The tag comes from the variant, so a type and its body can never disagree.
//!
//! `extra_params!`: the escape hatch every params struct has for params this crate does not
//! model yet.

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the crate does not list, kept exactly as it was
            /// received, or sent exactly as given. Build it with `From<&str>`, which picks
            /// the listed variant when there is one.
            Unknown(String),
        }

        impl $name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Unknown(other) => other,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::macros::WireStr::deserialize(deserializer).map(|wire| Self::from(wire.as_str()))
            }
        }
    };
}

/// The string of an `open_enum!` value as the deserializer gives it: borrowed from the input
/// when it can be, so a listed value costs no allocation. Every open enum reads its string
/// through this one visitor, so the reading code is compiled once instead of once per enum.
pub(crate) enum WireStr<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Copied, when the input had escapes to undo.
    Owned(String),
}

impl<'de> WireStr<'de> {
    /// The string, however it was given.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            WireStr::Borrowed(value) => value,
            WireStr::Owned(value) => value,
        }
    }

    /// Reads a string; anything else is an "invalid type" error.
    pub(crate) fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        deserializer.deserialize_str(WireStrVisitor)
    }
}

/// The visitor behind [`WireStr::deserialize`].
struct WireStrVisitor;

impl<'de> serde::de::Visitor<'de> for WireStrVisitor {
    type Value = WireStr<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, value: &'de str) -> Result<WireStr<'de>, E> {
        Ok(WireStr::Borrowed(value))
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<WireStr<'de>, E> {
        Ok(WireStr::Owned(value.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<WireStr<'de>, E> {
        Ok(WireStr::Owned(value))
    }
}

macro_rules! tagged_params {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident $(($body:ty $(, $default:ident)?))? = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant $(($body))?, )*
        }

        impl $name {
            const FIELDS: &'static [&'static str] = &["type", $( $wire, )*];

            /// The `type` this value is sent with.
            pub fn type_str(&self) -> &'static str {
                match self {
                    $( Self::$variant { .. } => $wire, )*
                }
            }
        }

        impl ::serde::Serialize for $name {
            // An enum of one variant makes its `if let` irrefutable.
            #[allow(irrefutable_let_patterns)]
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("type", self.type_str())?;
                $( tagged_params!(@ser self, map, $variant, $wire $(, $body)?); )*
                map.end()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let mut tagged = deserializer.deserialize_struct(
                    stringify!($name),
                    Self::FIELDS,
                    $crate::macros::TaggedVisitor(Self::FIELDS),
                )?;
                let value = match tagged.tag.as_str() {
                    $( $wire => tagged_params!(@de tagged, $variant, $wire $(, $body $(, $default)?)?), )*
                    other => {
                        return Err(::serde::de::Error::unknown_variant(other, &Self::FIELDS[1..]))
                    }
                };
                tagged.finish().map_err(::serde::de::Error::custom)?;
                Ok(value)
            }
        }
    };
    (@ser $self:ident, $map:ident, $variant:ident, $wire:literal) => {};
    (@ser $self:ident, $map:ident, $variant:ident, $wire:literal, $body:ty) => {
        if let Self::$variant(body) = $self {
            $map.serialize_entry($wire, body)?;
        }
    };
    (@de $tagged:ident, $variant:ident, $wire:literal) => {
        Self::$variant
    };
    (@de $tagged:ident, $variant:ident, $wire:literal, $body:ty) => {
        Self::$variant($tagged.take($wire).map_err(::serde::de::Error::custom)?)
    };
    // A body whose keys are all optional may be left out.
    (@de $tagged:ident, $variant:ident, $wire:literal, $body:ty, default) => {
        Self::$variant($tagged.take_or_default($wire).map_err(::serde::de::Error::custom)?)
    };
}

/// What a tagged params object looks like before its variant is chosen: the `type` and the
/// bodies, buffered because `type` may come after them.
pub(crate) struct Tagged {
    pub(crate) tag: String,
    bodies: Vec<(String, serde_json::Value)>,
}

impl Tagged {
    /// Removes the body named `key` and decodes it; a missing body is an error, so a flow type
    /// whose data is missing never deserializes.
    pub(crate) fn take<T: serde::de::DeserializeOwned>(&mut self, key: &str) -> Result<T, String> {
        let index = self
            .bodies
            .iter()
            .position(|(k, _)| k == key)
            .ok_or_else(|| {
                format!("type `{key}` needs its data under the key `{key}`, which is missing")
            })?;
        let (_, body) = self.bodies.swap_remove(index);
        serde_json::from_value(body).map_err(|e| format!("in `{key}`: {e}"))
    }

    /// As [`Tagged::take`], but a missing body is the body's default.
    pub(crate) fn take_or_default<T: serde::de::DeserializeOwned + Default>(
        &mut self,
        key: &str,
    ) -> Result<T, String> {
        if self.bodies.iter().any(|(k, _)| k == key) {
            self.take(key)
        } else {
            Ok(T::default())
        }
    }

    /// Fails when a body is left that belongs to another type.
    pub(crate) fn finish(self) -> Result<(), String> {
        match self.bodies.first() {
            None => Ok(()),
            Some((key, _)) => Err(format!(
                "the key `{key}` does not belong with type `{}`",
                self.tag
            )),
        }
    }
}

pub(crate) struct TaggedVisitor(pub(crate) &'static [&'static str]);

impl<'de> serde::de::Visitor<'de> for TaggedVisitor {
    type Value = Tagged;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object with a `type`")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Tagged, A::Error> {
        use serde::de::Error;
        let mut tag = None;
        let mut bodies = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "type" {
                tag = Some(map.next_value::<String>()?);
            } else if self.0.contains(&key.as_str()) {
                let body = map.next_value::<serde_json::Value>()?;
                // `null` is how JSON says "not sent".
                if !body.is_null() {
                    bodies.push((key, body));
                }
            } else {
                return Err(A::Error::unknown_field(&key, self.0));
            }
        }
        let tag = tag.ok_or_else(|| A::Error::missing_field("type"))?;
        Ok(Tagged { tag, bodies })
    }
}

macro_rules! extra_params {
    ($($name:ident),* $(,)?) => {
        $(
            impl $name {
                /// Adds a param this crate does not model yet, sent after the typed ones and
                /// encoded by the same encoder: a JSON object or array nests in brackets,
                /// `null` sends nothing. Setting the same key again replaces the value; a key a
                /// typed param also sends is refused when the params are encoded, since Stripe
                /// would keep only one of the two.
                pub fn extra_param(
                    mut self,
                    key: impl Into<String>,
                    value: impl Into<serde_json::Value>,
                ) -> Self {
                    self.extra.insert(key.into(), value.into());
                    self
                }
            }
        )*
    };
}

/// Params this crate does not model yet, kept in key order.
pub(crate) type Extra = std::collections::BTreeMap<String, serde_json::Value>;

/// The timeouts of an attempt: `timeout` bounds the whole of it, from the host lookup to the
/// last byte of the answer; `connect` bounds the lookup, and then connecting. Used for the
/// client's agent and for a request's override.
///
/// Each read and write also gets a bound 1 % under `timeout`. That bound is what ureq gives
/// the socket while the attempt is younger than 1 % of its budget: a constant, set once per
/// connection. The remaining budget alone differs at every read and write, and ureq set it
/// with a system call each time, three per request. Past that 1 %, the deadline applies.
macro_rules! with_timeouts {
    ($config:expr, $timeout:expr, $connect:expr) => {{
        let timeout: std::time::Duration = $timeout;
        let connect: std::time::Duration = $connect;
        let per_io = Some(timeout - timeout / 100);
        $config
            .timeout_global(Some(timeout))
            .timeout_resolve(Some(connect))
            .timeout_connect(Some(connect))
            .timeout_per_read(per_io)
            .timeout_per_write(per_io)
    }};
}
