//! What the server remembers of configurations: kept in creation order with an index by id,
//! so a lookup is one hash and a list page costs its page. Each method is one short read or
//! write under the caller's lock; parsing and encoding happen outside it.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::failure::Failure;
use super::{objects, validate};

pub(crate) struct State {
    /// In creation order; lists show the newest first.
    configurations: Vec<Value>,
    /// Position in `configurations` by id.
    index: HashMap<String, usize>,
    capacity: usize,
}

/// Where a configuration id came from: the path (404 when missing) or a param (400).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Named<'a> {
    InPath,
    ByParam(&'a str),
}

impl State {
    pub(crate) fn new(capacity: usize) -> State {
        let mut state = State {
            configurations: Vec::new(),
            index: HashMap::new(),
            capacity: capacity.max(1),
        };
        state.insert(objects::default_configuration(new_id("bpc_"), now()));
        state
    }

    fn insert(&mut self, configuration: Value) {
        let id = configuration["id"].as_str().unwrap_or_default().to_owned();
        self.index.insert(id, self.configurations.len());
        self.configurations.push(configuration);
    }

    fn position(&self, id: &str, named: Named<'_>) -> Result<usize, Failure> {
        self.index.get(id).copied().ok_or_else(|| {
            let message = format!("No such configuration: '{id}'");
            match named {
                Named::InPath => Failure::no_such("configuration", message, true),
                Named::ByParam(param) => Failure::no_such(param, message, false),
            }
        })
    }

    /// The configuration (the default one is the first), or its id alone.
    pub(crate) fn configuration(
        &self,
        id: Option<&str>,
        named: Named<'_>,
        whole: bool,
    ) -> Result<Value, Failure> {
        let position = match id {
            Some(id) => self.position(id, named)?,
            None => 0,
        };
        let configuration = &self.configurations[position];
        Ok(if whole {
            configuration.clone()
        } else {
            configuration["id"].clone()
        })
    }

    pub(crate) fn create_configuration(&mut self, params: &Value) -> Result<Value, Failure> {
        if self.configurations.len() >= self.capacity {
            return Err(Failure::plain(
                400,
                "invalid_request_error",
                format!(
                    "This mock server keeps at most {} configurations (MockServerBuilder::max_configurations).",
                    self.capacity
                ),
            ));
        }
        let created = now();
        let mut configuration = objects::blank_configuration(new_id("bpc_"), created, false);
        objects::apply(&mut configuration, params, created);
        validate::configuration_state_rules(&configuration, params)?;
        self.insert(configuration.clone());
        Ok(configuration)
    }

    pub(crate) fn update_configuration(
        &mut self,
        id: &str,
        params: &Value,
    ) -> Result<Value, Failure> {
        let position = self.position(id, Named::InPath)?;
        let mut configuration = self.configurations[position].clone();
        objects::apply(&mut configuration, params, now());
        validate::configuration_state_rules(&configuration, params)?;
        self.configurations[position] = configuration.clone();
        Ok(configuration)
    }

    /// A page of configurations, newest first, after `starting_after` or before
    /// `ending_before`. Without filters it reads only the page; with them, only as far as
    /// the page's last match.
    pub(crate) fn list_configurations(&self, params: &Value) -> Result<Value, Failure> {
        let matches = |c: &Value| {
            ["active", "is_default"]
                .iter()
                .all(|f| params.get(*f).is_none_or(|want| c[*f] == *want))
        };
        let limit = params["limit"].as_u64().unwrap_or(10) as usize;
        // Cursors are looked up among all configurations, as at Stripe: one that the filters
        // exclude (say, deactivated between two pages) still marks a place in the list.
        let cursor = |param: &str| -> Result<Option<usize>, Failure> {
            params[param]
                .as_str()
                .map(|id| self.position(id, Named::ByParam(param)))
                .transpose()
        };
        let all = &self.configurations;
        let (page, has_more): (Vec<Value>, bool) = if let Some(before) = cursor("ending_before")? {
            // Newer than the cursor, the closest `limit` of them, shown newest first.
            let mut newer = all[before + 1..].iter().filter(|c| matches(c));
            let mut page: Vec<&Value> = newer.by_ref().take(limit).collect();
            let more = newer.next().is_some();
            page.reverse();
            (page.into_iter().cloned().collect(), more)
        } else {
            let end = match cursor("starting_after")? {
                Some(after) => after,
                None => all.len(),
            };
            let mut older = all[..end].iter().rev().filter(|c| matches(c));
            let page: Vec<Value> = older.by_ref().take(limit).cloned().collect();
            (page, older.next().is_some())
        };
        Ok(json!({
            "object": "list",
            "data": page,
            "has_more": has_more,
            "url": "/v1/billing_portal/configurations",
        }))
    }
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `prefix` and 24 random letters and digits, the shape of Stripe's ids.
pub(crate) fn new_id(prefix: &str) -> String {
    let mut id = String::from(prefix);
    for _ in 0..4 {
        push_base62(&mut id, random_u64(), 6);
    }
    id
}

/// Appends `digits` letters and digits taken from `bits`.
pub(crate) fn push_base62(id: &mut String, mut bits: u64, digits: usize) {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    for _ in 0..digits {
        id.push(ALPHABET[(bits % 62) as usize] as char);
        bits /= 62;
    }
}

/// Unpredictable bits without a dependency: `RandomState` is seeded by the OS, and the
/// counter makes every input distinct.
fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}
