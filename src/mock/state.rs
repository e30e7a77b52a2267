//! What the server remembers: configurations, and idempotent answers.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::http::HttpResponse;
use super::objects;
use super::Failure;

/// An answer remembered for an idempotency key, with the params it answered.
struct Remembered {
    pairs: Vec<(String, String)>,
    response: HttpResponse,
}

pub(crate) struct State {
    /// In creation order; lists show the newest first.
    configurations: Vec<Value>,
    /// A key belongs to one account and one endpoint.
    idempotency: HashMap<IdempotencyScope, Remembered>,
}

/// An idempotency key with what scopes it: (key, `Stripe-Account` or empty, method, path).
pub(crate) type IdempotencyScope = (String, String, String, String);

/// The outcome of looking up an idempotency key.
pub(crate) enum Replay {
    /// The key is new: run the request.
    New,
    /// Same key, same params: the first answer again.
    Same(HttpResponse),
    /// Same key, other params.
    Conflict,
}

impl State {
    pub(crate) fn new() -> State {
        let default = objects::default_configuration(new_id("bpc_"), now());
        State {
            configurations: vec![default],
            idempotency: HashMap::new(),
        }
    }

    pub(crate) fn replay(&self, key: &IdempotencyScope, pairs: &[(String, String)]) -> Replay {
        match self.idempotency.get(key) {
            None => Replay::New,
            Some(seen) if seen.pairs == pairs => Replay::Same(seen.response.clone()),
            Some(_) => Replay::Conflict,
        }
    }

    pub(crate) fn remember(
        &mut self,
        key: IdempotencyScope,
        pairs: Vec<(String, String)>,
        response: HttpResponse,
    ) {
        self.idempotency.insert(key, Remembered { pairs, response });
    }

    pub(crate) fn default_configuration(&self) -> &Value {
        self.configurations
            .iter()
            .find(|c| c["is_default"] == true)
            .expect("a default configuration always exists")
    }

    pub(crate) fn configuration(&self, id: &str, param: &str) -> Result<&Value, Failure> {
        self.configurations
            .iter()
            .find(|c| c["id"] == id)
            .ok_or_else(|| no_such_configuration(id, param))
    }

    pub(crate) fn create_configuration(&mut self, params: &Value) -> Value {
        let created = now();
        let mut configuration = objects::blank_configuration(new_id("bpc_"), created, false);
        objects::apply(&mut configuration, params, created);
        self.configurations.push(configuration.clone());
        configuration
    }

    pub(crate) fn update_configuration(
        &mut self,
        id: &str,
        params: &Value,
    ) -> Result<Value, Failure> {
        let configuration = self
            .configurations
            .iter_mut()
            .find(|c| c["id"] == id)
            .ok_or_else(|| no_such_configuration(id, "configuration"))?;
        objects::apply(configuration, params, now());
        Ok(configuration.clone())
    }

    /// A page of configurations, newest first, after `starting_after` or before
    /// `ending_before`.
    pub(crate) fn list_configurations(&self, params: &Value) -> Result<Value, Failure> {
        let matches = |c: &&Value| {
            ["active", "is_default"]
                .iter()
                .all(|f| params.get(*f).is_none_or(|want| c[*f] == *want))
        };
        // Cursors are looked up among all configurations, as at Stripe: one that the filters
        // exclude (say, deactivated between two pages) still marks a place in the list.
        let newest_first: Vec<&Value> = self.configurations.iter().rev().collect();
        let limit = params["limit"].as_u64().unwrap_or(10) as usize;
        let position = |param: &str| -> Result<Option<usize>, Failure> {
            match params[param].as_str() {
                None => Ok(None),
                Some(id) => newest_first
                    .iter()
                    .position(|c| c["id"] == id)
                    .map(Some)
                    .ok_or_else(|| no_such_configuration(id, param)),
            }
        };
        let filtered = |range: &[&'_ Value]| -> Vec<Value> {
            range.iter().copied().filter(matches).cloned().collect()
        };
        let (page, has_more) = if let Some(after) = position("starting_after")? {
            let rest = filtered(&newest_first[after + 1..]);
            let more = rest.len() > limit;
            (rest.into_iter().take(limit).collect::<Vec<_>>(), more)
        } else if let Some(before) = position("ending_before")? {
            let rest = filtered(&newest_first[..before]);
            let start = rest.len().saturating_sub(limit);
            (rest[start..].to_vec(), start > 0)
        } else {
            let all = filtered(&newest_first);
            let more = all.len() > limit;
            (all.into_iter().take(limit).collect::<Vec<_>>(), more)
        };
        Ok(json!({
            "object": "list",
            "data": page,
            "has_more": has_more,
            "url": "/v1/billing_portal/configurations",
        }))
    }
}

fn no_such_configuration(id: &str, param: &str) -> Failure {
    Failure::not_found(param, format!("No such configuration: '{id}'"))
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `prefix` and 24 random letters and digits, the shape of Stripe's ids.
pub(crate) fn new_id(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut id = String::from(prefix);
    for _ in 0..4 {
        let mut bits = random_u64();
        for _ in 0..6 {
            id.push(ALPHABET[(bits % 62) as usize] as char);
            bits /= 62;
        }
    }
    id
}

/// Unpredictable bits without a dependency: `RandomState` is seeded by the OS, and the
/// counter makes every input distinct.
fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}
