//! Create a customer portal session with a deep link into the cancellation flow.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! With `STRIPE_SECRET_KEY` unset, it runs offline against the crate's local server
//! ([`MockServer`]) and shows the form pairs that went over the wire. With the key set
//! (a test key, `sk_test_...`), it calls Stripe for real, for the customer in
//! `STRIPE_CUSTOMER` and, when `STRIPE_SUBSCRIPTION` is set, a cancellation flow for that
//! subscription. A failure is printed as a sentence (`Display`) and exits with status 1.

use std::process::ExitCode;

use stripe_billing_portal::mock::MockServer;
use stripe_billing_portal::{AfterCompletion, Client, FlowData, SessionCreateParams};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("STRIPE_SECRET_KEY")
        .ok()
        .filter(|k| !k.is_empty());
    let (client, server, customer, subscription) = match key {
        Some(key) => {
            let customer = std::env::var("STRIPE_CUSTOMER").map_err(|_| {
                "with STRIPE_SECRET_KEY set, set STRIPE_CUSTOMER to a cus_... id too"
            })?;
            let subscription = std::env::var("STRIPE_SUBSCRIPTION").ok();
            println!("Calling Stripe (STRIPE_SECRET_KEY is set).");
            (Client::new(key)?, None, customer, subscription)
        }
        None => {
            let server = MockServer::start()?;
            println!(
                "STRIPE_SECRET_KEY is not set: using the local mock server at {}.",
                server.url()
            );
            let client = Client::builder("sk_test_quickstart")
                .base_url(server.url())
                .build()?;
            (
                client,
                Some(server),
                "cus_123".to_owned(),
                Some("sub_123".to_owned()),
            )
        }
    };

    let mut params =
        SessionCreateParams::for_customer(customer).return_url("https://example.com/account");
    if let Some(subscription) = subscription {
        params = params.flow_data(
            FlowData::subscription_cancel(subscription)
                .after_completion(AfterCompletion::redirect("https://example.com/cancelled")),
        );
    }
    let session = client.create_session(&params)?;
    println!("Session {}", session.id);
    println!("Portal URL: {}", session.url);

    if let Some(server) = server {
        println!("\nForm pairs that went over the wire:");
        for request in server.requests() {
            println!("  {} {}", request.method, request.path);
            for (key, value) in &request.pairs {
                println!("    {key} = {value}");
            }
        }
    }
    Ok(())
}
