//! Idempotent answers, as Stripe keeps them: per secret key and account, tied to the endpoint
//! a key was first used at, for 24 hours, and here at most a settable number of keys (the
//! oldest go first).

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::time::{Duration, Instant};

use super::failure::Failure;
use super::http::HttpResponse;
use super::limits::IDEMPOTENCY_LIFETIME;

/// What a key is unique within: the secret key and the `Stripe-Account`, both hashed so the
/// store keeps no secret, and the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Scope {
    secret: u64,
    account: u64,
    key: String,
}

impl Scope {
    pub(crate) fn new(hasher: &RandomState, secret: &str, account: &str, key: &str) -> Scope {
        Scope {
            secret: hasher.hash_one(secret),
            account: hasher.hash_one(account),
            key: key.to_owned(),
        }
    }
}

/// The first use of a key: where, with what params, and its answer once there is one.
struct Entry {
    endpoint: String,
    params: u64,
    answer: Option<HttpResponse>,
    at: Instant,
}

/// What to do with a request that carries a key.
pub(crate) enum Claim {
    /// The key is new and now reserved for this request: run it, then
    /// [`Store::remember`] or [`Store::release`].
    Run(Scope),
    /// Same key, endpoint and params: the first answer again.
    Replay(HttpResponse),
}

pub(crate) struct Store {
    entries: HashMap<Scope, Entry>,
    /// Keys by age, oldest first, for expiry and the cap.
    order: VecDeque<(Instant, Scope)>,
    capacity: usize,
    lifetime: Duration,
}

impl Store {
    /// A store of at most `capacity` keys, each kept [`IDEMPOTENCY_LIFETIME`].
    pub(crate) fn new(capacity: usize) -> Store {
        Store::with_lifetime(capacity, IDEMPOTENCY_LIFETIME)
    }

    fn with_lifetime(capacity: usize, lifetime: Duration) -> Store {
        Store {
            entries: HashMap::new(),
            order: VecDeque::new(),
            capacity,
            lifetime,
        }
    }

    /// Looks a key up for `endpoint` with params hashed to `params`, and reserves it if new.
    pub(crate) fn claim(
        &mut self,
        scope: Scope,
        endpoint: &str,
        params: u64,
    ) -> Result<Claim, Failure> {
        let now = Instant::now();
        self.expire(now);
        if let Some(entry) = self.entries.get(&scope) {
            let key = &scope.key;
            if entry.endpoint != endpoint {
                return Err(Failure::idempotency(format!(
                    "Keys for idempotent requests can only be used for the same endpoint they were first used for ({}). Try using a key other than '{key}' if you meant to execute a different request.",
                    entry.endpoint
                )));
            }
            if entry.params != params {
                return Err(Failure::idempotency(format!(
                    "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."
                )));
            }
            return match &entry.answer {
                Some(answer) => Ok(Claim::Replay(answer.clone())),
                None => Err(Failure::plain(
                    409,
                    "idempotency_error",
                    format!("There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): '{key}'. Please try again later."),
                )),
            };
        }
        if self.capacity == 0 {
            return Ok(Claim::Run(scope));
        }
        while self.entries.len() >= self.capacity {
            let Some((at, oldest)) = self.order.pop_front() else {
                break;
            };
            if self.entries.get(&oldest).is_some_and(|e| e.at == at) {
                self.entries.remove(&oldest);
            }
        }
        let entry = Entry {
            endpoint: endpoint.to_owned(),
            params,
            answer: None,
            at: now,
        };
        self.entries.insert(scope.clone(), entry);
        self.order.push_back((now, scope.clone()));
        // Released keys leave stale places behind a live one: drop them before they pile up.
        if self.order.len() > 2 * self.capacity {
            let entries = &self.entries;
            self.order
                .retain(|(at, scope)| entries.get(scope).is_some_and(|e| e.at == *at));
        }
        Ok(Claim::Run(scope))
    }

    /// Keeps the answer of a request that ran.
    pub(crate) fn remember(&mut self, scope: &Scope, answer: HttpResponse) {
        if let Some(entry) = self.entries.get_mut(scope) {
            entry.answer = Some(answer);
        }
    }

    /// Forgets a reservation: Stripe keeps no answer for a request refused before it ran.
    pub(crate) fn release(&mut self, scope: &Scope) {
        self.entries.remove(scope);
        // Its place in `order` is dropped later, as stale.
    }

    fn expire(&mut self, now: Instant) {
        while let Some((at, scope)) = self.order.front() {
            let expired = now.duration_since(*at) >= self.lifetime;
            // A stale place (the key was released, or reused since) is dropped too.
            let stale = self.entries.get(scope).is_none_or(|e| e.at != *at);
            if !expired && !stale {
                break;
            }
            if expired && !stale {
                self.entries.remove(scope);
            }
            self.order.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer() -> HttpResponse {
        HttpResponse {
            status: 200,
            headers: Vec::new(),
            body: "{}".into(),
        }
    }

    fn scope(key: &str) -> Scope {
        static HASHER: std::sync::OnceLock<RandomState> = std::sync::OnceLock::new();
        Scope::new(HASHER.get_or_init(RandomState::new), "sk_test_1", "", key)
    }

    #[test]
    fn a_key_is_forgotten_after_its_lifetime() {
        let mut store = Store::with_lifetime(10, Duration::from_millis(30));
        let key = scope("k");
        let Ok(Claim::Run(claimed)) = store.claim(key.clone(), "POST /a", 1) else {
            panic!("a new key runs");
        };
        store.remember(&claimed, answer());
        assert!(matches!(
            store.claim(key.clone(), "POST /a", 1),
            Ok(Claim::Replay(_))
        ));
        assert!(
            store.claim(key.clone(), "POST /a", 2).is_err(),
            "other params"
        );
        std::thread::sleep(Duration::from_millis(40));
        assert!(matches!(store.claim(key, "POST /a", 2), Ok(Claim::Run(_))));
        assert_eq!(store.entries.len(), 1);
    }

    #[test]
    fn released_keys_do_not_pile_up() {
        let mut store = Store::new(4);
        let kept = scope("kept");
        assert!(store.claim(kept, "POST /a", 1).is_ok());
        for i in 0..1_000 {
            let key = scope(&format!("k{i}"));
            let Ok(Claim::Run(claimed)) = store.claim(key, "POST /a", 1) else {
                panic!("a new key runs");
            };
            store.release(&claimed);
        }
        assert_eq!(store.entries.len(), 1);
        assert!(store.order.len() <= 8, "{} places", store.order.len());
    }

    #[test]
    fn a_key_in_flight_is_a_409() {
        let mut store = Store::new(4);
        let key = scope("k");
        assert!(store.claim(key.clone(), "POST /a", 1).is_ok());
        let Err(failure) = store.claim(key, "POST /a", 1) else {
            panic!("the second claim waits for the first answer");
        };
        assert_eq!(failure.status, 409);
    }
}
