//! Creates a portal session and prints its URL: the smallest useful program with this crate.
//!
//! ```sh
//! STRIPE_SECRET_KEY=sk_test_... cargo run --example create_session -- cus_123
//! ```
//!
//! `STRIPE_BASE_URL` sends the request elsewhere, such as a local Stripe-compatible server
//! (`http://127.0.0.1:12111`). The customer is the first argument, or `STRIPE_CUSTOMER`.

use stripe_billing_portal::{Client, SessionCreateParams};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("STRIPE_SECRET_KEY").map_err(|_| "set STRIPE_SECRET_KEY")?;
    let mut builder = Client::builder(key);
    if let Ok(base_url) = std::env::var("STRIPE_BASE_URL") {
        builder = builder.base_url(&base_url);
    }
    let client = builder.build()?;
    let customer = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("STRIPE_CUSTOMER").ok())
        .ok_or("pass a customer id (cus_...) as the first argument or in STRIPE_CUSTOMER")?;
    let session = client.create_session(
        &SessionCreateParams::for_customer(customer).return_url("https://example.com/account"),
    )?;
    println!("{}", session.url);
    Ok(())
}
