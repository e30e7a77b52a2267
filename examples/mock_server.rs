//! The crate's Stripe-compatible Billing Portal server, standalone, for testing a Stripe
//! client in any language, as people use stripe-mock.
//!
//! ```text
//! cargo run --example mock_server -- [--port N] [--quiet] [--max-configurations N] [--request-log N]
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
    cargo run --example mock_server -- [--port N] [--quiet] [--max-configurations N] [--request-log N]

OPTIONS:
    --port N     listen on 127.0.0.1:N (default: a free port)
    --quiet      do not log requests
    --max-configurations N   keep up to N configurations (default 10000)
    --request-log N          keep the N most recent requests (default 1000)
    -h, --help   print this help

The first line on stdout is the base URL. Point a Stripe client at it with a test key
(sk_test_...), as Bearer or Basic auth. Requests are logged on stderr. Ctrl-C stops it.";

fn main() -> ExitCode {
    let mut builder = MockServer::builder();
    let mut quiet = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (arg.clone(), None),
        };
        match name.as_str() {
            "-h" | "--help" => {
                println!("{HELP}");
                return ExitCode::SUCCESS;
            }
            "--quiet" => {
                quiet = true;
                continue;
            }
            "--port" | "--max-configurations" | "--request-log" => {}
            other => {
                eprintln!("error: unknown argument {other:?}\n\n{HELP}");
                return ExitCode::from(2);
            }
        }
        let value = inline.or_else(|| args.next()).unwrap_or_default();
        builder = match (name.as_str(), value.parse::<usize>()) {
            ("--port", Ok(n)) if n <= usize::from(u16::MAX) => builder.port(n as u16),
            ("--max-configurations", Ok(n)) => builder.max_configurations(n),
            ("--request-log", Ok(n)) => builder.request_log_capacity(n),
            ("--port", _) => {
                eprintln!("error: --port needs a port number from 0 to 65535");
                return ExitCode::from(2);
            }
            (name, _) => {
                eprintln!("error: {name} needs a number");
                return ExitCode::from(2);
            }
        };
    }

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
