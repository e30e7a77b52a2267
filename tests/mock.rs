//! The crate's own client, and raw HTTP, against `stripe_billing_portal::mock::MockServer`.

use std::time::Duration;

use serde_json::Value;
use stripe_billing_portal::mock::MockServer;
use stripe_billing_portal::*;

mod mock_http;
use mock_http::{agent, assert_error, get, post, read, start, CONFIGURATIONS, SESSIONS};

fn client_builder(server: &MockServer) -> ClientBuilder {
    Client::builder("sk_test_123")
        .base_url(server.url())
        .initial_retry_delay(Duration::from_millis(10))
        .max_retry_delay(Duration::from_millis(40))
}

fn client(server: &MockServer) -> Client {
    client_builder(server).build().expect("client")
}

/// A session POST with `customer=cus_1&` before `rest`.
fn post_session(server: &MockServer, rest: &str) -> (u16, Value) {
    post(server, SESSIONS, &format!("customer=cus_1&{rest}"))
}

// ---------------------------------------------------------------------------------------------
// Sessions through the client: every flow is echoed
// ---------------------------------------------------------------------------------------------

fn create(server: &MockServer, flow: FlowData) -> Session {
    let session = client(server)
        .create_session(
            &SessionCreateParams::for_customer("cus_123")
                .return_url("https://example.com/account")
                .flow_data(flow),
        )
        .expect("a session");
    assert!(session.id.starts_with("bps_"), "{}", session.id);
    assert!(session.url.starts_with("https://"), "{}", session.url);
    assert!(session.created > 1_700_000_000);
    assert_eq!(session.customer.as_deref(), Some("cus_123"));
    assert_eq!(
        session.return_url.as_deref(),
        Some("https://example.com/account")
    );
    assert!(!session.livemode);
    session
}

#[test]
fn payment_method_update_flow_is_echoed() {
    let server = start();
    let flow = create(&server, FlowData::payment_method_update())
        .flow
        .unwrap();
    assert_eq!(flow.kind, FlowType::PaymentMethodUpdate);
    assert_eq!(
        flow.after_completion.kind,
        AfterCompletionType::PortalHomepage
    );
    assert!(flow.subscription_cancel.is_none() && flow.subscription_update.is_none());
}

#[test]
fn customer_update_flow_is_echoed_with_an_empty_object() {
    let server = start();
    let flow = create(&server, FlowData::customer_update()).flow.unwrap();
    assert_eq!(flow.kind, FlowType::CustomerUpdate);
    assert_eq!(flow.customer_update, Some(FlowCustomerUpdate::default()));
    assert!(flow.subscription_pause.is_none());
}

#[test]
fn subscription_cancel_flow_with_retention_and_redirect_is_echoed() {
    let server = start();
    let flow = create(
        &server,
        FlowData::new(
            SubscriptionCancelFlow::new("sub_123").retention(Retention::coupon_offer("STAY20")),
        )
        .after_completion(AfterCompletion::redirect("https://example.com/done")),
    )
    .flow
    .unwrap();
    assert_eq!(flow.kind, FlowType::SubscriptionCancel);
    let cancel = flow.subscription_cancel.unwrap();
    assert_eq!(cancel.subscription, "sub_123");
    let retention = cancel.retention.unwrap();
    assert_eq!(retention.kind, RetentionType::CouponOffer);
    assert_eq!(retention.coupon_offer.unwrap().coupon, "STAY20");
    assert_eq!(flow.after_completion.kind, AfterCompletionType::Redirect);
    assert_eq!(
        flow.after_completion.redirect.unwrap().return_url,
        "https://example.com/done"
    );
    assert!(flow.after_completion.hosted_confirmation.is_none());
    assert!(flow.subscription_update.is_none() && flow.subscription_update_confirm.is_none());
}

#[test]
fn subscription_pause_flow_is_echoed_with_after_expiration() {
    let server = start();
    let session = client(&server)
        .create_session(
            &SessionCreateParams::for_customer("cus_123")
                .flow_data(FlowData::subscription_pause("sub_123"))
                .after_expiration(AfterExpiration::customer_login_until(1_893_456_000)),
        )
        .unwrap();
    let flow = session.flow.unwrap();
    assert_eq!(flow.kind, FlowType::SubscriptionPause);
    assert_eq!(flow.subscription_pause.unwrap().subscription, "sub_123");
    let after = session.after_expiration.unwrap();
    assert_eq!(after.kind, AfterExpirationType::CustomerLogin);
    assert_eq!(
        after.customer_login.unwrap().expires_at,
        Some(1_893_456_000)
    );
}

#[test]
fn subscription_update_flow_is_echoed_with_hosted_confirmation() {
    let server = start();
    let flow = create(
        &server,
        FlowData::subscription_update("sub_123")
            .after_completion(AfterCompletion::hosted_confirmation_with_message("Done!")),
    )
    .flow
    .unwrap();
    assert_eq!(flow.kind, FlowType::SubscriptionUpdate);
    assert_eq!(flow.subscription_update.unwrap().subscription, "sub_123");
    assert_eq!(
        flow.after_completion.kind,
        AfterCompletionType::HostedConfirmation
    );
    assert_eq!(
        flow.after_completion
            .hosted_confirmation
            .unwrap()
            .custom_message
            .as_deref(),
        Some("Done!")
    );
}

