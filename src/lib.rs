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
//! A flow is a [`Flow`] enum with data: the `flow_data[type]` on the wire comes from the
//! variant, so a type and its data can never disagree, and there is no default flow.
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
//!     FlowData::new(
//!         SubscriptionUpdateConfirmFlow::new("sub_123", ConfirmItem::new("si_123").price("price_pro").quantity(2))
//!             .discount(ConfirmDiscount::promotion_code("promo_123")),
//!     )
//!     .after_completion(AfterCompletion::hosted_confirmation_with_message("All set!")),
//! ];
//! # assert_eq!(flows.len(), 7);
//! ```
//!
//! # Errors
//!
//! Every call returns [`Error`]: [`Error::kind`] tells a refused input, Stripe's own error
//! ([`Error::api_error`], with type, code, param and message), a connection failure, a timeout
//! and an answer that is not Stripe's apart. [`Error::status`] and [`Error::request_id`] say
//! which exchange failed. The secret key never appears in an error, nor in any `Debug` output.
//!
//! # Retries and idempotency
//!
//! Every POST carries an `Idempotency-Key`, yours ([`RequestOptions::idempotency_key`]) or a
//! generated UUID v4, and every retry of that request sends the same key, so a retry after a
//! lost answer never acts twice. A request is retried up to
//! [`ClientBuilder::max_network_retries`] times (default 2) when the connection fails or times
//! out, or on HTTP 409 and 5xx; a `Stripe-Should-Retry` header from Stripe overrides that.
//! Between attempts the client waits `min(0.5 s * 2^(n-1), 5 s)` scaled by a random 50-100 %,
//! but never less than 0.5 s.
//!
//! # Connect
//!
//! [`RequestOptions::stripe_account`] sends the request for a connected account.
//!
//! # Form encoding
//!
//! [`form::to_string`] is the encoder every request uses: nested values in Stripe's bracket
//! notation, arrays indexed, `None` left out.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[macro_use]
mod macros;

mod client;
mod configuration;
mod error;
mod expandable;
pub mod form;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
mod session;
mod transport;

pub use client::{Client, ClientBuilder, RequestOptions, Response, API_VERSION, DEFAULT_BASE_URL};
pub use configuration::*;
pub use error::{ApiError, ApiErrorType, Error, ErrorKind};
pub use expandable::{Expandable, HasId};
pub use session::*;
pub use transport::MAX_RESPONSE_BYTES;
