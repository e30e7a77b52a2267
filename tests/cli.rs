//! `stripe-portal` as a user runs it: the binary Cargo builds for this test (feature `cli`),
//! offline, against the crate's local server or a listener that must never be reached.

mod common;

use std::process::Command;

use common::{pairs, refused_url, run, session_json, user_command, Reply, TestServer};
use stripe_billing_portal::mock::MockServer;
use stripe_billing_portal::{
    Client, ConfigurationCreateParams, FeaturesParams, InvoiceHistoryParams,
};

fn portal() -> Command {
    user_command(env!("CARGO_BIN_EXE_stripe-portal"))
}

/// Runs the command line `args` (split at spaces) with a key and the base URL of a server
/// that answers at once, so that a request sent by mistake fails the test quickly: a usage
/// error must exit 2 before any round trip.
fn refused_before_sending(args: &str) -> String {
    let server = TestServer::always(Reply::json(200, session_json(serde_json::Value::Null)));
    let (code, stdout, stderr) = run(portal()
        .env("STRIPE_SECRET_KEY", "sk_test_1")
        .args(["--base-url", server.url()])
        .args(args.split(' ')));
    assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(server.requests().is_empty(), "{args:?} sent a request");
    stderr
}

#[test]
fn help_shows_how_to_install_and_run_it() {
    let (code, stdout, _) = run(portal().arg("--help"));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("cargo install stripe-billing-portal --features cli"),
        "{stdout}"
    );
    assert!(
        stdout.contains("stripe-portal --mock --customer cus_123"),
        "{stdout}"
    );
    assert!(stdout.contains("EXIT STATUS"), "{stdout}");
}

