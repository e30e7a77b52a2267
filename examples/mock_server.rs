//! The crate's Stripe-compatible Billing Portal server, standalone, for testing a Stripe
//! client in any language, as people use stripe-mock.
//!
//! ```text
//! cargo run --example mock_server -- [--port N] [--quiet]
//! ```
//!
//! The first line on stdout is the base URL (`http://127.0.0.1:12111`); every request is then
//! logged on stderr as it arrives (nothing is copied on a timer, and the server keeps only
//! its bounded request log). Ctrl-C stops it.

use std::io::Write;
use std::process::ExitCode;

use stripe_billing_portal::mock::MockServer;

const HELP: &str = "\
mock_server: a local Stripe-compatible server for the Billing Portal API (test mode only)

USAGE:
    cargo run --example mock_server -- [--port N] [--quiet]

OPTIONS:
    --port N     listen on 127.0.0.1:N (default: a free port)
    --quiet      do not log requests
    -h, --help   print this help

The first line on stdout is the base URL. Point a Stripe client at it with a test key
(sk_test_...), as Bearer or Basic auth. Requests are logged on stderr. Ctrl-C stops it.";

fn main() -> ExitCode {
    let mut port = 0u16;
    let mut quiet = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => {
                println!("{HELP}");
                return ExitCode::SUCCESS;
            }
            "--quiet" => {
                quiet = true;
                continue;
            }
            "--port" => args.next(),
            other => match other.strip_prefix("--port=") {
                Some(value) => Some(value.to_owned()),
                None => {
                    eprintln!("error: unknown argument {other:?}\n\n{HELP}");
                    return ExitCode::from(2);
                }
            },
        };
        match value.as_deref().map(str::parse) {
            Some(Ok(n)) => port = n,
            _ => {
                eprintln!("error: --port needs a port number from 0 to 65535");
                return ExitCode::from(2);
            }
        }
    }

    let mut builder = MockServer::builder().port(port);
    if !quiet {
        builder = builder.on_request(|request| match &request.query {
            Some(query) => eprintln!("{} {}?{query}", request.method, request.path),
            None => eprintln!("{} {}", request.method, request.path),
        });
    }
    let server = match builder.start() {
        Ok(server) => server,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", server.url());
    let _ = std::io::stdout().flush();
    eprintln!("Stripe Billing Portal mock (test mode) listening; Ctrl-C stops it.");

    // Ctrl-C's default action ends the process, which is all the shutdown needed.
    loop {
        std::thread::park();
    }
}
