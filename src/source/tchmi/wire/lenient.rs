//! Reading what the protocol reference is unsure of: null where a value is expected, numbers as
//! numeric strings (the server's `USEINT64STRING` setting), ids that are not ours.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, Visitor};

/// A null where a value is expected reads as its default.
pub(super) fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A non-negative integer sent as a number or as a numeric string.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Count(u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CountVisitor;
        impl Visitor<'_> for CountVisitor {
            type Value = Count;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative integer")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                u64::try_from(v)
                    .map(Count)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Count, E> {
                v.trim()
                    .parse()
                    .map(Count)
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(CountVisitor)
    }
}

pub(super) fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(Option::<Count>::deserialize(d)?.unwrap_or_default().0)
}

pub(super) fn maybe_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(Option::<Count>::deserialize(d)?.map(|c| c.0))
}

/// A frame's `id` as one of ours could be (a non-negative integer, maybe as a string), or `None`
/// for anything else: a negative, fractional or non-numeric id answers no request of ours, so
/// the frame is skipped like any other request's, not refused as unreadable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct LooseId(pub(super) Option<u64>);

impl<'de> Deserialize<'de> for LooseId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl<'de> Visitor<'de> for IdVisitor {
            type Value = LooseId;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LooseId, E> {
                Ok(LooseId(Some(v)))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LooseId, E> {
                Ok(LooseId(u64::try_from(v).ok()))
            }

            fn visit_f64<E: de::Error>(self, _: f64) -> Result<LooseId, E> {
                Ok(LooseId(None))
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<LooseId, E> {
                Ok(LooseId(None))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<LooseId, E> {
                Ok(LooseId(v.trim().parse().ok()))
            }

            fn visit_unit<E: de::Error>(self) -> Result<LooseId, E> {
                Ok(LooseId(None))
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<LooseId, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LooseId(None))
            }

            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<LooseId, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LooseId(None))
            }
        }
        d.deserialize_any(IdVisitor)
    }
}

pub(super) fn loose_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(LooseId::deserialize(d)?.0)
}
