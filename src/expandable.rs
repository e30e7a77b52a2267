//! Fields that hold an id, or the whole object when the request asked to expand them.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An id, or the object it names when the request listed the field in `expand`.
///
/// ```
/// use stripe_billing_portal::{Configuration, Expandable};
///
/// let configuration: Expandable<Configuration> = serde_json::from_str(r#""bpc_123""#)?;
/// assert_eq!(configuration.id(), "bpc_123");
/// assert!(configuration.as_object().is_none());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Expandable<T> {
    /// Not expanded: the object's id.
    Id(String),
    /// Expanded: the whole object.
    Object(Box<T>),
}

/// Objects that have an id, so an [`Expandable`] can always give one.
pub trait HasId {
    /// The object's id.
    fn id(&self) -> &str;
}

impl<T: HasId> Expandable<T> {
    /// The id, expanded or not.
    pub fn id(&self) -> &str {
        match self {
            Expandable::Id(id) => id,
            Expandable::Object(object) => object.id(),
        }
    }
}

impl<T> Expandable<T> {
    /// The object, when it was expanded.
    pub fn as_object(&self) -> Option<&T> {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(object),
        }
    }

    /// The object, when it was expanded.
    pub fn into_object(self) -> Option<T> {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(*object),
        }
    }

    /// Whether the object was expanded.
    pub fn is_object(&self) -> bool {
        matches!(self, Expandable::Object(_))
    }
}

impl<T: Serialize> Serialize for Expandable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Expandable::Id(id) => serializer.serialize_str(id),
            Expandable::Object(object) => object.serialize(serializer),
        }
    }
}

// Hand-written rather than `#[serde(untagged)]`, which buffers the whole object before
// trying each variant: a string is the id, a map is decoded straight into `T`.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Expandable<T> {
    // The `#[inline]`s let this be compiled into its callers, which live in other codegen
    // units: measured, a few KB less in a program that decodes sessions.
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ExpandableVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ExpandableVisitor<T> {
            type Value = Expandable<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id string or an expanded object")
            }

            fn visit_str<E: de::Error>(self, id: &str) -> Result<Self::Value, E> {
                Ok(Expandable::Id(id.to_owned()))
            }

            fn visit_string<E: de::Error>(self, id: String) -> Result<Self::Value, E> {
                Ok(Expandable::Id(id))
            }

            #[inline]
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|object| Expandable::Object(Box::new(object)))
            }
        }

        deserializer.deserialize_any(ExpandableVisitor(PhantomData))
    }
}
