//! Creating sessions: what goes over the wire for every param and flow, and how answers are
//! read. Everything runs against a real HTTP server on 127.0.0.1.

mod common;

use common::spec::{check_against_spec, spec_keys};
use common::{pairs, session_json, Reply, TestServer};
use serde_json::{json, Value};
use stripe_billing_portal::*;

fn ok_server() -> TestServer {
    TestServer::always(Reply::json(200, session_json(Value::Null)))
}

/// Sends `params` and returns the decoded form pairs that arrived.
fn sent_pairs(params: &SessionCreateParams) -> Vec<(String, String)> {
    let server = ok_server();
    server.client().create_session(params).expect("session");
    server.single().pairs()
}

#[test]
fn the_issue_example_sends_customer_return_url_and_a_cancel_flow_with_redirect() {
    let server = ok_server();
    let params = SessionCreateParams::for_customer("cus_123")
        .return_url("https://example.com/account")
        .flow_data(
            FlowData::subscription_cancel("sub_123")
                .after_completion(AfterCompletion::redirect("https://example.com/done")),
        );
    let session = server.client().create_session(&params).unwrap();
    assert_eq!(session.url, "https://billing.stripe.com/p/session/test_123");

    let request = server.single();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/billing_portal/sessions");
    assert_eq!(request.query, None);
    assert_eq!(
        request.pairs(),
        pairs(&[
            ("customer", "cus_123"),
            ("return_url", "https://example.com/account"),
            ("flow_data[type]", "subscription_cancel"),
            ("flow_data[subscription_cancel][subscription]", "sub_123"),
            ("flow_data[after_completion][type]", "redirect"),
            (
                "flow_data[after_completion][redirect][return_url]",
                "https://example.com/done"
            ),
        ])
    );
}

#[test]
fn every_request_carries_auth_version_content_type_user_agent_and_idempotency_key() {
    let server = ok_server();
    server
        .client()
        .create_session(&SessionCreateParams::for_customer("cus_1"))
        .unwrap();
    let request = server.single();
    assert_eq!(request.header("authorization"), Some("Bearer sk_test_123"));
    assert_eq!(request.header("stripe-version"), Some("2026-10-28.endive"));
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let user_agent = request.header("user-agent").unwrap();
    assert!(
        user_agent.starts_with(&format!(
            "stripe-billing-portal/{}",
            env!("CARGO_PKG_VERSION")
        )),
        "{user_agent}"
    );
    assert_eq!(request.header_count("user-agent"), 1);
    assert_eq!(request.header("stripe-account"), None);
    let key = request.header("idempotency-key").unwrap();
    assert_uuid_v4(key);
}

fn assert_uuid_v4(key: &str) {
    let groups: Vec<&str> = key.split('-').collect();
    assert_eq!(
        groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12],
        "{key}"
    );
    assert!(
        key.chars()
            .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
        "{key}"
    );
    assert!(groups[2].starts_with('4'), "version nibble: {key}");
    assert!(
        matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'),
        "variant: {key}"
    );
}

#[test]
fn request_options_set_idempotency_key_account_and_version() {
    let server = ok_server();
    let options = RequestOptions::new()
        .idempotency_key("my-key-1")
        .stripe_account("acct_123")
        .stripe_version("2025-01-01.test");
    server
        .client()
        .create_session_with(&SessionCreateParams::for_customer("cus_1"), &options)
        .unwrap();
    let request = server.single();
    assert_eq!(request.header("idempotency-key"), Some("my-key-1"));
    assert_eq!(request.header("stripe-account"), Some("acct_123"));
    assert_eq!(request.header("stripe-version"), Some("2025-01-01.test"));
}

#[test]
fn the_client_can_pin_another_stripe_version() {
    let server = ok_server();
    let client = server
        .client_builder()
        .stripe_version("2024-06-20")
        .build()
        .unwrap();
    client
        .create_session(&SessionCreateParams::for_customer("cus_1"))
        .unwrap();
    assert_eq!(server.single().header("stripe-version"), Some("2024-06-20"));
}

#[test]
fn each_top_level_param_is_sent_as_a_plain_pair() {
    let params = SessionCreateParams::new()
        .customer_account("acct_cust_1")
        .configuration("bpc_123")
        .locale(Locale::PtBr)
        .on_behalf_of("acct_connected")
        .return_url("https://example.com/r?a=1&b=2")
        .expand("configuration")
        .expand("configuration.application");
    assert_eq!(
        sent_pairs(&params),
        pairs(&[
            ("customer_account", "acct_cust_1"),
            ("configuration", "bpc_123"),
            ("locale", "pt-BR"),
            ("on_behalf_of", "acct_connected"),
            ("return_url", "https://example.com/r?a=1&b=2"),
            ("expand[0]", "configuration"),
            ("expand[1]", "configuration.application"),
        ])
    );
}