#[test]
fn subscription_update_confirm_flow_is_echoed() {
    let server = start();
    let flow = create(
        &server,
        FlowData::new(
            SubscriptionUpdateConfirmFlow::new(
                "sub_123",
                ConfirmItem::new("si_123").price("price_pro").quantity(2),
            )
            .discount(ConfirmDiscount::promotion_code("promo_123")),
        ),
    )
    .flow
    .unwrap();
    assert_eq!(flow.kind, FlowType::SubscriptionUpdateConfirm);
    let confirm = flow.subscription_update_confirm.unwrap();
    assert_eq!(confirm.subscription, "sub_123");
    assert_eq!(confirm.items.len(), 1);
    assert_eq!(confirm.items[0].id.as_deref(), Some("si_123"));
    assert_eq!(confirm.items[0].price.as_deref(), Some("price_pro"));
    assert_eq!(confirm.items[0].quantity, Some(2));
    let discounts = confirm.discounts.unwrap();
    assert_eq!(discounts[0].promotion_code.as_deref(), Some("promo_123"));
    assert_eq!(discounts[0].coupon, None);
}

#[test]
fn a_session_without_flow_has_a_null_flow_and_the_default_configuration() {
    let server = start();
    let session = client(&server)
        .create_session(&SessionCreateParams::for_customer("cus_123").locale("fr"))
        .unwrap();
    assert!(session.flow.is_none());
    assert_eq!(session.locale, Some(Locale::Fr));
    assert!(session.configuration.id().starts_with("bpc_"));
    assert!(session.configuration.as_object().is_none());
}

#[test]
fn every_session_gets_a_fresh_id() {
    let server = start();
    let client = client(&server);
    let params = SessionCreateParams::for_customer("cus_123");
    let first = client.create_session(&params).unwrap();
    let second = client.create_session(&params).unwrap();
    assert_ne!(first.id, second.id);
    assert_ne!(first.url, second.url);
}

#[test]
fn expanding_configuration_returns_the_configuration_object() {
    let server = start();
    let session = client(&server)
        .create_session(&SessionCreateParams::for_customer("cus_123").expand("configuration"))
        .unwrap();
    let configuration = session.configuration.as_object().expect("expanded");
    assert!(configuration.id.starts_with("bpc_"));
    assert!(configuration.is_default);
    assert!(configuration.active);
}

#[test]
fn a_session_uses_the_configuration_it_names() {
    let server = start();
    let (_, created) = post(
        &server,
        CONFIGURATIONS,
        "features[invoice_history][enabled]=true",
    );
    let id = created["id"].as_str().unwrap();
    let session = client(&server)
        .create_session(&SessionCreateParams::for_customer("cus_123").configuration(id))
        .unwrap();
    assert_eq!(session.configuration.id(), id);
}

#[test]
fn requests_records_method_path_headers_and_pairs() {
    let server = start();
    client(&server)
        .create_session(
            &SessionCreateParams::for_customer("cus_123")
                .flow_data(FlowData::subscription_cancel("sub_123")),
        )
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, SESSIONS);
    assert_eq!(request.query, None);
    assert_eq!(request.header("Stripe-Version"), Some(API_VERSION));
    assert!(request.header("idempotency-key").is_some());
    let pairs: Vec<(&str, &str)> = request
        .pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("customer", "cus_123"),
            ("flow_data[type]", "subscription_cancel"),
            ("flow_data[subscription_cancel][subscription]", "sub_123"),
        ]
    );
}

#[test]
fn recorded_requests_never_show_a_whole_key() {
    let server = start();
    let _ = post_with_auth(&server, Some("Bearer sk_live_SUPERSECRET1234"));
    let client = Client::builder("sk_test_ANOTHERSECRET5678")
        .base_url(server.url())
        .build()
        .unwrap();
    client
        .create_session(&SessionCreateParams::for_customer("cus_1"))
        .unwrap();
    let shown = format!("{:?}", server.requests());
    assert!(!shown.contains("SUPERSECRET"), "{shown}");
    assert!(!shown.contains("ANOTHERSECRET"), "{shown}");
    assert_eq!(
        server.requests()[1].header("authorization"),
        Some("Bearer sk_test_*************5678")
    );
}

#[test]
fn a_deeply_nested_key_is_a_400_not_a_crash() {
    let server = start();
    let key = format!("customer{}", "[a]".repeat(3000));
    let body = serde_urlencoded::to_string([(key.as_str(), "x")]).unwrap();
    let (status, answer) = post_session(&server, &body);
    assert_eq!(status, 400, "{answer:#}");
    assert_eq!(answer["error"]["type"], "invalid_request_error");
    // The server is still up.
    assert!(client(&server)
        .create_session(&SessionCreateParams::for_customer("cus_1"))
        .is_ok());
}

// ---------------------------------------------------------------------------------------------
// Auth and routing
// ---------------------------------------------------------------------------------------------

fn post_with_auth(server: &MockServer, authorization: Option<&str>) -> (u16, Value) {
    let mut request = agent()
        .post(format!("{}{SESSIONS}", server.url()))
        .header("Content-Type", "application/x-www-form-urlencoded");
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    read(request.send("customer=cus_1"))
}

