//! The examples as a user runs them: `cargo test` builds them next to this test, and these
//! tests run the binaries, offline, against the crate's local server.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::{run, user_command};
use stripe_billing_portal::{Client, SessionCreateParams};

/// `target/<profile>/examples/<name>`, beside this test's own `deps` directory.
fn example(name: &str) -> Command {
    let mut path: PathBuf = std::env::current_exe().unwrap();
    path.pop();
    if path.ends_with("deps") {
        path.pop();
    }
    path.push("examples");
    path.push(name);
    assert!(path.exists(), "{} is not built", path.display());
    user_command(path)
}

#[test]
fn quickstart_runs_offline_and_shows_the_url_and_the_pairs() {
    let (code, stdout, stderr) = run(&mut example("quickstart"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("Portal URL: https://"), "{stdout}");
    assert!(
        stdout.contains("flow_data[subscription_cancel][subscription] = sub_123"),
        "{stdout}"
    );
}

#[test]
fn mock_server_prints_its_url_first_and_serves_a_client() {
    let mut child = example("mock_server")
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first.trim().to_owned();
    let outcome = std::panic::catch_unwind(|| {
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let client = Client::builder("sk_test_1").base_url(&url).build().unwrap();
        client
            .create_session(&SessionCreateParams::for_customer("cus_1"))
            .unwrap()
    });
    child.kill().ok();
    child.wait().ok();
    let session = outcome.unwrap();
    assert!(session.id.starts_with("bps_"));
}

#[test]
fn quickstart_prints_a_failure_as_a_sentence_and_exits_1() {
    // Both fail before anything is sent: no STRIPE_CUSTOMER, then a publishable key.
    let (code, _, stderr) = run(example("quickstart").env("STRIPE_SECRET_KEY", "sk_test_1"));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr,
        "error: with STRIPE_SECRET_KEY set, set STRIPE_CUSTOMER to a cus_... id too\n"
    );
    let (code, _, stderr) = run(example("quickstart")
        .env("STRIPE_SECRET_KEY", "pk_test_1")
        .env("STRIPE_CUSTOMER", "cus_1"));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("publishable key"), "{stderr}");
    // Debug would show the struct (`Error { kind: InvalidInput, .. }`) or a quoted string.
    assert!(
        !stderr.contains("kind") && !stderr.contains('"'),
        "{stderr}"
    );
}