#[test]
fn all_47_locales_are_listed_and_an_unlisted_one_can_be_sent() {
    let spec = common::spec::spec();
    let listed = spec["paths"]["/v1/billing_portal/sessions"]["post"]["requestBody"]["content"]
        ["application/x-www-form-urlencoded"]["schema"]["properties"]["locale"]["enum"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(listed.len(), 47);
    for value in listed {
        let value = value.as_str().unwrap();
        let locale = Locale::from(value);
        assert!(
            !matches!(locale, Locale::Unknown(_)),
            "{value} should be a listed variant"
        );
        assert_eq!(locale.as_str(), value);
    }
    let params = SessionCreateParams::for_customer("cus_1").locale("xx-YY");
    assert_eq!(
        sent_pairs(&params),
        pairs(&[("customer", "cus_1"), ("locale", "xx-YY")])
    );
}

#[test]
fn after_expiration_is_sent_with_and_without_a_deadline() {
    let params = SessionCreateParams::for_customer("cus_123")
        .flow_data(FlowData::subscription_pause("sub_123"))
        .after_expiration(AfterExpiration::customer_login_until(1_893_456_000));
    assert_eq!(
        sent_pairs(&params),
        pairs(&[
            ("customer", "cus_123"),
            ("after_expiration[type]", "customer_login"),
            ("after_expiration[customer_login][expires_at]", "1893456000"),
            ("flow_data[type]", "subscription_pause"),
            ("flow_data[subscription_pause][subscription]", "sub_123"),
        ])
    );
    let params = SessionCreateParams::for_customer("cus_123")
        .after_expiration(AfterExpiration::customer_login());
    assert_eq!(
        sent_pairs(&params),
        pairs(&[
            ("customer", "cus_123"),
            ("after_expiration[type]", "customer_login")
        ])
    );
}

#[test]
fn flows_without_data_send_only_their_type() {
    for (flow, name) in [
        (FlowData::payment_method_update(), "payment_method_update"),
        (FlowData::customer_update(), "customer_update"),
    ] {
        let params = SessionCreateParams::for_customer("cus_1").flow_data(flow);
        assert_eq!(
            sent_pairs(&params),
            pairs(&[("customer", "cus_1"), ("flow_data[type]", name)])
        );
    }
}

#[test]
fn subscription_flows_send_their_subscription_under_their_own_key() {
    for (flow, name) in [
        (
            FlowData::subscription_cancel("sub_9"),
            "subscription_cancel",
        ),
        (FlowData::subscription_pause("sub_9"), "subscription_pause"),
        (
            FlowData::subscription_update("sub_9"),
            "subscription_update",
        ),
    ] {
        let params = SessionCreateParams::for_customer("cus_1").flow_data(flow);
        assert_eq!(
            sent_pairs(&params),
            pairs(&[
                ("customer", "cus_1"),
                ("flow_data[type]", name),
                (&format!("flow_data[{name}][subscription]"), "sub_9"),
            ])
        );
    }
}

#[test]
fn a_cancel_flow_sends_its_retention_coupon_offer() {
    let params = SessionCreateParams::for_customer("cus_1").flow_data(
        FlowData::new(
            SubscriptionCancelFlow::new("sub_1").retention(Retention::coupon_offer("STAY20")),
        )
        .after_completion(AfterCompletion::portal_homepage()),
    );
    assert_eq!(
        sent_pairs(&params),
        pairs(&[
            ("customer", "cus_1"),
            ("flow_data[type]", "subscription_cancel"),
            ("flow_data[subscription_cancel][subscription]", "sub_1"),
            (
                "flow_data[subscription_cancel][retention][type]",
                "coupon_offer"
            ),
            (
                "flow_data[subscription_cancel][retention][coupon_offer][coupon]",
                "STAY20"
            ),
            ("flow_data[after_completion][type]", "portal_homepage"),
        ])
    );
}

#[test]
fn a_flow_struct_goes_in_as_it_is_or_through_its_own_after_completion() {
    let wrapped = SessionCreateParams::for_customer("cus_1").flow_data(
        FlowData::new(SubscriptionPauseFlow::new("sub_1"))
            .after_completion(AfterCompletion::hosted_confirmation()),
    );
    let direct = SessionCreateParams::for_customer("cus_1").flow_data(
        SubscriptionPauseFlow::new("sub_1")
            .after_completion(AfterCompletion::hosted_confirmation()),
    );
    let expected = pairs(&[
        ("customer", "cus_1"),
        ("flow_data[type]", "subscription_pause"),
        ("flow_data[subscription_pause][subscription]", "sub_1"),
        ("flow_data[after_completion][type]", "hosted_confirmation"),
    ]);
    assert_eq!(sent_pairs(&wrapped), expected);
    assert_eq!(sent_pairs(&direct), expected);

    // Without after_completion, the struct itself is the flow_data.
    let bare =
        SessionCreateParams::for_customer("cus_1").flow_data(SubscriptionUpdateFlow::new("sub_2"));
    assert_eq!(
        sent_pairs(&bare),
        pairs(&[
            ("customer", "cus_1"),
            ("flow_data[type]", "subscription_update"),
            ("flow_data[subscription_update][subscription]", "sub_2"),
        ])
    );
    let confirm: FlowData =
        SubscriptionUpdateConfirmFlow::new("sub_3", ConfirmItem::new("si_1")).into();
    assert_eq!(confirm.flow().type_str(), "subscription_update_confirm");
    let from_enum: FlowData = Flow::CustomerUpdate.into();
    assert_eq!(from_enum, FlowData::customer_update());
}

#[test]
fn an_update_confirm_flow_sends_indexed_items_and_discounts() {
    let flow = SubscriptionUpdateConfirmFlow::new(
        "sub_1",
        ConfirmItem::new("si_1").price("price_2").quantity(3),
    )
    .item(ConfirmItem::new("si_2"))
    .discount(ConfirmDiscount::coupon("C1"))
    .discount(ConfirmDiscount::promotion_code("promo_1"));
    let params =
        SessionCreateParams::for_customer("cus_1").flow_data(FlowData::new(flow).after_completion(
            AfterCompletion::hosted_confirmation_with_message("Done & dusted"),
        ));
    assert_eq!(
        sent_pairs(&params),
        pairs(&[
            ("customer", "cus_1"),
            ("flow_data[type]", "subscription_update_confirm"),
            (
                "flow_data[subscription_update_confirm][subscription]",
                "sub_1"
            ),
            (
                "flow_data[subscription_update_confirm][items][0][id]",
                "si_1"
            ),
            (
                "flow_data[subscription_update_confirm][items][0][price]",
                "price_2"
            ),
            (
                "flow_data[subscription_update_confirm][items][0][quantity]",
                "3"
            ),
            (
                "flow_data[subscription_update_confirm][items][1][id]",
                "si_2"
            ),
            (
                "flow_data[subscription_update_confirm][discounts][0][coupon]",
                "C1"
            ),
            (
                "flow_data[subscription_update_confirm][discounts][1][promotion_code]",
                "promo_1"
            ),
            ("flow_data[after_completion][type]", "hosted_confirmation"),
            (
                "flow_data[after_completion][hosted_confirmation][custom_message]",
                "Done & dusted"
            ),
        ])
    );
}

#[test]
fn a_hosted_confirmation_without_message_sends_only_its_type() {
    let params = SessionCreateParams::for_customer("cus_1").flow_data(
        FlowData::payment_method_update().after_completion(AfterCompletion::hosted_confirmation()),
    );
    assert_eq!(
        sent_pairs(&params),
        pairs(&[
            ("customer", "cus_1"),
            ("flow_data[type]", "payment_method_update"),
            ("flow_data[after_completion][type]", "hosted_confirmation"),
        ])
    );
}

#[test]
fn extra_params_nest_at_every_level_and_follow_the_typed_ones() {
    let params = SessionCreateParams::for_customer("cus_1")
        .extra_param(
            "preview_feature",
            json!({"enabled": true, "tags": ["a", "b"]}),
        )
        .extra_param("dropped", Value::Null)
        .flow_data(
            FlowData::new(
                SubscriptionUpdateConfirmFlow::new(
                    "sub_1",
                    ConfirmItem::new("si_1").extra_param("tax_rates", json!(["txr_1"])),
                )
                .extra_param("proration_date", 1_700_000_000),
            )
            .extra_param("new_flow_option", "x"),
        );
    assert_eq!(
        sent_pairs(&params),
        pairs(&[
            ("customer", "cus_1"),
            ("flow_data[type]", "subscription_update_confirm"),
            (
                "flow_data[subscription_update_confirm][subscription]",
                "sub_1"
            ),
            (
                "flow_data[subscription_update_confirm][items][0][id]",
                "si_1"
            ),
            (
                "flow_data[subscription_update_confirm][items][0][tax_rates][0]",
                "txr_1"
            ),
            (
                "flow_data[subscription_update_confirm][proration_date]",
                "1700000000"
            ),
            ("flow_data[new_flow_option]", "x"),
            ("preview_feature[enabled]", "true"),
            ("preview_feature[tags][0]", "a"),
            ("preview_feature[tags][1]", "b"),
        ])
    );
}

#[test]
fn extra_param_numbers_are_sent_as_numbers_whatever_serde_json_features_are_on() {
    // `.ci/run` also runs this file with serde_json's `arbitrary_precision`, under which a
    // number serializes as a struct that the encoder once nested as `[$serde_json::...]`.
    let params = SessionCreateParams::for_customer("cus_1")
        .extra_param(
            "numbers",
            json!({"int": 5, "big": u64::MAX, "neg": -7, "float": 1.25}),
        )
        .flow_data(FlowData::subscription_cancel("sub_1").extra_param("x", 5));
    assert_eq!(
        sent_pairs(&params),
        pairs(&[
            ("customer", "cus_1"),
            ("flow_data[type]", "subscription_cancel"),
            ("flow_data[subscription_cancel][subscription]", "sub_1"),
            ("flow_data[x]", "5"),
            ("numbers[big]", "18446744073709551615"),
            ("numbers[float]", "1.25"),
            ("numbers[int]", "5"),
            ("numbers[neg]", "-7"),
        ])
    );
}

#[test]
fn the_arbitrary_precision_run_of_ci_has_the_feature_on() {
    // `.ci/run` sets this for its run with `--features serde_json/arbitrary_precision`, so a
    // change to that command cannot quietly test the default build twice.
    if std::env::var_os("CI_SERDE_JSON_ARBITRARY_PRECISION").is_some() {
        let digits = "0.100000000000000000000000001";
        let number: Value = serde_json::from_str(digits).unwrap();
        assert_eq!(
            number.to_string(),
            digits,
            "serde_json read the number as an f64"
        );
    }
}

#[test]
fn a_null_in_an_extra_param_list_takes_no_index() {
    // Stripe refuses a list with a gap: "expand has no index 0".
    let params = SessionCreateParams::for_customer("cus_1")
        .extra_param("expand", json!([null, "configuration"]))
        .extra_param("tags", json!([null, "a", {}, "b"]));
    assert_eq!(
        sent_pairs(&params),
        pairs(&[
            ("customer", "cus_1"),
            ("expand[0]", "configuration"),
            ("tags[0]", "a"),
            ("tags[1]", "b"),
        ])
    );
}

#[test]
fn an_empty_string_is_sent_only_when_the_caller_sets_one() {
    let params = SessionCreateParams::for_customer("cus_1").return_url("");
    assert_eq!(
        sent_pairs(&params),
        pairs(&[("customer", "cus_1"), ("return_url", "")])
    );
}

// --- Params in the API's JSON shape ----------------------------------------------------------

#[test]
fn params_deserialize_from_stripe_json_and_encode_to_the_same_pairs_as_typed_ones() {
    let from_json: SessionCreateParams = serde_json::from_value(json!({
        "customer": "cus_1",
        "flow_data": {"type": "subscription_cancel", "subscription_cancel": {"subscription": "sub_1"}}
    }))
    .unwrap();
    let typed = SessionCreateParams::for_customer("cus_1")
        .flow_data(FlowData::subscription_cancel("sub_1"));
    assert_eq!(from_json, typed);
    assert_eq!(sent_pairs(&from_json), sent_pairs(&typed));
}

#[test]
fn a_flow_type_whose_data_is_missing_does_not_deserialize() {
    for flow in [
        "subscription_cancel",
        "subscription_pause",
        "subscription_update",
        "subscription_update_confirm",
    ] {
        let error =
            serde_json::from_value::<SessionCreateParams>(json!({"flow_data": {"type": flow}}))
                .unwrap_err();
        assert!(error.to_string().contains(flow), "{flow}: {error}");
    }
    let error = serde_json::from_value::<FlowData>(json!({"type": "subscription_update_confirm",
        "subscription_update_confirm": {"subscription": "sub_1"}}))
    .unwrap_err();
    assert!(error.to_string().contains("items"), "{error}");
}

#[test]
fn a_flow_body_that_belongs_to_another_type_does_not_deserialize() {
    let error = serde_json::from_value::<FlowData>(json!({
        "type": "payment_method_update",
        "subscription_cancel": {"subscription": "sub_1"}
    }))
    .unwrap_err();
    assert!(error.to_string().contains("does not belong"), "{error}");
    let error = serde_json::from_value::<FlowData>(json!({"type": "teleport"})).unwrap_err();
    assert!(error.to_string().contains("teleport"), "{error}");
    let error = serde_json::from_value::<AfterCompletion>(json!({"type": "redirect"})).unwrap_err();
    assert!(error.to_string().contains("redirect"), "{error}");
}

#[test]
fn optional_bodies_may_be_left_out_in_json() {
    let after: AfterCompletion =
        serde_json::from_value(json!({"type": "hosted_confirmation"})).unwrap();
    assert_eq!(after, AfterCompletion::hosted_confirmation());
    let expiration: AfterExpiration =
        serde_json::from_value(json!({"type": "customer_login"})).unwrap();
    assert_eq!(expiration, AfterExpiration::customer_login());
}

#[test]
fn unknown_json_keys_become_extra_params_and_are_sent() {
    let params: SessionCreateParams =
        serde_json::from_value(json!({"customer": "cus_1", "brand_new": {"x": 1}})).unwrap();
    assert_eq!(
        sent_pairs(&params),
        pairs(&[("customer", "cus_1"), ("brand_new[x]", "1")])
    );
}

#[test]
fn params_round_trip_through_json() {
    let params = kitchen_sink(FlowData::new(
        SubscriptionUpdateConfirmFlow::new(
            "sub_1",
            ConfirmItem::new("si_1").price("p").quantity(2),
        )
        .discount(ConfirmDiscount::coupon("c")),
    ));
    let json = serde_json::to_value(&params).unwrap();
    assert_eq!(json["flow_data"]["type"], "subscription_update_confirm");
    assert_eq!(
        json["flow_data"]["after_completion"]["redirect"]["return_url"],
        "https://example.com/done"
    );
    assert!(json.get("on_behalf_of").is_some());
    let back: SessionCreateParams = serde_json::from_value(json).unwrap();
    assert_eq!(back, params);
}

// --- The spec check --------------------------------------------------------------------------

fn kitchen_sink(flow: FlowData) -> SessionCreateParams {
    SessionCreateParams::for_customer("cus_1")
        .customer_account("acct_1")
        .configuration("bpc_1")
        .locale(Locale::Auto)
        .on_behalf_of("acct_2")
        .return_url("https://example.com")
        .expand("configuration")
        .after_expiration(AfterExpiration::customer_login_until(1))
        .flow_data(flow.after_completion(AfterCompletion::redirect("https://example.com/done")))
}

#[test]
fn every_spec_param_of_session_create_is_reachable_and_nothing_else_is_sent() {
    let spec = spec_keys("post", "/v1/billing_portal/sessions");
    assert!(
        spec.keys.len() > 20,
        "the spec walk found too little: {:?}",
        spec.keys
    );
    let flows = [
        FlowData::payment_method_update(),
        FlowData::customer_update(),
        FlowData::new(SubscriptionCancelFlow::new("sub_1").retention(Retention::coupon_offer("c"))),
        FlowData::subscription_pause("sub_1"),
        FlowData::subscription_update("sub_1"),
        FlowData::new(
            SubscriptionUpdateConfirmFlow::new(
                "sub_1",
                ConfirmItem::new("si_1").price("p").quantity(2),
            )
            .discount(ConfirmDiscount::coupon("c"))
            .discount(ConfirmDiscount::promotion_code("promo")),
        ),
    ];
    // Through the server, as they go over the wire.
    let mut sent = Vec::new();
    for flow in flows {
        sent.extend(sent_pairs(&kitchen_sink(flow)));
    }
    // The two after_completion variants not in the kitchen sink.
    for after in [
        AfterCompletion::hosted_confirmation_with_message("m"),
        AfterCompletion::portal_homepage(),
    ] {
        let params = SessionCreateParams::new()
            .flow_data(FlowData::customer_update().after_completion(after));
        sent.extend(sent_pairs(&params));
    }
    check_against_spec("session create", &spec, &sent, &[]);
}

// --- The session object ----------------------------------------------------------------------

fn fixture(name: &str) -> Value {
    let fixtures: Value = serde_json::from_str(include_str!("data/fixtures.json")).unwrap();
    fixtures[name].clone()
}

#[test]
fn the_session_fixture_deserializes_and_round_trips_without_losing_a_field() {
    let json = fixture("billing_portal.session");
    let session: Session = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(session.id, "bps_1Pgc7HB7WZ01zgkWNs8s9Auh");
    assert_eq!(session.configuration.id(), "bpc_1Pgc7HB7WZ01zgkWxH2EPWRX");
    let flow = session.flow.as_ref().unwrap();
    assert_eq!(flow.kind, FlowType::SubscriptionUpdate);
    assert_eq!(
        flow.after_completion.kind,
        AfterCompletionType::HostedConfirmation
    );
    let retention = flow
        .subscription_cancel
        .as_ref()
        .unwrap()
        .retention
        .as_ref()
        .unwrap();
    assert_eq!(retention.coupon_offer.as_ref().unwrap().coupon, "coupon");
    assert_eq!(
        flow.subscription_update_confirm.as_ref().unwrap().items[0].quantity,
        None
    );
    assert_eq!(serde_json::to_value(&session).unwrap(), json);
}

#[test]
fn the_configuration_fixture_deserializes_and_round_trips() {
    let json = fixture("billing_portal.configuration");
    let configuration: Configuration = serde_json::from_value(json.clone()).unwrap();
    assert!(configuration.is_default);
    assert_eq!(configuration.features.subscription_pause, None);
    assert_eq!(serde_json::to_value(&configuration).unwrap(), json);
}

fn endive_session() -> Value {
    let mut configuration = fixture("billing_portal.configuration");
    configuration["features"]["subscription_pause"] = json!({
        "enabled": true,
        "duration": {"type": "interval_options", "interval_options": [{"interval": "month", "interval_count": 2}]}
    });
    configuration["features"]["subscription_cancel"]["cancellation_reason"]["feedback_options"] =
        json!(["bfo_1"]);
    json!({
        "id": "bps_1",
        "object": "billing_portal.session",
        "after_expiration": {"type": "customer_login", "customer_login": {"expires_at": 1893456000}},
        "configuration": configuration,
        "created": 1,
        "customer": "cus_1",
        "customer_account": null,
        "flow": {
            "type": "customer_update",
            "after_completion": {"type": "redirect", "hosted_confirmation": null, "redirect": {"return_url": "https://x"}},
            "customer_update": {},
            "subscription_cancel": null,
            "subscription_pause": null,
            "subscription_update": null,
            "subscription_update_confirm": null
        },
        "livemode": false,
        "locale": "fr-CA",
        "on_behalf_of": null,
        "return_url": null,
        "url": "https://billing.stripe.com/p/session/1"
    })
}

#[test]
fn an_expanded_configuration_and_the_endive_fields_deserialize() {
    let session: Session = serde_json::from_value(endive_session()).unwrap();
    let configuration = session.configuration.as_object().expect("expanded");
    assert_eq!(configuration.id, "bpc_1Pgc70B7WZ01zgkWSnFO04Vt");
    let pause = configuration.features.subscription_pause.as_ref().unwrap();
    assert_eq!(pause.duration.kind, PauseDurationType::IntervalOptions);
    assert_eq!(
        pause.duration.interval_options[0].interval,
        PauseInterval::Month
    );
    let after = session.after_expiration.as_ref().unwrap();
    assert_eq!(after.kind, AfterExpirationType::CustomerLogin);
    assert_eq!(
        after.customer_login.as_ref().unwrap().expires_at,
        Some(1_893_456_000)
    );
    let flow = session.flow.as_ref().unwrap();
    assert_eq!(flow.kind, FlowType::CustomerUpdate);
    assert!(flow.customer_update.is_some());
    assert_eq!(session.locale, Some(Locale::FrCa));
    let again: Session = serde_json::from_value(serde_json::to_value(&session).unwrap()).unwrap();
    assert_eq!(again, session);
}

#[test]
fn unknown_enum_values_are_kept_and_unknown_fields_ignored() {
    let mut json = endive_session();
    json["flow"]["type"] = json!("subscription_teleport");
    json["flow"]["after_completion"]["type"] = json!("fireworks");
    json["locale"] = json!("tlh");
    json["after_expiration"]["type"] = json!("magic_link");
    json["brand_new_field"] = json!({"nested": [1, 2]});
    json["configuration"]["features"]["subscription_pause"]["duration"]["interval_options"][0]
        ["interval"] = json!("fortnight");
    let session: Session = serde_json::from_value(json).unwrap();
    let flow = session.flow.unwrap();
    assert_eq!(flow.kind, FlowType::Unknown("subscription_teleport".into()));
    assert_eq!(flow.after_completion.kind.as_str(), "fireworks");
    assert_eq!(session.locale, Some(Locale::Unknown("tlh".into())));
    assert_eq!(
        session.after_expiration.unwrap().kind.as_str(),
        "magic_link"
    );
}

/// A 200 whose body is `body`, bytes that need not be UTF-8.
fn raw_200(body: &[u8]) -> Reply {
    let mut bytes = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nRequest-Id: req_utf8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    Reply::Raw(bytes)
}

#[test]
fn invalid_utf8_in_a_field_the_crate_ignores_does_not_fail_the_answer() {
    let valid = session_json(Value::Null);
    let with_future = |value: &[u8]| {
        let mut body = valid.trim_end_matches('}').as_bytes().to_vec();
        body.extend_from_slice(b",\"future\":\"caf");
        body.extend_from_slice(value);
        body.extend_from_slice(b"\"}");
        body
    };
    let body = with_future(b"\xff");
    assert!(std::str::from_utf8(&body).is_err());
    let server = TestServer::always(raw_200(&body));
    let session = server
        .client()
        .create_session(&SessionCreateParams::for_customer("cus_1"))
        .unwrap();
    assert_eq!(session.id, "bps_123");
    assert_eq!(session.url, "https://billing.stripe.com/p/session/test_123");

    // In a field the crate reads, it is an invalid answer, and not retried.
    let body = valid.replace("test_123", "test_\u{e9}").into_bytes();
    let at = body.iter().position(|&b| b == 0xc3).unwrap();
    let mut body = body;
    body.remove(at); // the lone second byte of `é`
    let server = TestServer::always(raw_200(&body));
    let error = server
        .client()
        .create_session(&SessionCreateParams::for_customer("cus_1"))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{error}");
    assert_eq!(error.attempts(), 1);
    assert_eq!(error.request_id(), Some("req_utf8"));
    assert!(
        error.to_string().contains("invalid UTF-8 at byte"),
        "{error}"
    );
}

#[test]
fn the_expanded_session_comes_back_through_the_client() {
    let server = TestServer::always(Reply::json(200, endive_session().to_string()));
    let session = server
        .client()
        .create_session(&SessionCreateParams::for_customer("cus_1").expand("configuration"))
        .unwrap();
    assert!(session.configuration.is_object());
    assert_eq!(
        server.single().pairs(),
        pairs(&[("customer", "cus_1"), ("expand[0]", "configuration")])
    );
}

// --- Errors ----------------------------------------------------------------------------------

#[test]
fn a_stripe_error_carries_status_type_code_param_message_doc_url_and_request_id() {
    let body = json!({"error": {
        "type": "invalid_request_error",
        "code": "parameter_missing",
        "decline_code": "do_not_honor",
        "param": "flow_data[subscription_cancel][subscription]",
        "message": "Missing required param.",
        "doc_url": "https://stripe.com/docs/error-codes/parameter-missing"
    }});
    let server = TestServer::always(Reply::Json {
        status: 400,
        headers: vec![("Request-Id".into(), "req_abc".into())],
        body: body.to_string(),
    });
    let error = server
        .client()
        .create_session(&SessionCreateParams::for_customer("cus_1"))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.request_id(), Some("req_abc"));
    assert_eq!(error.attempts(), 1);
    assert_eq!(error.code(), Some("parameter_missing"));
    let api = error.api_error().unwrap();
    assert_eq!(api.kind, ApiErrorType::InvalidRequestError);
    assert_eq!(api.decline_code.as_deref(), Some("do_not_honor"));
    assert_eq!(
        api.param.as_deref(),
        Some("flow_data[subscription_cancel][subscription]")
    );
    assert_eq!(api.message.as_deref(), Some("Missing required param."));
    assert_eq!(
        api.doc_url.as_deref(),
        Some("https://stripe.com/docs/error-codes/parameter-missing")
    );
    let shown = error.to_string();
    assert!(
        shown.contains("Missing required param.")
            && shown.contains("req_abc")
            && shown.contains("400"),
        "{shown}"
    );
}