#[test]
fn creates_a_session_with_a_flow_and_prints_its_url() {
    let (code, stdout, stderr) = run(portal().args([
        "--mock",
        "--customer",
        "cus_1",
        "--flow",
        "subscription-cancel",
        "--subscription",
        "sub_1",
        "--retention-coupon",
        "STAY",
        "--after-completion",
        "redirect:https://example.com/bye",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.trim().starts_with("https://"), "{stdout}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn sends_every_flag_of_a_confirm_flow() {
    let server = MockServer::start().unwrap();
    let (code, stdout, stderr) = run(portal()
        .env("STRIPE_SECRET_KEY", "sk_test_1")
        .args(["--base-url", server.url(), "--json", "--customer=cus_1"])
        .args([
            "--flow",
            "subscription_update_confirm",
            "--subscription",
            "sub_1",
        ])
        .args(["--item", "si_1", "--price", "price_1", "--quantity", "3"])
        .args(["--coupon", "C1", "--idempotency-key", "key-1"]));
    assert_eq!(code, 0, "{stderr}");
    let session: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(session["flow"]["type"], "subscription_update_confirm");
    let request = &server.requests()[0];
    assert_eq!(request.header("idempotency-key"), Some("key-1"));
    let pair = |key: &str| {
        request
            .pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let confirm = "flow_data[subscription_update_confirm]";
    assert_eq!(pair(&format!("{confirm}[items][0][id]")), Some("si_1"));
    assert_eq!(
        pair(&format!("{confirm}[items][0][price]")),
        Some("price_1")
    );
    assert_eq!(pair(&format!("{confirm}[items][0][quantity]")), Some("3"));
    assert_eq!(
        pair(&format!("{confirm}[discounts][0][coupon]")),
        Some("C1")
    );
}

#[test]
fn sends_every_session_flag_as_its_param() {
    let server = TestServer::always(Reply::json(200, session_json(serde_json::Value::Null)));
    let (code, stdout, stderr) = run(portal()
        .env("STRIPE_SECRET_KEY", "sk_test_1")
        .args(["--base-url", server.url()])
        .args(["--customer", "cus_1", "--customer-account", "acct_c"])
        .args(["--return-url", "https://example.com/back"])
        .args(["--configuration", "bpc_1", "--locale", "pt-BR"])
        .args(["--on-behalf-of", "acct_1"])
        .args(["--expand", "configuration", "--expand", "flow"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "https://billing.stripe.com/p/session/test_123\n");
    assert_eq!(
        server.single().pairs(),
        pairs(&[
            ("customer", "cus_1"),
            ("customer_account", "acct_c"),
            ("configuration", "bpc_1"),
            ("locale", "pt-BR"),
            ("on_behalf_of", "acct_1"),
            ("return_url", "https://example.com/back"),
            ("expand[0]", "configuration"),
            ("expand[1]", "flow"),
        ])
    );
}

#[test]
fn after_completion_takes_each_kind_with_its_detail_as_written() {
    let after = "flow_data[after_completion]";
    for (given, expected) in [
        ("portal_homepage", vec![("[type]", "portal_homepage")]),
        (
            "hosted-confirmation",
            vec![("[type]", "hosted_confirmation")],
        ),
        (
            "hosted_confirmation:All set: see_you",
            vec![
                ("[type]", "hosted_confirmation"),
                ("[hosted_confirmation][custom_message]", "All set: see_you"),
            ],
        ),
        (
            "redirect:https://example.com/a_b?c=d",
            vec![
                ("[type]", "redirect"),
                ("[redirect][return_url]", "https://example.com/a_b?c=d"),
            ],
        ),
    ] {
        let server = TestServer::always(Reply::json(200, session_json(serde_json::Value::Null)));
        let (code, _, stderr) = run(portal()
            .env("STRIPE_SECRET_KEY", "sk_test_1")
            .args(["--base-url", server.url(), "--customer", "cus_1"])
            .args(["--flow", "customer-update", "--after-completion", given]));
        assert_eq!(code, 0, "{given}: {stderr}");
        let sent: Vec<(String, String)> = server
            .single()
            .pairs()
            .into_iter()
            .filter(|(key, _)| key.starts_with(after))
            .collect();
        let expected: Vec<(String, String)> = expected
            .into_iter()
            .map(|(key, value)| (format!("{after}{key}"), value.to_owned()))
            .collect();
        assert_eq!(sent, expected, "{given}");
    }
}

#[test]
fn reads_params_from_a_json_file_and_prints_the_session() {
    let path = std::env::temp_dir().join(format!("portal-params-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"customer": "cus_9", "flow_data": {"type": "subscription_pause", "subscription_pause": {"subscription": "sub_9"}}}"#,
    )
    .unwrap();
    let (code, stdout, stderr) = run(portal().args(["--mock", "--json", "--params"]).arg(&path));
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
fn a_params_file_over_1_mib_is_refused_before_sending() {
    let path = std::env::temp_dir().join(format!("portal-big-{}.json", std::process::id()));
    // Valid params, but padded past the limit, as /dev/zero or a wrong file would be.
    let mut text = r#"{"customer": "cus_9"}"#.to_owned();
    text.push_str(&" ".repeat(1 << 20));
    std::fs::write(&path, &text).unwrap();
    let stderr = refused_before_sending(&format!("--params {}", path.display()));
    std::fs::remove_file(&path).ok();
    assert!(stderr.contains("larger than 1 MiB"), "{stderr}");
}

#[test]
fn flags_that_do_not_apply_to_the_flow_are_refused_before_sending() {
    let stderr = refused_before_sending(
        "--customer cus_1 --flow payment-method-update --subscription sub_1 --quantity 3",
    );
    assert!(
        stderr.contains("--subscription does not apply to --flow payment-method-update"),
        "{stderr}"
    );
    let stderr = refused_before_sending(
        "--customer cus_1 --flow subscription-cancel --subscription sub_1 --quantity 3",
    );
    assert!(
        stderr.contains("--quantity does not apply to --flow subscription-cancel; it applies to subscription-update-confirm"),
        "{stderr}"
    );
    let stderr = refused_before_sending("--customer cus_1 --item si_1");
    assert!(stderr.contains("--item needs --flow"), "{stderr}");
}

#[test]
fn flags_of_the_other_command_are_refused_before_sending() {
    let stderr = refused_before_sending("--customer cus_1 --limit 3");
    assert!(
        stderr.contains("--limit applies to list-configurations"),
        "{stderr}"
    );
    let stderr = refused_before_sending("list-configurations --customer cus_1");
    assert!(
        stderr.contains("--customer applies to create-session"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_flow_lists_the_valid_ones() {
    let stderr = refused_before_sending("--customer cus_1 --flow cancel");
    assert!(
        stderr.contains(
            "unknown flow \"cancel\": the flows are payment-method-update, customer-update, \
             subscription-cancel, subscription-pause, subscription-update, subscription-update-confirm"
        ),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2_before_any_round_trip() {
    for (args, says) in [
        (
            "list-configurations --limit 0",
            "--limit takes 1 to 100, not 0",
        ),
        ("list-configurations --limit 101", "--limit takes 1 to 100"),
        (
            "list-configurations --limit x",
            "--limit takes a whole number",
        ),
        ("--customer cus_1 --json=yes", "--json takes no value"),
        ("--mock=1 --customer cus_1", "--mock takes no value"),
        (
            "--flow subscription-cancel --customer cus_1",
            "needs --subscription",
        ),
        ("--customer", "--customer needs a value"),
        ("--no-such-flag", "unknown option \"--no-such-flag\""),
        ("delete-everything", "unknown command \"delete-everything\""),
        ("--flow customer-update", "a session needs --customer"),
        (
            "--customer cus_1 --flow customer-update --after-completion home",
            "--after-completion takes",
        ),
    ] {
        let stderr = refused_before_sending(args);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    // No key and no --mock: told what to set.
    let (code, _, stderr) = run(portal().args(["--customer", "cus_1"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("STRIPE_SECRET_KEY"), "{stderr}");
}

#[test]
fn list_configurations_says_when_there_are_more_and_all_walks_every_page() {
    let server = MockServer::start().unwrap();
    let client = Client::builder("sk_test_1")
        .base_url(server.url())
        .build()
        .unwrap();
    for _ in 0..4 {
        client
            .create_configuration(&ConfigurationCreateParams::new(
                FeaturesParams::new().invoice_history(InvoiceHistoryParams::new(true)),
            ))
            .unwrap();
    }
    let total = client.iter_configurations(&Default::default()).count();
    assert!(total >= 5, "{total}");
    let list = |args: &[&str]| {
        run(portal()
            .env("STRIPE_SECRET_KEY", "sk_test_1")
            .env("STRIPE_BASE_URL", server.url())
            .arg("list-configurations")
            .args(args))
    };

    let (code, stdout, stderr) = list(&["--limit", "2"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stdout.lines().all(|l| l.starts_with("bpc_")), "{stdout}");
    assert!(
        stderr.contains("there are more configurations than these 2: pass --all"),
        "{stderr}"
    );

    let before = server.requests().len();
    let (code, stdout, stderr) = list(&["--all", "--limit", "2"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), total, "{stdout}");
    assert_eq!(
        stdout.lines().filter(|l| l.contains("\tdefault\t")).count(),
        1,
        "{stdout}"
    );
    assert!(stderr.is_empty(), "{stderr}");
    let pages = server.requests().len() - before;
    assert_eq!(pages, total.div_ceil(2), "one request per page of 2");

    let (code, stdout, stderr) = list(&["--all", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let all: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(all.len(), total);

    let (code, stdout, stderr) = list(&[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), total, "{stdout}");
    assert!(
        stderr.is_empty(),
        "every configuration fits one page: {stderr}"
    );
}

#[test]
fn mock_says_it_wins_over_a_base_url_and_a_key() {
    let (code, stdout, stderr) = run(portal().env("STRIPE_SECRET_KEY", "sk_test_1").args([
        "--mock",
        "--base-url",
        "https://api.example.com",
        "--customer",
        "cus_1",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("https://"), "{stdout}");
    assert!(
        stderr.contains("--mock wins")
            && stderr.contains("--base-url and STRIPE_SECRET_KEY are ignored"),
        "{stderr}"
    );

    let (code, _, stderr) = run(portal()
        .env("STRIPE_BASE_URL", "https://api.example.com")
        .args(["--mock", "--customer", "cus_1"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("STRIPE_BASE_URL is ignored"), "{stderr}");
}

#[test]
fn exits_1_when_the_request_fails() {
    let (code, _, stderr) = run(portal().env("STRIPE_SECRET_KEY", "sk_test_1").args([
        "--base-url",
        &refused_url(),
        "--customer",
        "cus_1",
    ]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.starts_with("error:"), "{stderr}");
}
