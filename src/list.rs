//! Pages of a list endpoint, and the iterator that walks all of them.

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::transport::Method;
use crate::{form, Client, Error, HasId, RequestOptions};

/// One page of a list endpoint: Stripe's `{"object": "list", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct List<T> {
    /// Always `list`.
    #[serde(default = "list_object")]
    pub object: String,
    /// The objects of this page.
    pub data: Vec<T>,
    /// Whether there are more objects after this page (before it, when the page was asked
    /// for with `ending_before`).
    pub has_more: bool,
    /// The path the page came from, such as `/v1/billing_portal/configurations`.
    pub url: String,
}

fn list_object() -> String {
    "list".to_owned()
}

/// Every object of a list endpoint, fetched a page at a time as it is advanced, the way
/// Stripe's own libraries auto-paginate.
///
/// * Nothing is sent until the first [`next`](Iterator::next).
/// * Each page repeats the caller's params; `limit` is the page size.
/// * Forwards by default: the next page asks for `starting_after` = the last id seen.
/// * When the params had `ending_before`, it walks backwards: the next page asks for
///   `ending_before` = the first id of the page, and each page is yielded last object first,
///   so objects come out in the opposite of Stripe's order. A request never carries both
///   cursors; params that set both are refused with
///   [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput), before anything is sent.
/// * It ends when a page says `has_more: false` (or is empty), and stops for good at the first
///   error: the error is yielded once, then `None`.
///
/// ```no_run
/// use stripe_billing_portal::{Client, ConfigurationListParams};
///
/// let client = Client::from_env()?;
/// let inactive: Vec<String> = client
///     .iter_configurations(&ConfigurationListParams::new().active(false).limit(100))
///     .map(|configuration| configuration.map(|c| c.id))
///     .collect::<Result<_, _>>()?;
/// # Ok::<(), stripe_billing_portal::Error>(())
/// ```
#[derive(Debug)]
pub struct ListIter<T> {
    client: Client,
    path: &'static str,
    options: RequestOptions,
    /// The caller's params, encoded once, without their cursors.
    params: Vec<(String, String)>,
    /// The cursor of the next page; `None` for the first page when the caller set none.
    cursor: Option<String>,
    backwards: bool,
    page: std::vec::IntoIter<T>,
    /// An error found before any request, yielded by the first `next`.
    pending: Option<Error>,
    done: bool,
    item: PhantomData<fn() -> T>,
}

const STARTING_AFTER: &str = "starting_after";
const ENDING_BEFORE: &str = "ending_before";

impl<T: DeserializeOwned + HasId> ListIter<T> {
    pub(crate) fn new(
        client: Client,
        path: &'static str,
        params: &impl Serialize,
        options: RequestOptions,
    ) -> Self {
        let mut iter = ListIter {
            client,
            path,
            options,
            params: Vec::new(),
            cursor: None,
            backwards: false,
            page: Vec::new().into_iter(),
            pending: None,
            done: false,
            item: PhantomData,
        };
        match form::to_pairs(params) {
            Err(error) => iter.pending = Some(error),
            Ok(pairs) => {
                let (cursors, rest): (Vec<_>, Vec<_>) = pairs
                    .into_iter()
                    .partition(|(k, _)| k == STARTING_AFTER || k == ENDING_BEFORE);
                iter.params = rest;
                let find = |name| cursors.iter().find(|(k, _)| k == name).map(|(_, v)| v);
                match (find(STARTING_AFTER), find(ENDING_BEFORE)) {
                    (Some(_), Some(_)) => {
                        iter.pending = Some(Error::invalid_input(
                            "list params set both starting_after and ending_before; \
                             set one to choose the direction",
                        ))
                    }
                    (after, None) => iter.cursor = after.cloned(),
                    (None, before) => {
                        iter.cursor = before.cloned();
                        iter.backwards = true;
                    }
                }
            }
        }
        iter
    }

    fn fetch(&mut self) -> Result<(), Error> {
        let mut pairs = self.params.clone();
        if let Some(cursor) = &self.cursor {
            let name = if self.backwards {
                ENDING_BEFORE
            } else {
                STARTING_AFTER
            };
            pairs.push((name.to_owned(), cursor.clone()));
        }
        let list: List<T> = self
            .client
            .transport()
            .request(Method::Get, self.path, &Pairs(&pairs), &self.options)?
            .data;
        let mut data = list.data;
        // Stripe answers newest first either way; walking backwards, the page before this
        // one ends just before its first object.
        let next = if self.backwards {
            data.first()
        } else {
            data.last()
        };
        match next {
            Some(object) if list.has_more => self.cursor = Some(object.id().to_owned()),
            // An empty page that claims more would loop forever on the same cursor.
            _ => self.done = true,
        }
        if self.backwards {
            data.reverse();
        }
        self.page = data.into_iter();
        Ok(())
    }
}

impl<T: DeserializeOwned + HasId> Iterator for ListIter<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(object) = self.page.next() {
                return Some(Ok(object));
            }
            if self.done {
                return None;
            }
            if let Some(error) = self.pending.take() {
                self.done = true;
                return Some(Err(error));
            }
            if let Err(error) = self.fetch() {
                self.done = true;
                return Some(Err(error));
            }
        }
    }
}

/// Encoded pairs as a map, so they go through the one encoder again unchanged: top-level
/// keys are written as they are.
struct Pairs<'a>(&'a [(String, String)]);

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}