#[test]
fn a_request_without_authorization_is_401() {
    let server = start();
    assert_error(
        post_with_auth(&server, None),
        401,
        "invalid_request_error",
        None,
    );
}

#[test]
fn a_malformed_key_is_401() {
    let server = start();
    for auth in [
        "Bearer not-a-key",
        "Bearer sk_test_",
        "Bearer pk_test_123",
        "Token sk_test_123",
    ] {
        assert_error(
            post_with_auth(&server, Some(auth)),
            401,
            "invalid_request_error",
            None,
        );
    }
}

#[test]
fn a_live_key_is_401_as_the_mock_is_test_mode_only() {
    let server = start();
    let (status, body) = post_with_auth(&server, Some("Bearer sk_live_123456789"));
    assert_error((status, body.clone()), 401, "invalid_request_error", None);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("test mode"), "{message}");
    assert!(
        !message.contains("sk_live_123456789"),
        "the key is redacted: {message}"
    );
}

#[test]
fn basic_auth_with_the_key_as_user_name_is_accepted() {
    let server = start();
    // base64("sk_test_123:")
    let (status, body) = post_with_auth(&server, Some("Basic c2tfdGVzdF8xMjM6"));
    assert_eq!(status, 200, "{body:#}");
    assert!(body["id"].as_str().unwrap().starts_with("bps_"));
}

#[test]
fn a_restricted_test_key_is_accepted() {
    let server = start();
    let (status, body) = post_with_auth(&server, Some("Bearer rk_test_abc"));
    assert_eq!(status, 200, "{body:#}");
}

#[test]
fn an_unknown_route_is_a_stripe_shaped_404() {
    let server = start();
    assert_error(
        get(&server, "/v1/customers"),
        404,
        "invalid_request_error",
        None,
    );
    assert_error(get(&server, SESSIONS), 404, "invalid_request_error", None);
}

// ---------------------------------------------------------------------------------------------
// Validation: one rule per test, asserting status, type and param
// ---------------------------------------------------------------------------------------------

#[test]
fn an_unknown_top_level_param_is_refused() {
    let server = start();
    let (status, body) = post_session(&server, "colour=blue");
    assert_eq!(body["error"]["code"], "parameter_unknown");
    assert_error((status, body), 400, "invalid_request_error", Some("colour"));
}

#[test]
fn an_unknown_nested_param_is_refused() {
    let server = start();
    assert_error(
        post_session(
            &server,
            "flow_data[type]=subscription_cancel&flow_data[subscription_cancel][subscription]=sub_1&flow_data[subscription_cancel][reason]=x",
        ),
        400,
        "invalid_request_error",
        Some("flow_data[subscription_cancel][reason]"),
    );
}

#[test]
fn an_unknown_param_sent_through_extra_param_is_refused() {
    let server = start();
    let error = client(&server)
        .create_session(&SessionCreateParams::for_customer("cus_1").extra_param("colour", "blue"))
        .unwrap_err();
    assert_eq!(error.status(), Some(400));
    let api = error.api_error().unwrap();
    assert_eq!(api.kind, ApiErrorType::InvalidRequestError);
    assert_eq!(api.param.as_deref(), Some("colour"));
}

#[test]
fn a_bad_enum_value_is_refused() {
    let server = start();
    assert_error(
        post_session(&server, "flow_data[type]=subscription_destroy"),
        400,
        "invalid_request_error",
        Some("flow_data[type]"),
    );
}

#[test]
fn a_bad_locale_is_refused() {
    let server = start();
    assert_error(
        post_session(&server, "locale=klingon"),
        400,
        "invalid_request_error",
        Some("locale"),
    );
}

#[test]
fn a_bad_integer_is_refused() {
    let server = start();
    let (status, body) = post_session(
        &server,
        "after_expiration[type]=customer_login&after_expiration[customer_login][expires_at]=tomorrow",
    );
    assert_eq!(body["error"]["code"], "parameter_invalid_integer");
    assert_error(
        (status, body),
        400,
        "invalid_request_error",
        Some("after_expiration[customer_login][expires_at]"),
    );
}

#[test]
fn a_bad_boolean_is_refused() {
    let server = start();
    assert_error(
        post(
            &server,
            CONFIGURATIONS,
            "features[invoice_history][enabled]=yes",
        ),
        400,
        "invalid_request_error",
        Some("features[invoice_history][enabled]"),
    );
}

#[test]
fn a_flow_type_without_flow_data_type_is_refused() {
    let server = start();
    let (status, body) = post_session(&server, "flow_data[after_completion][type]=portal_homepage");
    assert_eq!(body["error"]["code"], "parameter_missing");
    assert_error(
        (status, body),
        400,
        "invalid_request_error",
        Some("flow_data[type]"),
    );
}

fn assert_flow_body_missing(kind: &str) {
    let server = start();
    let (status, body) = post_session(&server, &format!("flow_data[type]={kind}"));
    assert_eq!(body["error"]["code"], "parameter_missing");
    let param = format!("flow_data[{kind}][subscription]");
    assert_error((status, body), 400, "invalid_request_error", Some(&param));
}

#[test]
fn a_subscription_cancel_flow_needs_its_subscription() {
    assert_flow_body_missing("subscription_cancel");
}

