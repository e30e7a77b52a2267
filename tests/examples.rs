//! The examples as a user runs them: `cargo test` builds them next to this test, and these
//! tests run the binaries, offline, against the crate's local server.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

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
    let mut command = Command::new(path);
    command
        .env_remove("STRIPE_SECRET_KEY")
        .env_remove("STRIPE_BASE_URL");
    command
}

fn run(command: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
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
fn portal_prints_help_and_a_session_url() {
    let (code, stdout, _) = run(example("portal").arg("--help"));
    assert_eq!(code, 0);
    assert!(stdout.contains("USAGE"), "{stdout}");

    let (code, stdout, stderr) = run(example("portal").args([
        "--mock",
        "--customer",
        "cus_1",
        "--flow",
        "subscription-cancel",
        "--subscription",
        "sub_1",
        "--after-completion",
        "redirect:https://example.com/bye",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.trim().starts_with("https://"), "{stdout}");
}

#[test]
fn portal_reads_params_from_a_json_file_and_prints_the_session() {
    let path = std::env::temp_dir().join(format!("portal-params-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"customer": "cus_9", "flow_data": {"type": "subscription_pause", "subscription_pause": {"subscription": "sub_9"}}}"#,
    )
    .unwrap();
    let (code, stdout, stderr) = run(example("portal")
        .args(["--mock", "--json", "--params"])
        .arg(&path));
    std::fs::remove_file(&path).ok();
    assert_eq!(code, 0, "{stderr}");
    let session: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(session["customer"], "cus_9");
    assert_eq!(session["flow"]["type"], "subscription_pause");
    assert_eq!(
        session["flow"]["subscription_pause"]["subscription"],
        "sub_9"
    );
}

#[test]
fn portal_lists_configurations() {
    let (code, stdout, stderr) = run(example("portal").args(["--mock", "list-configurations"]));
    assert_eq!(code, 0, "{stderr}");
    let line = stdout.lines().next().unwrap_or_default();
    assert!(
        line.starts_with("bpc_") && line.contains("default"),
        "{stdout}"
    );
}

#[test]
fn portal_fails_with_a_usage_error_and_exit_status_2() {
    let (code, _, stderr) =
        run(example("portal").args(["--mock", "--flow", "subscription-cancel"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("--subscription"), "{stderr}");
    let (code, _, stderr) = run(example("portal").args(["--customer", "cus_1"]));
    assert_eq!(code, 2, "no key and no --mock");
    assert!(stderr.contains("STRIPE_SECRET_KEY"), "{stderr}");
    let (code, _, stderr) = run(example("portal").arg("--no-such-flag"));
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn portal_exits_1_when_the_request_fails() {
    let (code, _, stderr) = run(example("portal")
        .env("STRIPE_SECRET_KEY", "sk_test_1")
        .args(["--base-url", "http://127.0.0.1:9", "--customer", "cus_1"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.starts_with("error:"), "{stderr}");
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
