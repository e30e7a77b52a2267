//! A blocking, minimal-dependency client for Stripe's Billing Portal API.
//!
//! Create customer portal sessions, with every param the API takes, including deep links
//! into each portal flow; manage portal configurations. No async runtime: a call blocks
//! until Stripe answers, which suits scripts, command-line tools and synchronous services.
//!
//! ```no_run
//! use stripe_billing_portal::{AfterCompletion, Client, FlowData, SessionCreateParams};
//!
//! let client = Client::new("sk_test_...")?;
//! let params = SessionCreateParams::for_customer("cus_123")
//!     .return_url("https://example.com/account")
//!     .flow_data(
//!         FlowData::subscription_cancel("sub_123")
//!             .after_completion(AfterCompletion::redirect("https://example.com/done")),
//!     );
//! let session = client.create_session(&params)?;
//! println!("{}", session.url);
//! # Ok::<(), stripe_billing_portal::Error>(())
//! ```
//!
//! # Flows
//!
//! A deep link has two layers. [`FlowData`], the `flow_data` param, holds one [`Flow`] and
//! the [`AfterCompletion`] every flow shares. [`Flow`] is an enum with data: the
//! `flow_data[type]` on the wire comes from the variant, so a type and its data can never
//! disagree, and there is no default flow. The `FlowData` constructors build both layers; a
//! flow struct with options of its own ([`SubscriptionCancelFlow`],
//! [`SubscriptionUpdateConfirmFlow`], ...) goes in through [`FlowData::new`] or `From`, and its
//! `after_completion` returns the `FlowData` around it.
//!
//! ```
//! use stripe_billing_portal::*;
//!
//! let flows = [
//!     FlowData::payment_method_update(),
//!     FlowData::customer_update(),
//!     FlowData::subscription_cancel("sub_123"),
//!     FlowData::new(SubscriptionCancelFlow::new("sub_123").retention(Retention::coupon_offer("STAY20"))),
//!     FlowData::subscription_pause("sub_123"),
//!     FlowData::subscription_update("sub_123"),
//!     FlowData::subscription_update_confirm("sub_123", ConfirmItem::new("si_123").price("price_pro")),
//!     SubscriptionUpdateConfirmFlow::new("sub_123", ConfirmItem::new("si_123").price("price_pro").quantity(2))
//!         .discount(ConfirmDiscount::promotion_code("promo_123"))
//!         .after_completion(AfterCompletion::hosted_confirmation_with_message("All set!")),
//! ];
//! # assert_eq!(flows.len(), 8);
//! ```
//!
//! # Configurations
//!
//! A portal configuration says what customers can do in the portal. Create one with the
//! features it offers ([`ConfigurationCreateParams::new`] takes them, since Stripe requires
//! them), then pass its id to [`SessionCreateParams::configuration`]. On update, every field
//! is left as it is, set, or cleared: clearing is an explicit `clear_*` call, sent as Stripe's
//! empty string (see [`Clearable`]). [`Client::iter_configurations`] walks every page.
//!
//! ```no_run
//! use stripe_billing_portal::*;
//!
//! let client = Client::new("sk_test_...")?;
//! let configuration = client.create_configuration(
//!     &ConfigurationCreateParams::new(
//!         FeaturesParams::new()
//!             .invoice_history(InvoiceHistoryParams::new(true))
//!             .customer_update(
//!                 CustomerUpdateParams::new(true)
//!                     .allowed_updates([CustomerUpdateField::Email, CustomerUpdateField::Address]),
//!             )
//!             .subscription_pause(
//!                 SubscriptionPauseParams::new(true).duration(PauseDurationParams::indefinite()),
//!             ),
//!     )
//!     .name("Self-serve"),
//! )?;
//!
//! client.update_configuration(
//!     &configuration.id,
//!     &ConfigurationUpdateParams::new()
//!         .clear_name()
//!         .remove_metadata("legacy")
//!         .business_profile(BusinessProfileParams::new().clear_privacy_policy_url()),
//! )?;
//!
//! for configuration in client.iter_configurations(&ConfigurationListParams::new().active(true)) {
//!     let configuration = configuration?;
//!     println!("{} default={}", configuration.id, configuration.is_default);
//! }
//! # Ok::<(), stripe_billing_portal::Error>(())
//! ```
//!
//! # Errors
//!
//! Every call returns [`Error`]: [`Error::kind`] tells a refused input, Stripe's own error
//! ([`Error::api_error`], with type, code, param and message), a connection failure, a timeout
//! and an answer that is not Stripe's apart. [`Error::status`] and [`Error::request_id`] say
//! which exchange failed. The secret key never appears in an error, nor in any `Debug` output.
//!
//! # Retries, idempotency and timeouts
//!
//! Every POST carries an `Idempotency-Key`, yours ([`RequestOptions::idempotency_key`]) or a
//! generated UUID v4, and every retry of that request sends the same key, so a retry after a
//! lost answer never acts twice. A request is retried up to
//! [`ClientBuilder::max_network_retries`] times (default 2) when the connection fails or times
//! out, or on HTTP 409 and 5xx; a `Stripe-Should-Retry: true` or `false` from Stripe
//! overrides that.
//! Between attempts the client waits `min(0.5 s * 2^(n-1), 5 s)` scaled by a random 50-100 %,
//! but never less than 0.5 s. A pooled connection that a load balancer dropped while idle is
//! retried at once, once, even with no retries left. One attempt, from the host lookup to the
//! last byte of the answer, may take up to [`ClientBuilder::timeout`] (80 s), the lookup and
//! then connecting up to [`ClientBuilder::connect_timeout`] (30 s); both can be set per
//! request in [`RequestOptions`]. Each call's `_with` form (which takes the
//! [`RequestOptions`]) returns a [`Response`]: the answer with its request id, status,
//! attempts and idempotency key.
//!
//! # Networks
//!
//! - **Lookups**: a host's addresses are kept for 30 s, so a call on a pooled connection makes
//!   no lookup; an expired entry serves while one lookup refreshes it in the background, and a
//!   failing or hanging resolver leaves calls on the last addresses known.
//! - **TLS**: the Mozilla roots built into the crate, or exactly those of a PEM bundle
//!   ([`ClientBuilder::root_certificates`]: a private CA, a TLS-inspecting proxy), or the
//!   operating system's (feature `platform-verifier`). A certificate failure is
//!   [`ErrorKind::Tls`], never retried.
//! - **Proxies**: [`ClientBuilder::proxy`] (HTTP `CONNECT`, HTTPS, SOCKS4/5), or else
//!   `HTTPS_PROXY` / `ALL_PROXY` / `NO_PROXY` read as curl reads them;
//!   [`ClientBuilder::no_proxy`] ignores them. A proxy URL that cannot be used is an error from
//!   [`ClientBuilder::build`], never bypassed.
//!
//! The README's "Networks" has the details, and the ureq version policy that the lookup cache
//! brings (`ureq >=3.5.0, <3.6`).
//!
//! # Connect
//!
//! [`RequestOptions::stripe_account`] sends the request for a connected account.
//!
//! # Form encoding
//!
//! [`form::to_string`] is the encoder every request uses: nested values in Stripe's bracket
//! notation, arrays indexed, `None` left out.
//!
//! # Features
//!
//! - `mock` (default): `mock::MockServer`, a Stripe-compatible local server for offline
//!   tests. It is on by default so that the crate's examples and tests run as they are, from
//!   the repository and from the published package. It adds no dependency; what it costs is
//!   compiling it (about 1.5 s for the crate in release) and about 6 KB of a program that never
//!   starts it. `default-features = false` leaves it out.
//! - `cli`: the `stripe-portal` command-line tool
//!   (`cargo install stripe-billing-portal --features cli`). No dependency of its own.
#![cfg_attr(
    feature = "mock",
    doc = r#"