#[test]
fn a_subscription_pause_flow_needs_its_subscription() {
    assert_flow_body_missing("subscription_pause");
}

#[test]
fn a_subscription_update_flow_needs_its_subscription() {
    assert_flow_body_missing("subscription_update");
}

#[test]
fn a_subscription_update_confirm_flow_needs_its_subscription() {
    assert_flow_body_missing("subscription_update_confirm");
}

#[test]
fn a_subscription_update_confirm_flow_needs_its_items() {
    let server = start();
    assert_error(
        post_session(
            &server,
            "flow_data[type]=subscription_update_confirm&flow_data[subscription_update_confirm][subscription]=sub_1",
        ),
        400,
        "invalid_request_error",
        Some("flow_data[subscription_update_confirm][items]"),
    );
}

#[test]
fn a_confirm_item_needs_its_id() {
    let server = start();
    assert_error(
        post_session(
            &server,
            "flow_data[type]=subscription_update_confirm&flow_data[subscription_update_confirm][subscription]=sub_1&flow_data[subscription_update_confirm][items][0][price]=price_1",
        ),
        400,
        "invalid_request_error",
        Some("flow_data[subscription_update_confirm][items][0][id]"),
    );
}

#[test]
fn a_flow_body_of_another_type_is_refused() {
    let server = start();
    assert_error(
        post_session(
            &server,
            "flow_data[type]=subscription_cancel&flow_data[subscription_cancel][subscription]=sub_1&flow_data[subscription_update][subscription]=sub_1",
        ),
        400,
        "invalid_request_error",
        Some("flow_data[subscription_update]"),
    );
}

#[test]
fn a_customer_update_flow_takes_no_body() {
    let server = start();
    assert_error(
        post_session(
            &server,
            "flow_data[type]=customer_update&flow_data[customer_update][x]=1",
        ),
        400,
        "invalid_request_error",
        Some("flow_data[customer_update]"),
    );
}

#[test]
fn a_redirect_needs_its_return_url() {
    let server = start();
    let (status, body) = post_session(
        &server,
        "flow_data[type]=payment_method_update&flow_data[after_completion][type]=redirect",
    );
    assert_eq!(body["error"]["code"], "parameter_missing");
    assert_error(
        (status, body),
        400,
        "invalid_request_error",
        Some("flow_data[after_completion][redirect][return_url]"),
    );
}

#[test]
fn an_after_completion_body_of_another_type_is_refused() {
    let server = start();
    assert_error(
        post_session(
            &server,
            "flow_data[type]=payment_method_update&flow_data[after_completion][type]=portal_homepage&flow_data[after_completion][redirect][return_url]=https://x",
        ),
        400,
        "invalid_request_error",
        Some("flow_data[after_completion][redirect]"),
    );
}

#[test]
fn a_retention_needs_its_coupon() {
    let server = start();
    assert_error(
        post_session(
            &server,
            "flow_data[type]=subscription_cancel&flow_data[subscription_cancel][subscription]=sub_1&flow_data[subscription_cancel][retention][type]=coupon_offer",
        ),
        400,
        "invalid_request_error",
        Some("flow_data[subscription_cancel][retention][coupon_offer][coupon]"),
    );
}

#[test]
fn a_session_needs_a_customer_or_customer_account() {
    let server = start();
    assert_error(
        post(&server, SESSIONS, "return_url=https://example.com"),
        400,
        "invalid_request_error",
        Some("customer"),
    );
    let (status, _) = post(&server, SESSIONS, "customer_account=acct_1");
    assert_eq!(status, 200);
}

fn hosted_confirmation(message: &str) -> String {
    form::to_string(
        &SessionCreateParams::for_customer("cus_1").flow_data(
            FlowData::payment_method_update()
                .after_completion(AfterCompletion::hosted_confirmation_with_message(message)),
        ),
    )
    .unwrap()
}

#[test]
fn custom_message_is_limited_to_500_characters_not_bytes() {
    let server = start();
    // 500 three-byte characters: 1500 bytes, still 500 characters.
    let (status, body) = post(&server, SESSIONS, &hosted_confirmation(&"€".repeat(500)));
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(
        body["flow"]["after_completion"]["hosted_confirmation"]["custom_message"]
            .as_str()
            .unwrap()
            .chars()
            .count(),
        500
    );
    assert_error(
        post(&server, SESSIONS, &hosted_confirmation(&"€".repeat(501))),
        400,
        "invalid_request_error",
        Some("flow_data[after_completion][hosted_confirmation][custom_message]"),
    );
}

#[test]
fn an_empty_string_is_refused_where_the_param_cannot_be_unset() {
    let server = start();
    let (status, body) = post(&server, SESSIONS, "customer=");
    assert_eq!(body["error"]["code"], "parameter_invalid_empty");
    assert_error(
        (status, body),
        400,
        "invalid_request_error",
        Some("customer"),
    );
}

#[test]
fn an_empty_string_is_accepted_where_any_of_allows_it() {
    let server = start();
    let (status, body) = post(
        &server,
        CONFIGURATIONS,
        "features[invoice_history][enabled]=true&name=&business_profile[headline]=",
    );
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(body["name"], Value::Null);
}

