//! The crate's Stripe-compatible Billing Portal server, standalone, for testing a Stripe
//! client in any language, as people use stripe-mock.
//!
//! ```text
//! cargo run --example mock_server -- [--port N]
//! ```
//!
//! The first line on stdout is the base URL (`http://127.0.0.1:12111`); every request is then
//! logged on stderr. Ctrl-C stops it.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use stripe_billing_portal::mock::MockServer;

const HELP: &str = "\
mock_server: a local Stripe-compatible server for the Billing Portal API (test mode only)

USAGE:
    cargo run --example mock_server -- [--port N]

OPTIONS:
    --port N     listen on 127.0.0.1:N (default: a free port)
    -h, --help   print this help

The first line on stdout is the base URL. Point a Stripe client at it with a test key
(sk_test_...), as Bearer or Basic auth. Requests are logged on stderr. Ctrl-C stops it.";

fn main() -> ExitCode {
    let mut port = 0u16;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => {
                println!("{HELP}");
                return ExitCode::SUCCESS;
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

    let server = match MockServer::start_on_port(port) {
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
    let mut logged = 0;
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let requests = server.requests();
        for request in &requests[logged..] {
            match &request.query {
                Some(query) => eprintln!("{} {}?{query}", request.method, request.path),
                None => eprintln!("{} {}", request.method, request.path),
            }
        }
        logged = requests.len();
    }
}