#[test]
fn bodies_that_are_not_stripe_json_are_errors_with_status_request_id_and_a_snippet() {
    let cases = [
        (
            502,
            "<html><body>Bad gateway from the proxy</body></html>",
            "Bad gateway",
        ),
        (200, r#"{"id": "bps_1", "url": "#, "bps_1"),
        (200, "", "empty"),
        (200, r#"{"id": 5}"#, "{"),
        (418, "I'm a teapot", "teapot"),
    ];
    for (status, body, expected) in cases {
        let server = TestServer::always(Reply::Json {
            status,
            headers: vec![("Request-Id".into(), "req_x".into())],
            body: body.into(),
        });
        let client = server
            .client_builder()
            .max_network_retries(0)
            .build()
            .unwrap();
        let error = client
            .create_session(&SessionCreateParams::for_customer("cus_1"))
            .unwrap_err();
        assert_eq!(
            error.kind(),
            ErrorKind::InvalidResponse,
            "{status} {body}: {error}"
        );
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.request_id(), Some("req_x"));
        assert!(error.to_string().contains(expected), "{error}");
    }
}

#[test]
fn a_200_that_carries_a_stripe_error_is_an_api_error() {
    let server = TestServer::always(Reply::stripe_error(200, "api_error", "wrapped"));
    let error = server
        .client()
        .create_session(&SessionCreateParams::for_customer("cus_1"))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(
        error.api_error().unwrap().message.as_deref(),
        Some("wrapped")
    );
}

#[test]
fn bad_secret_keys_are_refused_with_a_clear_message_that_does_not_echo_them() {
    let cases = [
        ("", "empty"),
        ("sk_test_abc\n", "whitespace"),
        (" sk_test_abc", "whitespace"),
        ("sk_test_a\u{7}b", "control"),
        ("sk_test_ünï", "non-ASCII"),
        ("pk_test_abcdef", "publishable"),
    ];
    for (key, expected) in cases {
        let error = Client::new(key).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        assert_eq!(error.attempts(), 0);
        let shown = format!("{error} {error:?}");
        assert!(shown.contains(expected), "{key:?}: {shown}");
        if !key.trim().is_empty() {
            assert!(!shown.contains(key.trim()), "{shown} shows the key");
        }
    }
}

#[test]
fn the_secret_key_never_shows_in_debug_or_errors() {
    let secret = "sk_test_SUPERSECRET123";
    let server = TestServer::always(Reply::stripe_error(
        401,
        "invalid_request_error",
        "Invalid API Key provided",
    ));
    let builder = Client::builder(secret).base_url(server.url());
    let client = builder.clone().build().unwrap();
    let error = client
        .create_session(&SessionCreateParams::for_customer("cus_1"))
        .unwrap_err();
    for shown in [
        format!("{builder:?}"),
        format!("{client:?}"),
        format!("{error}"),
        format!("{error:?}"),
    ] {
        assert!(!shown.contains("SUPERSECRET"), "{shown}");
    }
    assert!(format!("{builder:?}").contains("sk_test_***"));
}

#[test]
fn a_key_and_base_url_swapped_do_not_echo_the_key() {
    let error = Client::builder("https://api.stripe.com")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("swapped"), "{error}");
    let builder = Client::builder("https://api.stripe.com").base_url("sk_live_SUPERSECRET");
    let shown = format!("{builder:?}");
    assert!(!shown.contains("SUPERSECRET"), "{shown}");
    assert!(
        shown.contains(r#"base_url: "<invalid, not shown>""#),
        "{shown}"
    );
    let error = builder.build().unwrap_err();
    assert!(
        !format!("{error} {error:?}").contains("SUPERSECRET"),
        "{error:?}"
    );
    // A base URL `build` accepts is shown as it is.
    let builder = Client::builder("sk_test_1").base_url("http://127.0.0.1:12111/");
    assert!(
        format!("{builder:?}").contains(r#"base_url: "http://127.0.0.1:12111""#),
        "{builder:?}"
    );
}

#[test]
fn an_extra_param_that_repeats_a_typed_one_is_refused_before_sending() {
    let server = ok_server();
    let client = server.client();
    for params in [
        SessionCreateParams::for_customer("cus_a").extra_param("customer", "cus_b"),
        SessionCreateParams::new().flow_data(
            FlowData::subscription_cancel("sub_1").extra_param("type", "subscription_update"),
        ),
        SessionCreateParams::new()
            .expand("a")
            .extra_param("expand", json!(["b"])),
    ] {
        let error = client.create_session(&params).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        assert!(error.to_string().contains("set twice"), "{error}");
    }
    assert!(server.requests().is_empty());
}

#[test]
fn base_urls_must_be_https_unless_loopback() {
    for good in [
        "https://api.stripe.com",
        "https://proxy.example.com/stripe/",
        "http://127.0.0.1:12111",
        "http://localhost:1",
        "http://[::1]:8080",
    ] {
        assert_base_url_accepted(good);
    }
    for bad in [
        "http://api.stripe.com",
        "ftp://x",
        "api.stripe.com",
        "https://",
        "https://a b",
        "https://x?y=1",
        "https://user:pw@x",
        "http://10.0.0.1",
    ] {
        let error = base_url_refused(bad);
        assert!(error.to_string().contains("base URL"), "{error}");
    }
}

fn assert_base_url_accepted(base_url: &str) {
    assert!(
        Client::builder("sk_test_1")
            .base_url(base_url)
            .build()
            .is_ok(),
        "{base_url}"
    );
}

/// The error `build` gives for `base_url`: an invalid input.
fn base_url_refused(base_url: &str) -> Error {
    let error = Client::builder("sk_test_1")
        .base_url(base_url)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{base_url}");
    error
}

#[test]
fn a_base_url_ending_in_v1_is_refused_since_every_path_starts_with_v1() {
    for bad in [
        "https://api.stripe.com/v1",
        "https://api.stripe.com/v1/",
        "https://proxy.example.com/stripe/V1",
        "http://127.0.0.1:12111/v1",
    ] {
        let error = base_url_refused(bad);
        assert!(
            error
                .to_string()
                .contains("it ends in /v1, which the client adds to every path"),
            "{error}"
        );
    }
    // `/v1` elsewhere in the path, or as part of a segment, is a path like any other.
    for good in [
        "https://v1.example.com",
        "https://example.com/v1/stripe",
        "https://example.com/apiv1",
    ] {
        assert_base_url_accepted(good);
    }
}

#[test]
fn the_base_url_and_version_setters_take_owned_strings_too() {
    let server = ok_server();
    let client = Client::builder(String::from("sk_test_1"))
        .base_url(server.url().to_owned())
        .stripe_version(String::from("2024-06-20"))
        .build()
        .unwrap();
    client
        .create_session(&SessionCreateParams::for_customer("cus_1"))
        .unwrap();
    assert_eq!(
        server.requests()[0].header("stripe-version"),
        Some("2024-06-20")
    );
}

#[test]
fn header_values_with_cr_or_lf_are_refused_before_sending() {
    let server = ok_server();
    let client = server.client();
    let params = SessionCreateParams::for_customer("cus_1");
    for options in [
        RequestOptions::new().idempotency_key("a\r\nX-Evil: 1"),
        RequestOptions::new().stripe_account("acct_1\n"),
        RequestOptions::new().stripe_version("2026\r"),
        RequestOptions::new().idempotency_key(""),
    ] {
        let error = client.create_session_with(&params, &options).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{options:?}");
        assert_eq!(error.attempts(), 0);
    }
    assert!(Client::builder("sk_test_1")
        .stripe_version("a\nb")
        .build()
        .is_err());
    assert!(server.requests().is_empty(), "nothing may be sent");
}

#[test]
fn shapes_without_a_form_encoding_are_errors_not_panics() {
    assert_eq!(
        form::to_string(&5).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert!(form::to_string(&"text").is_err());
    assert!(form::to_string(&vec![1, 2]).is_err());
    assert!(
        form::to_string(&json!({"a": f64::NAN})).is_ok(),
        "serde_json turns NaN into null"
    );
    assert!(form::to_string(&std::collections::BTreeMap::from([("a", f64::INFINITY)])).is_err());
    assert!(form::to_string(&std::collections::BTreeMap::from([(vec![1], 1)])).is_err());
    #[derive(serde::Serialize)]
    struct Bytes {
        #[serde(with = "serde_bytes_like")]
        data: Vec<u8>,
    }
    mod serde_bytes_like {
        pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }
    }
    assert!(form::to_string(&Bytes { data: vec![1] }).is_err());
    assert_eq!(form::to_string(&()).unwrap(), "");
    assert_eq!(
        form::to_string(&json!({"a": true, "b": false, "c": null, "d": [], "e": {}})).unwrap(),
        "a=true&b=false"
    );
}

#[test]
fn the_response_metadata_tells_request_id_status_attempts_and_key() {
    let server = ok_server();
    let response = server
        .client()
        .create_session_with(
            &SessionCreateParams::for_customer("cus_1"),
            &RequestOptions::new(),
        )
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.request_id.as_deref(), Some("req_test"));
    assert_eq!(response.attempts, 1);
    assert_eq!(
        response.idempotency_key.as_deref(),
        server.single().header("idempotency-key")
    );
    assert_eq!(response.data.id, "bps_123");
}

#[test]
fn a_client_is_cheap_to_clone_and_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync::<Client>();
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<Error>();
    let server = ok_server();
    let client = server.client();
    std::thread::scope(|scope| {
        for i in 0..4 {
            let client = client.clone();
            scope.spawn(move || {
                client
                    .create_session(&SessionCreateParams::for_customer(format!("cus_{i}")))
                    .unwrap()
            });
        }
    });
    assert_eq!(server.requests().len(), 4);
}