#[test]
fn a_body_that_is_not_form_encoded_is_refused() {
    let server = start();
    let answer = read(
        agent()
            .post(format!("{}{SESSIONS}", server.url()))
            .header("Authorization", "Bearer sk_test_123")
            .header("Content-Type", "application/json")
            .send(r#"{"customer":"cus_1"}"#),
    );
    assert_error(answer, 400, "invalid_request_error", None);
}

#[test]
fn an_array_sent_as_a_hash_is_refused() {
    let server = start();
    assert_error(
        post_session(
            &server,
            "flow_data[type]=subscription_update_confirm&flow_data[subscription_update_confirm][subscription]=sub_1&flow_data[subscription_update_confirm][items][id]=si_1",
        ),
        400,
        "invalid_request_error",
        Some("flow_data[subscription_update_confirm][items]"),
    );
}

#[test]
fn an_array_with_a_gap_in_its_indices_is_refused() {
    let server = start();
    assert_error(
        post_session(&server, "expand[0]=configuration&expand[2]=configuration"),
        400,
        "invalid_request_error",
        Some("expand"),
    );
}

#[test]
fn a_scalar_sent_as_a_hash_is_refused() {
    let server = start();
    assert_error(
        post_session(&server, "return_url[a]=b"),
        400,
        "invalid_request_error",
        Some("return_url"),
    );
}

#[test]
fn a_garbled_bracket_key_is_refused() {
    let server = start();
    assert_error(
        post_session(&server, "flow_data[type=customer_update"),
        400,
        "invalid_request_error",
        Some("flow_data[type"),
    );
}

#[test]
fn an_unknown_expand_path_is_refused() {
    let server = start();
    assert_error(
        post_session(&server, "expand[]=configuration&expand[]=customer"),
        400,
        "invalid_request_error",
        Some("expand[1]"),
    );
}

#[test]
fn a_nonexistent_configuration_is_400_as_a_param_and_404_in_the_path() {
    let server = start();
    let error = client(&server)
        .create_session(&SessionCreateParams::for_customer("cus_1").configuration("bpc_nope"))
        .unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.code(), Some("resource_missing"));
    let api = error.api_error().unwrap();
    assert_eq!(api.kind, ApiErrorType::InvalidRequestError);
    assert_eq!(api.param.as_deref(), Some("configuration"));

    let (status, body) = get(&server, &format!("{CONFIGURATIONS}/bpc_nope"));
    assert_eq!(body["error"]["code"], "resource_missing");
    assert_error(
        (status, body),
        404,
        "invalid_request_error",
        Some("configuration"),
    );
}

#[test]
fn interval_options_are_required_for_an_interval_options_duration() {
    let server = start();
    assert_error(
        post(
            &server,
            CONFIGURATIONS,
            "features[subscription_pause][enabled]=true&features[subscription_pause][duration][type]=interval_options",
        ),
        400,
        "invalid_request_error",
        Some("features[subscription_pause][duration][interval_options]"),
    );
}

#[test]
fn creating_a_configuration_requires_features() {
    let server = start();
    assert_error(
        post(&server, CONFIGURATIONS, "name=x"),
        400,
        "invalid_request_error",
        Some("features"),
    );
}

#[test]
fn list_limit_must_be_between_1_and_100() {
    let server = start();
    assert_error(
        get(&server, &format!("{CONFIGURATIONS}?limit=0")),
        400,
        "invalid_request_error",
        Some("limit"),
    );
}

// ---------------------------------------------------------------------------------------------
// Configurations over raw HTTP
// ---------------------------------------------------------------------------------------------