# Testing without the network

The `mock` feature (on by default) adds [`mock::MockServer`], a Stripe-compatible Billing
Portal server on `127.0.0.1` that needs nothing installed: it validates params as Stripe does
(unknown params, enums, types, lengths, the pairing of flows and their data), answers with
Stripe's objects and errors, keeps configurations, replays idempotent requests, and can fail
on purpose. To compile it for your tests only:

```toml
[dependencies]
stripe-billing-portal = { version = "0.1", default-features = false }

[dev-dependencies]
stripe-billing-portal = { version = "0.1", features = ["mock"] }
```

```
use stripe_billing_portal::mock::MockServer;
use stripe_billing_portal::{AfterCompletion, Client, FlowData, FlowType, SessionCreateParams};

let server = MockServer::start()?;
let client = Client::builder("sk_test_123").base_url(server.url()).build()?;

let session = client.create_session(
    &SessionCreateParams::for_customer("cus_123").flow_data(
        FlowData::subscription_cancel("sub_123")
            .after_completion(AfterCompletion::redirect("https://example.com/done")),
    ),
)?;
assert_eq!(session.flow.unwrap().kind, FlowType::SubscriptionCancel);

// What went over the wire.
let pairs = &server.requests()[0].pairs;
assert!(pairs.contains(&("flow_data[subscription_cancel][subscription]".into(), "sub_123".into())));
# Ok::<(), stripe_billing_portal::Error>(())
```

Mistakes get Stripe's answer, naming the param:

```
# use stripe_billing_portal::mock::MockServer;
# use stripe_billing_portal::*;
# let server = MockServer::start()?;
# let client = Client::builder("sk_test_123").base_url(server.url()).build()?;
let message = "€".repeat(501); // the limit is 500 characters
let params = SessionCreateParams::for_customer("cus_123").flow_data(
    FlowData::payment_method_update()
        .after_completion(AfterCompletion::hosted_confirmation_with_message(message)),
);
let error = client.create_session(&params).unwrap_err();
assert_eq!(error.status(), Some(400));
assert_eq!(
    error.api_error().unwrap().param.as_deref(),
    Some("flow_data[after_completion][hosted_confirmation][custom_message]"),
);
# Ok::<(), stripe_billing_portal::Error>(())
```

And your retry handling can meet the failures a network produces:

```
# use std::time::Duration;
# use stripe_billing_portal::mock::MockServer;
# use stripe_billing_portal::*;
let server = MockServer::start()?;
server.fail_next(2, 503);
let client = Client::builder("sk_test_123")
    .base_url(server.url())
    .initial_retry_delay(Duration::from_millis(10))
    .build()?;
let response = client.create_session_with(
    &SessionCreateParams::for_customer("cus_123"),
    &RequestOptions::new(),
)?;
assert_eq!(response.attempts, 3);
# Ok::<(), stripe_billing_portal::Error>(())
```

The same server runs standalone for clients in any language:
`cargo run --example mock_server -- --port 12111`.
"#
)]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[macro_use]
mod macros;

mod clearable;
mod client;
mod configuration;
mod connect;
mod decode;
mod error;
mod expandable;
pub mod form;
mod list;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
mod proxy;
mod session;
mod transport;

pub use clearable::Clearable;
pub use client::{Client, ClientBuilder, RequestOptions, Response, API_VERSION, DEFAULT_BASE_URL};
pub use configuration::*;
pub use error::{ApiError, ApiErrorType, Error, ErrorClass, ErrorKind};
pub use expandable::{Expandable, HasId};
pub use list::{List, ListIter};
pub use session::*;
pub use transport::{Attempt, MAX_RESPONSE_BYTES};

// The README's examples compile as doctests, so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
