//! Params that can be cleared: Stripe's empty string, as a typed choice.

use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde::{Deserialize, Serialize, Serializer};

/// A value to set, or Stripe's empty string (`key=`), which clears the field.
///
/// Params hold it inside an `Option`: `None` leaves the field as it is (nothing is sent),
/// `Some(Clearable::Set(v))` sets it, `Some(Clearable::Clear)` clears it. So "clear" is always
/// something the caller asked for, never what an empty `Vec` or an empty string happens to
/// mean: an empty list inside [`Set`](Clearable::Set) sends nothing at all.
///
/// In JSON it is the value itself, or `""` for [`Clear`](Clearable::Clear).
///
/// ```
/// use stripe_billing_portal::{form, ConfigurationUpdateParams};
///
/// let params = ConfigurationUpdateParams::new()
///     .name("Main portal")
///     .clear_default_return_url();
/// assert_eq!(
///     form::to_string(&params)?,
///     "default_return_url=&name=Main+portal",
/// );
/// # Ok::<(), stripe_billing_portal::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clearable<T> {
    /// Set the field to this value.
    Set(T),
    /// Clear the field: sent as an empty string.
    Clear,
}

impl<T> Clearable<T> {
    /// The value, unless this clears the field.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Clearable::Set(value) => Some(value),
            Clearable::Clear => None,
        }
    }

    /// Whether this clears the field.
    pub fn is_clear(&self) -> bool {
        matches!(self, Clearable::Clear)
    }
}

impl<T> From<T> for Clearable<T> {
    fn from(value: T) -> Self {
        Clearable::Set(value)
    }
}

impl<T: Serialize> Serialize for Clearable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Clearable::Set(value) => value.serialize(serializer),
            Clearable::Clear => serializer.serialize_str(""),
        }
    }
}

// `""` is Stripe's "clear" for every type, so it is looked at before `T` gets the value.
// Buffering through `serde_json::Value` keeps this to one small impl; params are small.
impl<'de, T: DeserializeOwned> Deserialize<'de> for Clearable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if value.as_str() == Some("") {
            return Ok(Clearable::Clear);
        }
        T::deserialize(value)
            .map(Clearable::Set)
            .map_err(D::Error::custom)
    }
}