#[test]
fn configurations_create_retrieve_update_and_list_agree() {
    let server = start();
    let (status, created) = post(
        &server,
        CONFIGURATIONS,
        "name=Gold&business_profile[headline]=Hi&features[invoice_history][enabled]=true\
         &features[subscription_pause][enabled]=true&features[subscription_pause][duration][type]=interval_options\
         &features[subscription_pause][duration][interval_options][0][interval]=week\
         &features[subscription_update][enabled]=true&features[subscription_update][products][0][product]=prod_1\
         &features[subscription_update][products][0][prices][0]=price_1\
         &login_page[enabled]=true&metadata[tier]=gold&metadata[team]=a",
    );
    assert_eq!(status, 200, "{created:#}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("bpc_"));
    assert_eq!(created["object"], "billing_portal.configuration");
    assert_eq!(created["is_default"], false);
    assert_eq!(created["name"], "Gold");
    assert_eq!(created["business_profile"]["headline"], "Hi");
    assert_eq!(created["features"]["invoice_history"]["enabled"], true);
    assert_eq!(
        created["features"]["subscription_pause"]["duration"]["interval_options"][0],
        serde_json::json!({"interval": "week", "interval_count": 1})
    );
    assert_eq!(
        created["features"]["subscription_update"]["products"][0]["adjustable_quantity"]["enabled"],
        false
    );
    assert!(created["login_page"]["url"].is_string());
    // The crate's own type reads it.
    let typed: Configuration = serde_json::from_value(created.clone()).expect("a Configuration");
    assert_eq!(typed.id, id);

    let (_, retrieved) = get(&server, &format!("{CONFIGURATIONS}/{id}"));
    assert_eq!(retrieved, created);

    let (status, updated) = post(
        &server,
        &format!("{CONFIGURATIONS}/{id}"),
        "name=&active=false&metadata[team]=&business_profile[privacy_policy_url]=https://example.com/privacy",
    );
    assert_eq!(status, 200, "{updated:#}");
    assert_eq!(updated["name"], Value::Null);
    assert_eq!(updated["active"], false);
    assert_eq!(updated["metadata"], serde_json::json!({"tier": "gold"}));
    assert_eq!(updated["business_profile"]["headline"], "Hi");
    assert_eq!(
        updated["business_profile"]["privacy_policy_url"],
        "https://example.com/privacy"
    );
    let (_, retrieved) = get(&server, &format!("{CONFIGURATIONS}/{id}"));
    assert_eq!(retrieved, updated);

    let (status, list) = get(&server, CONFIGURATIONS);
    assert_eq!(status, 200);
    assert_eq!(list["object"], "list");
    assert_eq!(list["url"], CONFIGURATIONS);
    assert_eq!(list["has_more"], false);
    let data = list["data"].as_array().unwrap();
    assert_eq!(data.len(), 2, "the default one and ours");
    assert_eq!(data[0], updated, "newest first");
    assert_eq!(data[1]["is_default"], true);

    let (_, inactive) = get(&server, &format!("{CONFIGURATIONS}?active=false"));
    assert_eq!(inactive["data"].as_array().unwrap().len(), 1);
    let (_, default) = get(&server, &format!("{CONFIGURATIONS}?is_default=true"));
    assert_eq!(default["data"][0]["is_default"], true);
}

#[test]
fn every_configuration_operation_works_through_the_typed_client() {
    let server = start();
    let client = client(&server);
    let created = client
        .create_configuration(
            &ConfigurationCreateParams::new(
                FeaturesParams::new()
                    .invoice_history(InvoiceHistoryParams::new(true))
                    .customer_update(
                        CustomerUpdateParams::new(true).allowed_updates([
                            CustomerUpdateField::Email,
                            CustomerUpdateField::TaxId,
                        ]),
                    )
                    .subscription_cancel(
                        SubscriptionCancelParams::new(true)
                            .mode(CancelMode::AtPeriodEnd)
                            .cancellation_reason(CancellationReasonParams::new(
                                true,
                                [CancellationReasonOption::TooExpensive],
                            )),
                    )
                    .subscription_pause(SubscriptionPauseParams::new(true).duration(
                        PauseDurationParams::interval_options([
                            PauseIntervalOptionParams::new(PauseInterval::Month).interval_count(2),
                        ]),
                    ))
                    .subscription_update(
                        SubscriptionUpdateParams::new(true)
                            .default_allowed_updates([SubscriptionUpdateField::Price])
                            .product(ProductParams::new("prod_1", ["price_1", "price_2"])),
                    ),
            )
            .name("Gold")
            .default_return_url("https://example.com/account")
            .metadata("tier", "gold")
            .metadata("team", "a"),
        )
        .expect("create");
    assert!(created.id.starts_with("bpc_"));
    assert_eq!(created.name.as_deref(), Some("Gold"));
    let pause = created
        .features
        .subscription_pause
        .as_ref()
        .expect("subscription_pause");
    assert!(pause.enabled);
    assert_eq!(pause.duration.interval_options[0].interval_count, 2);
    assert_eq!(
        created
            .features
            .subscription_update
            .products
            .as_ref()
            .unwrap()[0]
            .prices,
        ["price_1", "price_2"]
    );

    let retrieved = client
        .retrieve_configuration(&created.id)
        .expect("retrieve");
    assert_eq!(retrieved, created);

    let updated = client
        .update_configuration(
            &created.id,
            &ConfigurationUpdateParams::new()
                .active(false)
                .clear_name()
                .clear_default_return_url()
                .remove_metadata("team"),
        )
        .expect("update");
    assert!(!updated.active);
    assert_eq!(updated.name, None);
    assert_eq!(updated.default_return_url, None);
    let metadata = updated.metadata.as_ref().expect("metadata");
    assert_eq!(metadata.get("tier").map(String::as_str), Some("gold"));
    assert!(!metadata.contains_key("team"));
    let cleared = client
        .update_configuration(
            &created.id,
            &ConfigurationUpdateParams::new().clear_metadata(),
        )
        .expect("clear metadata");
    assert!(
        cleared.metadata.as_ref().is_none_or(|m| m.is_empty()),
        "{:?}",
        cleared.metadata
    );

    for _ in 0..3 {
        client
            .create_configuration(&ConfigurationCreateParams::new(
                FeaturesParams::new().invoice_history(InvoiceHistoryParams::new(true)),
            ))
            .expect("create");
    }
    let page = client
        .list_configurations(&ConfigurationListParams::new().limit(2))
        .expect("list");
    assert_eq!(page.data.len(), 2);
    assert!(page.has_more);
    let all: Vec<Configuration> = client
        .iter_configurations(&ConfigurationListParams::new().limit(2))
        .collect::<Result<_, _>>()
        .expect("every page");
    assert_eq!(all.len(), 5, "the default one and the four created");
    let inactive = client
        .list_configurations(&ConfigurationListParams::new().active(false))
        .expect("filtered list");
    assert_eq!(
        inactive
            .data
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        [created.id.as_str()]
    );

    let missing = client.retrieve_configuration("bpc_missing").unwrap_err();
    assert_eq!(missing.status(), Some(404));
    assert_eq!(missing.code(), Some("resource_missing"));
}

#[test]
fn updating_a_nonexistent_configuration_is_404() {
    let server = start();
    let (status, body) = post(&server, &format!("{CONFIGURATIONS}/bpc_nope"), "name=x");
    assert_eq!(body["error"]["code"], "resource_missing");
    assert_error(
        (status, body),
        404,
        "invalid_request_error",
        Some("configuration"),
    );
}

#[test]
fn configuration_lists_paginate() {
    let server = start();
    let mut ids = Vec::new();
    for _ in 0..4 {
        let (_, created) = post(
            &server,
            CONFIGURATIONS,
            "features[invoice_history][enabled]=true",
        );
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    // Newest first: ids[3], ids[2], ids[1], ids[0], then the default one.
    let page = |query: &str| {
        let (status, list) = get(&server, &format!("{CONFIGURATIONS}?{query}"));
        assert_eq!(status, 200, "{list:#}");
        let data: Vec<String> = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        (data, list["has_more"].as_bool().unwrap())
    };
    let (first, more) = page("limit=2");
    assert_eq!(first, [ids[3].clone(), ids[2].clone()]);
    assert!(more);
    let (second, more) = page(&format!("limit=2&starting_after={}", ids[2]));
    assert_eq!(second, [ids[1].clone(), ids[0].clone()]);
    assert!(more);
    let (third, more) = page(&format!("limit=2&starting_after={}", ids[0]));
    assert_eq!(third.len(), 1);
    assert!(!more);
    let (back, more) = page(&format!("limit=2&ending_before={}", ids[0]));
    assert_eq!(back, [ids[2].clone(), ids[1].clone()]);
    assert!(more);

    let (status, body) = get(
        &server,
        &format!("{CONFIGURATIONS}?starting_after=bpc_nope"),
    );
    assert_eq!(body["error"]["code"], "resource_missing");
    assert_error(
        (status, body),
        400,
        "invalid_request_error",
        Some("starting_after"),
    );
}

#[test]
fn expanding_feedback_options_of_a_configuration() {
    let server = start();
    let (_, created) = post(
        &server,
        CONFIGURATIONS,
        "features[subscription_cancel][enabled]=true&features[subscription_cancel][cancellation_reason][enabled]=true\
         &features[subscription_cancel][cancellation_reason][options]=&features[subscription_cancel][cancellation_reason][feedback_options][]=fbo_1\
         &expand[]=features.subscription_cancel.cancellation_reason.feedback_options",
    );
    let option =
        &created["features"]["subscription_cancel"]["cancellation_reason"]["feedback_options"][0];
    assert_eq!(option["id"], "fbo_1", "{created:#}");
    assert_eq!(option["object"], "billing.feedback_option");
}

// ---------------------------------------------------------------------------------------------
// Idempotency
// ---------------------------------------------------------------------------------------------

#[test]
fn the_same_key_with_the_same_params_replays_the_first_answer() {
    let server = start();
    let client = client(&server);
    let params = SessionCreateParams::for_customer("cus_123")
        .flow_data(FlowData::subscription_cancel("sub_123"));
    let options = RequestOptions::new().idempotency_key("order-1");
    let first = client.create_session_with(&params, &options).unwrap();
    let second = client.create_session_with(&params, &options).unwrap();
    assert_eq!(first, second);

    // Raw: the replay is marked.
    let mut response = agent()
        .post(format!("{}{SESSIONS}", server.url()))
        .header("Authorization", "Bearer sk_test_123")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Idempotency-Key", "raw-1")
        .send("customer=cus_1")
        .unwrap();
    let first_raw = response.body_mut().read_to_string().unwrap();
    let mut replay = agent()
        .post(format!("{}{SESSIONS}", server.url()))
        .header("Authorization", "Bearer sk_test_123")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Idempotency-Key", "raw-1")
        .send("customer=cus_1")
        .unwrap();
    assert_eq!(replay.headers().get("idempotent-replayed").unwrap(), "true");
    assert_eq!(replay.body_mut().read_to_string().unwrap(), first_raw);
}

#[test]
fn the_same_key_with_other_params_is_an_idempotency_error() {
    let server = start();
    let client = client(&server);
    let options = RequestOptions::new().idempotency_key("order-2");
    client
        .create_session_with(&SessionCreateParams::for_customer("cus_1"), &options)
        .unwrap();
    let error = client
        .create_session_with(&SessionCreateParams::for_customer("cus_2"), &options)
        .unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert_eq!(
        error.api_error().unwrap().kind,
        ApiErrorType::IdempotencyError
    );
}

#[test]
fn an_idempotency_key_belongs_to_one_connected_account() {
    let server = start();
    let client = client(&server);
    let first = client
        .create_session_with(
            &SessionCreateParams::for_customer("cus_1"),
            &RequestOptions::new()
                .idempotency_key("k")
                .stripe_account("acct_1"),
        )
        .unwrap();
    let other_account = client
        .create_session_with(
            &SessionCreateParams::for_customer("cus_2"),
            &RequestOptions::new()
                .idempotency_key("k")
                .stripe_account("acct_2"),
        )
        .expect("another account's key is its own");
    assert_ne!(first.data.id, other_account.data.id);
}

#[test]
fn a_cursor_that_the_filters_exclude_still_marks_a_place() {
    let server = start();
    let client = client(&server);
    let features = || FeaturesParams::new().invoice_history(InvoiceHistoryParams::new(true));
    let older = client
        .create_configuration(&ConfigurationCreateParams::new(features()))
        .unwrap();
    let middle = client
        .create_configuration(&ConfigurationCreateParams::new(features()))
        .unwrap();
    let newer = client
        .create_configuration(&ConfigurationCreateParams::new(features()))
        .unwrap();
    client
        .update_configuration(&middle.id, &ConfigurationUpdateParams::new().active(false))
        .unwrap();
    let page = client
        .list_configurations(
            &ConfigurationListParams::new()
                .active(true)
                .is_default(false)
                .starting_after(&middle.id),
        )
        .expect("an inactive cursor is still a place in the list");
    let ids: Vec<&str> = page.data.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [older.id.as_str()]);
    let page = client
        .list_configurations(
            &ConfigurationListParams::new()
                .active(true)
                .ending_before(&middle.id),
        )
        .unwrap();
    assert_eq!(
        page.data.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        [newer.id.as_str()]
    );
}

#[test]
fn a_key_first_used_with_invalid_params_is_not_remembered() {
    let server = start();
    let client = client(&server);
    let options = RequestOptions::new().idempotency_key("order-3");
    let error = client
        .create_session_with(&SessionCreateParams::new(), &options)
        .unwrap_err();
    assert_eq!(error.status(), Some(400));
    client
        .create_session_with(&SessionCreateParams::for_customer("cus_1"), &options)
        .expect("the key is still free");
}

// ---------------------------------------------------------------------------------------------
// Injected faults, seen by the client's retry logic
// ---------------------------------------------------------------------------------------------

#[test]
fn retries_503_with_the_same_idempotency_key_until_success() {
    let server = start();
    server.fail_next(2, 503);
    let response = client(&server)
        .create_session_with(
            &SessionCreateParams::for_customer("cus_123"),
            &RequestOptions::new(),
        )
        .unwrap();
    assert_eq!(response.attempts, 3);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let key = response.idempotency_key.unwrap();
    for request in &requests {
        assert_eq!(request.header("Idempotency-Key"), Some(key.as_str()));
    }
}

#[test]
fn a_400_with_stripe_should_retry_true_is_retried() {
    let server = start();
    server.fail_next_with_should_retry(1, 400, true);
    let response = client(&server)
        .create_session_with(
            &SessionCreateParams::for_customer("cus_123"),
            &RequestOptions::new(),
        )
        .unwrap();
    assert_eq!(response.attempts, 2);
}

#[test]
fn a_503_with_stripe_should_retry_false_is_not_retried() {
    let server = start();
    server.fail_next_with_should_retry(1, 503, false);
    let error = client(&server)
        .create_session(&SessionCreateParams::for_customer("cus_123"))
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.attempts(), 1);
    assert_eq!(error.api_error().unwrap().kind, ApiErrorType::ApiError);
}

#[test]
fn a_connection_closed_without_an_answer_is_retried() {
    let server = start();
    server.drop_next_connections(1);
    let response = client(&server)
        .create_session_with(
            &SessionCreateParams::for_customer("cus_123"),
            &RequestOptions::new(),
        )
        .unwrap();
    assert_eq!(response.attempts, 2);
    assert_eq!(server.requests().len(), 2);
    assert_one_key(&server, response.idempotency_key.as_deref());
}

/// Every recorded attempt carried the same idempotency key, the one given.
fn assert_one_key(server: &MockServer, expected: Option<&str>) {
    let keys: std::collections::BTreeSet<_> = server
        .requests()
        .iter()
        .map(|r| r.header("idempotency-key").map(str::to_owned))
        .collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(keys.into_iter().next().unwrap().as_deref(), expected);
}

#[test]
fn too_many_closed_connections_give_a_connection_error() {
    let server = start();
    server.drop_next_connections(3);
    let error = client(&server)
        .create_session(&SessionCreateParams::for_customer("cus_123"))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connection, "{error:?}");
    assert_eq!(error.attempts(), 3);
    assert_one_key(&server, error.idempotency_key());
}

#[test]
fn a_delay_beyond_the_client_timeout_is_a_timeout() {
    let server = start();
    server.delay_next(Duration::from_secs(2));
    let error = client_builder(&server)
        .timeout(Duration::from_millis(200))
        .max_network_retries(0)
        .build()
        .unwrap()
        .create_session(&SessionCreateParams::for_customer("cus_123"))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error:?}");
}

#[test]
fn a_delayed_answer_within_the_timeout_arrives() {
    let server = start();
    server.delay_next(Duration::from_millis(100));
    client(&server)
        .create_session(&SessionCreateParams::for_customer("cus_123"))
        .expect("the answer arrives late but in time");
}

#[test]
fn the_server_stops_when_dropped() {
    let server = start();
    let url = server.url().to_owned();
    drop(server);
    let error = Client::builder("sk_test_123")
        .base_url(&url)
        .max_network_retries(0)
        .build()
        .unwrap()
        .create_session(&SessionCreateParams::for_customer("cus_123"))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connection, "{error:?}");
}
