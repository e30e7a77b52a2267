//! Portal configurations over a loopback server: the exact wire pairs of every call, the
//! three states of an update, pagination, the objects, and a check against the OpenAPI spec.

mod common;

use std::collections::BTreeSet;

use common::spec::{check_against_spec, spec_keys};
use common::{pairs, Reply, TestServer};
use serde_json::{json, Value};
use stripe_billing_portal::mock::MockServer;
use stripe_billing_portal::*;

const LIST_PATH: &str = "/v1/billing_portal/configurations";

fn fixture() -> Value {
    let fixtures: Value =
        serde_json::from_str(include_str!("data/fixtures.json")).expect("fixtures.json");
    fixtures["billing_portal.configuration"].clone()
}

/// The fixture with another id, as a configuration Stripe would return.
fn configuration_json(id: &str) -> Value {
    let mut configuration = fixture();
    configuration["id"] = json!(id);
    configuration
}

fn configuration_reply(id: &str) -> Reply {
    Reply::json(200, configuration_json(id).to_string())
}

fn page(ids: &[&str], has_more: bool) -> Reply {
    let data: Vec<Value> = ids.iter().map(|id| configuration_json(id)).collect();
    Reply::json(
        200,
        json!({"object": "list", "data": data, "has_more": has_more, "url": LIST_PATH}).to_string(),
    )
}

fn ids(results: Vec<Result<Configuration, Error>>) -> Vec<String> {
    results
        .into_iter()
        .map(|r| r.expect("no error").id)
        .collect()
}

fn every_feature() -> FeaturesParams {
    FeaturesParams::new()
        .customer_update(
            CustomerUpdateParams::new(true)
                .allowed_updates([CustomerUpdateField::Email, CustomerUpdateField::TaxId]),
        )
        .invoice_history(InvoiceHistoryParams::new(true))
        .payment_method_update(
            PaymentMethodUpdateParams::new(false).payment_method_configuration("pmc_123"),
        )
        .subscription_cancel(
            SubscriptionCancelParams::new(true)
                .cancellation_reason(
                    CancellationReasonParams::new(
                        true,
                        [
                            CancellationReasonOption::TooExpensive,
                            CancellationReasonOption::Unused,
                        ],
                    )
                    .feedback_options(["bfo_1", "bfo_2"]),
                )
                .mode(CancelMode::Immediately)
                .proration_behavior(ProrationBehavior::CreateProrations),
        )
        .subscription_pause(SubscriptionPauseParams::new(true).duration(
            PauseDurationParams::interval_options([
                PauseIntervalOptionParams::new(PauseInterval::Month),
                PauseIntervalOptionParams::new(PauseInterval::Week).interval_count(6),
            ]),
        ))
        .subscription_update(
            SubscriptionUpdateParams::new(true)
                .billing_cycle_anchor(BillingCycleAnchor::Now)
                .default_allowed_updates([
                    SubscriptionUpdateField::Price,
                    SubscriptionUpdateField::Quantity,
                ])
                .product(
                    ProductParams::new("prod_1", ["price_1", "price_2"]).adjustable_quantity(
                        AdjustableQuantityParams::new(true).minimum(1).maximum(10),
                    ),
                )
                .proration_behavior(ProrationBehavior::AlwaysInvoice)
                .schedule_at_period_end(ScheduleAtPeriodEndParams::new([
                    ScheduleConditionType::ShorteningInterval,
                ]))
                .trial_update_behavior(TrialUpdateBehavior::ContinueTrial),
        )
}

// ---------------------------------------------------------------------------------------------
// Create, retrieve, update
// ---------------------------------------------------------------------------------------------

#[test]
fn create_sends_every_feature_as_indexed_bracket_pairs() {
    let server = TestServer::always(configuration_reply("bpc_new"));
    let params = ConfigurationCreateParams::new(every_feature())
        .business_profile(
            BusinessProfileParams::new()
                .headline("Acme")
                .privacy_policy_url("https://example.com/privacy")
                .terms_of_service_url("https://example.com/terms"),
        )
        .default_return_url("https://example.com/account")
        .login_page(LoginPageParams::new(true))
        .metadata("team", "billing")
        .name("Main")
        .expand("application");

    let configuration = server.client().create_configuration(&params).unwrap();

    assert_eq!(configuration.id, "bpc_new");
    let request = server.single();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, LIST_PATH);
    assert!(request.header("idempotency-key").is_some());
    assert_eq!(
        request.pairs(),
        pairs(&[
            ("business_profile[headline]", "Acme"),
            (
                "business_profile[privacy_policy_url]",
                "https://example.com/privacy"
            ),
            (
                "business_profile[terms_of_service_url]",
                "https://example.com/terms"
            ),
            ("default_return_url", "https://example.com/account"),
            ("features[customer_update][allowed_updates][0]", "email"),
            ("features[customer_update][allowed_updates][1]", "tax_id"),
            ("features[customer_update][enabled]", "true"),
            ("features[invoice_history][enabled]", "true"),
            ("features[payment_method_update][enabled]", "false"),
            (
                "features[payment_method_update][payment_method_configuration]",
                "pmc_123"
            ),
            (
                "features[subscription_cancel][cancellation_reason][enabled]",
                "true"
            ),
            (
                "features[subscription_cancel][cancellation_reason][feedback_options][0]",
                "bfo_1"
            ),
            (
                "features[subscription_cancel][cancellation_reason][feedback_options][1]",
                "bfo_2"
            ),
            (
                "features[subscription_cancel][cancellation_reason][options][0]",
                "too_expensive"
            ),
            (
                "features[subscription_cancel][cancellation_reason][options][1]",
                "unused"
            ),
            ("features[subscription_cancel][enabled]", "true"),
            ("features[subscription_cancel][mode]", "immediately"),
            (
                "features[subscription_cancel][proration_behavior]",
                "create_prorations"
            ),
            (
                "features[subscription_pause][duration][type]",
                "interval_options"
            ),
            (
                "features[subscription_pause][duration][interval_options][0][interval]",
                "month"
            ),
            (
                "features[subscription_pause][duration][interval_options][1][interval]",
                "week"
            ),
            (
                "features[subscription_pause][duration][interval_options][1][interval_count]",
                "6"
            ),
            ("features[subscription_pause][enabled]", "true"),
            ("features[subscription_update][billing_cycle_anchor]", "now"),
            (
                "features[subscription_update][default_allowed_updates][0]",
                "price"
            ),
            (
                "features[subscription_update][default_allowed_updates][1]",
                "quantity"
            ),
            ("features[subscription_update][enabled]", "true"),
            (
                "features[subscription_update][products][0][adjustable_quantity][enabled]",
                "true"
            ),
            (
                "features[subscription_update][products][0][adjustable_quantity][maximum]",
                "10"
            ),
            (
                "features[subscription_update][products][0][adjustable_quantity][minimum]",
                "1"
            ),
            (
                "features[subscription_update][products][0][prices][0]",
                "price_1"
            ),
            (
                "features[subscription_update][products][0][prices][1]",
                "price_2"
            ),
            (
                "features[subscription_update][products][0][product]",
                "prod_1"
            ),
            (
                "features[subscription_update][proration_behavior]",
                "always_invoice"
            ),
            (
                "features[subscription_update][schedule_at_period_end][conditions][0][type]",
                "shortening_interval"
            ),
            (
                "features[subscription_update][trial_update_behavior]",
                "continue_trial"
            ),
            ("login_page[enabled]", "true"),
            ("metadata[team]", "billing"),
            ("name", "Main"),
            ("expand[0]", "application"),
        ])
    );
}

#[test]
fn create_with_only_features_sends_only_features() {
    let server = TestServer::always(configuration_reply("bpc_new"));
    let features = FeaturesParams::new().subscription_pause(
        SubscriptionPauseParams::unchanged().duration(PauseDurationParams::indefinite()),
    );

    server
        .client()
        .create_configuration(&ConfigurationCreateParams::new(features))
        .unwrap();

    assert_eq!(
        server.single().pairs(),
        pairs(&[("features[subscription_pause][duration][type]", "indefinite")])
    );
}

#[test]
fn create_sends_empty_lists_only_when_cleared() {
    let server = TestServer::always(configuration_reply("bpc_new"));
    let features = FeaturesParams::new()
        .customer_update(CustomerUpdateParams::new(true).clear_allowed_updates())
        .subscription_cancel(
            SubscriptionCancelParams::new(false).cancellation_reason(
                CancellationReasonParams::new(false, Vec::<CancellationReasonOption>::new())
                    .clear_feedback_options(),
            ),
        )
        .subscription_update(
            SubscriptionUpdateParams::new(false)
                .default_allowed_updates(Vec::<SubscriptionUpdateField>::new())
                .clear_products(),
        );

    server
        .client()
        .create_configuration(&ConfigurationCreateParams::new(features))
        .unwrap();

    // The empty `options` and `default_allowed_updates` lists send nothing; only the
    // explicit clears send `""`.
    assert_eq!(
        server.single().pairs(),
        pairs(&[
            ("features[customer_update][allowed_updates]", ""),
            ("features[customer_update][enabled]", "true"),
            (
                "features[subscription_cancel][cancellation_reason][enabled]",
                "false"
            ),
            (
                "features[subscription_cancel][cancellation_reason][feedback_options]",
                ""
            ),
            ("features[subscription_cancel][enabled]", "false"),
            ("features[subscription_update][enabled]", "false"),
            ("features[subscription_update][products]", ""),
        ])
    );
}

#[test]
fn retrieve_gets_the_configuration_path_with_expand_in_the_query() {
    let server = TestServer::always(configuration_reply("bpc_123"));
    let client = server.client();

    let plain = client.retrieve_configuration("bpc_123").unwrap();
    let expanded = client
        .retrieve_configuration_with(
            "bpc_123",
            &ConfigurationRetrieveParams::new().expand("application"),
            &RequestOptions::new().stripe_account("acct_1"),
        )
        .unwrap()
        .data;

    assert_eq!(
        (plain.id.as_str(), expanded.id.as_str()),
        ("bpc_123", "bpc_123")
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.method == "GET"
        && r.path == "/v1/billing_portal/configurations/bpc_123"
        && r.body.is_empty()
        && r.header("idempotency-key").is_none()));
    assert_eq!(requests[0].query, None);
    assert_eq!(
        requests[1].query_pairs(),
        pairs(&[("expand[0]", "application")])
    );
    assert_eq!(requests[1].header("stripe-account"), Some("acct_1"));
}

#[test]
fn update_sends_set_and_cleared_fields_and_leaves_the_rest_out() {
    let server = TestServer::always(configuration_reply("bpc_123"));
    let params = ConfigurationUpdateParams::new()
        .active(false)
        .business_profile(
            BusinessProfileParams::new()
                .headline("New headline")
                .clear_privacy_policy_url()
                .clear_terms_of_service_url(),
        )
        .clear_default_return_url()
        .features(every_feature_cleared(false))
        .metadata("team", "growth")
        .remove_metadata("legacy")
        .clear_name();

    let updated = server
        .client()
        .update_configuration("bpc_123", &params)
        .unwrap();

    assert_eq!(updated.id, "bpc_123");
    let request = server.single();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/billing_portal/configurations/bpc_123");
    assert_eq!(
        request.pairs(),
        pairs(&[
            ("active", "false"),
            ("business_profile[headline]", "New headline"),
            ("business_profile[privacy_policy_url]", ""),
            ("business_profile[terms_of_service_url]", ""),
            ("default_return_url", ""),
            ("features[customer_update][allowed_updates]", ""),
            ("features[customer_update][enabled]", "true"),
            ("features[payment_method_update][enabled]", "true"),
            (
                "features[payment_method_update][payment_method_configuration]",
                ""
            ),
            (
                "features[subscription_cancel][cancellation_reason][enabled]",
                "true"
            ),
            (
                "features[subscription_cancel][cancellation_reason][feedback_options]",
                ""
            ),
            (
                "features[subscription_cancel][cancellation_reason][options]",
                ""
            ),
            ("features[subscription_cancel][enabled]", "true"),
            ("features[subscription_pause][duration][type]", "indefinite"),
            (
                "features[subscription_pause][duration][interval_options]",
                ""
            ),
            ("features[subscription_pause][enabled]", "true"),
            ("features[subscription_update][default_allowed_updates]", ""),
            ("features[subscription_update][enabled]", "true"),
            ("features[subscription_update][products]", ""),
            (
                "features[subscription_update][schedule_at_period_end][conditions]",
                ""
            ),
            ("metadata[legacy]", ""),
            ("metadata[team]", "growth"),
            ("name", ""),
        ])
    );
}

/// Each feature whose `enabled` the spec makes optional on update, built without it.
fn every_feature_unchanged() -> FeaturesParams {
    FeaturesParams::new()
        .customer_update(
            CustomerUpdateParams::unchanged().allowed_updates([CustomerUpdateField::Email]),
        )
        .subscription_cancel(SubscriptionCancelParams::unchanged().mode(CancelMode::Immediately))
        .subscription_pause(
            SubscriptionPauseParams::unchanged().duration(PauseDurationParams::indefinite()),
        )
        .subscription_update(
            SubscriptionUpdateParams::unchanged().proration_behavior(ProrationBehavior::None),
        )
}

#[test]
fn update_can_change_a_feature_without_switching_it_on_or_off() {
    let server = TestServer::always(configuration_reply("bpc_123"));
    let params = ConfigurationUpdateParams::new().features(every_feature_unchanged());

    let client = server.client();
    client.update_configuration("bpc_123", &params).unwrap();

    assert_eq!(
        sent_pairs(&server),
        pairs(&[
            ("features[customer_update][allowed_updates][0]", "email"),
            ("features[subscription_cancel][mode]", "immediately"),
            ("features[subscription_pause][duration][type]", "indefinite"),
            ("features[subscription_update][proration_behavior]", "none"),
        ])
    );
}

#[test]
fn a_feature_updated_without_enabled_stays_on_or_off_in_the_local_server() {
    let server = MockServer::start().unwrap();
    let client = Client::builder("sk_test_123")
        .base_url(server.url())
        .build()
        .unwrap();
    let created = client
        .create_configuration(&ConfigurationCreateParams::new(
            FeaturesParams::new()
                .customer_update(CustomerUpdateParams::new(true))
                .subscription_cancel(SubscriptionCancelParams::new(true))
                .subscription_pause(SubscriptionPauseParams::new(true))
                .subscription_update(SubscriptionUpdateParams::new(false)),
        ))
        .unwrap();

    let updated = client
        .update_configuration(
            &created.id,
            &ConfigurationUpdateParams::new().features(every_feature_unchanged()),
        )
        .unwrap();

    let features = updated.features;
    assert!(features.customer_update.enabled);
    assert_eq!(
        features.customer_update.allowed_updates,
        [CustomerUpdateField::Email]
    );
    assert!(features.subscription_cancel.enabled);
    assert_eq!(features.subscription_cancel.mode, CancelMode::Immediately);
    assert!(features.subscription_pause.unwrap().enabled);
    assert!(!features.subscription_update.enabled);
    assert_eq!(
        features.subscription_update.proration_behavior,
        ProrationBehavior::None
    );
}

#[test]
fn create_refuses_a_feature_left_unswitched_before_sending() {
    let server = TestServer::always(configuration_reply("bpc_new"));
    let client = server.client();
    let cases = [
        (
            "customer_update",
            FeaturesParams::new().customer_update(CustomerUpdateParams::unchanged()),
        ),
        (
            "subscription_cancel",
            FeaturesParams::new()
                .invoice_history(InvoiceHistoryParams::new(true))
                .subscription_cancel(SubscriptionCancelParams::unchanged()),
        ),
        (
            "subscription_update",
            FeaturesParams::new()
                .subscription_update(SubscriptionUpdateParams::unchanged().clear_products()),
        ),
    ];
    for (feature, features) in cases {
        let error = client
            .create_configuration(&ConfigurationCreateParams::new(features))
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
        assert_eq!(error.attempts(), 0);
        assert!(
            error.to_string().contains(&format!(
                "features[{feature}][enabled] is required on create"
            )),
            "{error}"
        );
    }
    // The same params from JSON, as a file might give them.
    let params: ConfigurationCreateParams = serde_json::from_value(
        json!({"features": {"subscription_cancel": {"mode": "immediately"}}}),
    )
    .unwrap();
    assert_eq!(
        client.create_configuration(&params).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert!(server.requests().is_empty());
    // Pausing is the one feature whose `enabled` create leaves optional.
    client
        .create_configuration(&ConfigurationCreateParams::new(
            FeaturesParams::new().subscription_pause(SubscriptionPauseParams::unchanged()),
        ))
        .unwrap();
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn update_sets_values_where_clear_was_possible() {
    let server = TestServer::always(configuration_reply("bpc_123"));
    let params = ConfigurationUpdateParams::new()
        .default_return_url("https://example.com/back")
        .name("Renamed")
        .business_profile(BusinessProfileParams::new().privacy_policy_url("https://p.example"));

    server
        .client()
        .update_configuration("bpc_123", &params)
        .unwrap();

    assert_eq!(
        server.single().pairs(),
        pairs(&[
            ("business_profile[privacy_policy_url]", "https://p.example"),
            ("default_return_url", "https://example.com/back"),
            ("name", "Renamed"),
        ])
    );
}

#[test]
fn update_with_no_changes_sends_an_empty_body() {
    let server = TestServer::always(configuration_reply("bpc_123"));

    server
        .client()
        .update_configuration("bpc_123", &ConfigurationUpdateParams::new())
        .unwrap();

    assert_eq!(server.single().body, "");
}

#[test]
fn clear_metadata_sends_metadata_empty_and_replaces_earlier_keys() {
    let server = TestServer::always(configuration_reply("bpc_123"));
    let client = server.client();

    let cleared = ConfigurationUpdateParams::new()
        .metadata("a", "1")
        .remove_metadata("b")
        .clear_metadata();
    client.update_configuration("bpc_123", &cleared).unwrap();
    let set_after_clear = ConfigurationUpdateParams::new()
        .clear_metadata()
        .metadata("a", "1");
    client
        .update_configuration("bpc_123", &set_after_clear)
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests[0].pairs(), pairs(&[("metadata", "")]));
    assert_eq!(requests[1].pairs(), pairs(&[("metadata[a]", "1")]));
}

#[test]
fn update_with_options_uses_the_given_idempotency_key() {
    let server = TestServer::always(configuration_reply("bpc_123"));

    server
        .client()
        .update_configuration_with(
            "bpc_123",
            &ConfigurationUpdateParams::new().active(true),
            &RequestOptions::new().idempotency_key("key-1"),
        )
        .unwrap();

    assert_eq!(server.single().header("idempotency-key"), Some("key-1"));
}

#[test]
fn an_id_that_would_change_the_path_is_refused_without_a_request() {
    let server = TestServer::always(configuration_reply("bpc_123"));
    let client = server.client();
    let bad = [
        "",
        "bpc_1/../../v1/customers",
        "bpc_1?expand[]=x",
        "bpc_1#x",
        "bpc 1",
        "bpc_1%2F",
        "..",
        "bpc_é",
        "bpc_1\n",
    ];

    for id in bad {
        let retrieve = client.retrieve_configuration(id).unwrap_err();
        let update = client
            .update_configuration(id, &ConfigurationUpdateParams::new().active(true))
            .unwrap_err();
        assert_eq!(retrieve.kind(), ErrorKind::InvalidInput, "{id:?}");
        assert_eq!(update.kind(), ErrorKind::InvalidInput, "{id:?}");
    }
    assert!(server.requests().is_empty());
}

#[test]
fn stripe_errors_come_back_as_api_errors() {
    let server = TestServer::always(Reply::stripe_error(
        404,
        "invalid_request_error",
        "No such configuration: 'bpc_missing'",
    ));

    let error = server
        .client()
        .retrieve_configuration("bpc_missing")
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.status(), Some(404));
}

// ---------------------------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------------------------

#[test]
fn list_sends_its_params_as_the_query_and_returns_the_page() {
    let server = TestServer::always(page(&["bpc_1", "bpc_2"], true));
    let params = ConfigurationListParams::new()
        .active(true)
        .is_default(false)
        .limit(2)
        .expand("data.application")
        .starting_after("bpc_0");

    let list = server.client().list_configurations(&params).unwrap();

    assert_eq!(
        ids(list.data.into_iter().map(Ok).collect()),
        ["bpc_1", "bpc_2"]
    );
    assert!(list.has_more);
    assert_eq!(list.url, LIST_PATH);
    let request = server.single();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", LIST_PATH)
    );
    assert_eq!(
        request.query_pairs(),
        pairs(&[
            ("active", "true"),
            ("is_default", "false"),
            ("limit", "2"),
            ("expand[0]", "data.application"),
            ("starting_after", "bpc_0"),
        ])
    );
}

#[test]
fn list_without_params_sends_no_query() {
    let server = TestServer::always(page(&[], false));

    let list = server
        .client()
        .list_configurations_with(&ConfigurationListParams::new(), &RequestOptions::new())
        .unwrap()
        .data;

    assert!(list.data.is_empty() && !list.has_more);
    assert_eq!(server.single().query, None);
}

#[test]
fn iterator_sends_nothing_before_the_first_next() {
    let server = TestServer::always(page(&["bpc_1"], false));
    let client = server.client();

    let mut configurations = client.iter_configurations(&ConfigurationListParams::new());
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert!(server.requests().is_empty());

    assert_eq!(configurations.next().unwrap().unwrap().id, "bpc_1");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn iterator_walks_three_pages_forward_with_starting_after_the_last_id() {
    let server = TestServer::sequence(vec![
        page(&["bpc_1", "bpc_2"], true),
        page(&["bpc_3", "bpc_4"], true),
        page(&["bpc_5"], false),
    ]);
    let params = ConfigurationListParams::new().active(true).limit(2);

    let all: Vec<_> = server.client().iter_configurations(&params).collect();

    assert_eq!(ids(all), ["bpc_1", "bpc_2", "bpc_3", "bpc_4", "bpc_5"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let base = [("active", "true"), ("limit", "2")];
    assert_eq!(requests[0].query_pairs(), pairs(&base));
    assert_eq!(
        requests[1].query_pairs(),
        pairs(&[base[0], base[1], ("starting_after", "bpc_2")])
    );
    assert_eq!(
        requests[2].query_pairs(),
        pairs(&[base[0], base[1], ("starting_after", "bpc_4")])
    );
    assert!(
        requests
            .iter()
            .all(|r| r.path == LIST_PATH
                && !r.query_pairs().iter().any(|(k, _)| k == "ending_before"))
    );
}

#[test]
fn iterator_starts_after_the_callers_cursor() {
    let server = TestServer::sequence(vec![page(&["bpc_3"], true), page(&["bpc_4"], false)]);

    let all: Vec<_> = server
        .client()
        .iter_configurations(&ConfigurationListParams::new().starting_after("bpc_2"))
        .collect();

    assert_eq!(ids(all), ["bpc_3", "bpc_4"]);
    let requests = server.requests();
    assert_eq!(
        requests[0].query_pairs(),
        pairs(&[("starting_after", "bpc_2")])
    );
    assert_eq!(
        requests[1].query_pairs(),
        pairs(&[("starting_after", "bpc_3")])
    );
}

#[test]
fn iterator_from_ending_before_walks_backwards_reversing_each_page() {
    // Stripe answers every page newest first, including those before a cursor.
    let server = TestServer::sequence(vec![
        page(&["bpc_8", "bpc_7"], true),
        page(&["bpc_6", "bpc_5"], true),
        page(&["bpc_4"], false),
    ]);
    let params = ConfigurationListParams::new()
        .limit(2)
        .ending_before("bpc_9");

    let all: Vec<_> = server.client().iter_configurations(&params).collect();

    assert_eq!(ids(all), ["bpc_7", "bpc_8", "bpc_5", "bpc_6", "bpc_4"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for (request, cursor) in requests.iter().zip(["bpc_9", "bpc_8", "bpc_6"]) {
        assert_eq!(
            request.query_pairs(),
            pairs(&[("limit", "2"), ("ending_before", cursor)])
        );
    }
}

#[test]
fn iterator_refuses_both_cursors_without_a_request() {
    let server = TestServer::always(page(&["bpc_1"], false));
    let params = ConfigurationListParams::new()
        .starting_after("bpc_1")
        .ending_before("bpc_9");

    let mut configurations = server.client().iter_configurations(&params);

    assert_eq!(
        configurations.next().unwrap().unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert!(configurations.next().is_none());
    assert!(server.requests().is_empty());
}

#[test]
fn iterator_yields_the_first_page_then_the_error_then_stops_for_good() {
    let server = TestServer::sequence(vec![
        page(&["bpc_1", "bpc_2"], true),
        Reply::stripe_error(400, "invalid_request_error", "bad cursor"),
        page(&["bpc_3"], false),
    ]);

    let mut configurations = server
        .client()
        .iter_configurations(&ConfigurationListParams::new());

    assert_eq!(configurations.next().unwrap().unwrap().id, "bpc_1");
    assert_eq!(configurations.next().unwrap().unwrap().id, "bpc_2");
    let error = configurations.next().unwrap().unwrap_err();
    assert_eq!((error.kind(), error.status()), (ErrorKind::Api, Some(400)));
    assert!(configurations.next().is_none());
    assert!(configurations.next().is_none());
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn iterator_stops_at_an_empty_page_even_if_it_claims_more() {
    let server = TestServer::always(page(&[], true));

    let all: Vec<_> = server
        .client()
        .iter_configurations(&ConfigurationListParams::new())
        .collect();

    assert!(all.is_empty());
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn iterator_sends_the_request_options_with_every_page() {
    let server = TestServer::sequence(vec![page(&["bpc_1"], true), page(&["bpc_2"], false)]);

    let all: Vec<_> = server
        .client()
        .iter_configurations_with(
            &ConfigurationListParams::new(),
            &RequestOptions::new().stripe_account("acct_1"),
        )
        .collect();

    assert_eq!(ids(all), ["bpc_1", "bpc_2"]);
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("stripe-account") == Some("acct_1")));
}

// ---------------------------------------------------------------------------------------------
// Objects and params as JSON
// ---------------------------------------------------------------------------------------------

#[test]
fn the_fixture_deserializes_and_round_trips_to_the_same_json() {
    let configuration: Configuration = serde_json::from_value(fixture()).unwrap();

    assert_eq!(configuration.id, "bpc_1Pgc70B7WZ01zgkWSnFO04Vt");
    assert!(configuration.features.subscription_pause.is_none());
    assert_eq!(
        configuration.features.subscription_cancel.mode,
        CancelMode::AtPeriodEnd
    );
    assert_eq!(serde_json::to_value(&configuration).unwrap(), fixture());
}

#[test]
fn an_endive_configuration_with_new_fields_and_values_deserializes() {
    let json = json!({
        "id": "bpc_endive",
        "object": "billing_portal.configuration",
        "active": true,
        "application": {"id": "ca_1", "object": "application", "name": "Platform"},
        "business_profile": {"headline": "Hi", "privacy_policy_url": null, "terms_of_service_url": null},
        "created": 1_800_000_000,
        "default_return_url": "https://example.com",
        "features": {
            "customer_update": {"allowed_updates": ["email", "preferred_locales"], "enabled": true},
            "invoice_history": {"enabled": true},
            "payment_method_update": {"enabled": true, "payment_method_configuration": "pmc_1"},
            "subscription_cancel": {
                "cancellation_reason": {
                    "enabled": true,
                    "options": ["too_expensive", "brand_new_reason"],
                    "feedback_options": [
                        "bfo_1",
                        {
                            "id": "bfo_2",
                            "object": "billing.feedback_option",
                            "description": "Too many emails",
                            "livemode": false,
                            "status": "active",
                            "status_transitions": {"deactivated_at": null}
                        }
                    ]
                },
                "enabled": true,
                "mode": "at_period_end",
                "proration_behavior": "none"
            },
            "subscription_pause": {
                "enabled": true,
                "duration": {
                    "type": "interval_options",
                    "interval_options": [
                        {"interval": "month", "interval_count": 1},
                        {"interval": "fortnight", "interval_count": 2}
                    ]
                },
                "brand_new_setting": true
            },
            "subscription_update": {
                "billing_cycle_anchor": "unchanged",
                "default_allowed_updates": ["price"],
                "enabled": true,
                "products": [{
                    "adjustable_quantity": {"enabled": true, "maximum": null, "minimum": 1},
                    "prices": ["price_1"],
                    "product": "prod_1"
                }],
                "proration_behavior": "always_invoice",
                "schedule_at_period_end": {"conditions": [{"type": "shortening_interval"}]},
                "trial_update_behavior": "continue_trial"
            },
            "brand_new_feature": {"enabled": true}
        },
        "is_default": false,
        "livemode": false,
        "login_page": {"enabled": true, "url": "https://billing.stripe.com/p/login/test_1"},
        "metadata": {"team": "billing"},
        "name": "Endive",
        "updated": 1_800_000_001,
        "brand_new_top_level_field": "x"
    });

    let configuration: Configuration = serde_json::from_value(json).unwrap();

    let application = configuration.application.as_ref().unwrap();
    assert_eq!(application.id(), "ca_1");
    assert_eq!(
        application.as_object().unwrap().name.as_deref(),
        Some("Platform")
    );
    let features = &configuration.features;
    assert_eq!(
        features.customer_update.allowed_updates[1],
        CustomerUpdateField::Unknown("preferred_locales".into())
    );
    let reason = &features.subscription_cancel.cancellation_reason;
    assert_eq!(
        reason.options[1],
        CancellationReasonOption::from("brand_new_reason")
    );
    let feedback = reason.feedback_options.as_ref().unwrap();
    assert_eq!((feedback[0].id(), feedback[1].id()), ("bfo_1", "bfo_2"));
    let expanded = feedback[1].as_object().unwrap();
    assert_eq!(expanded.description, "Too many emails");
    assert_eq!(expanded.status, FeedbackOptionStatus::Active);
    let pause = features.subscription_pause.as_ref().unwrap();
    assert!(pause.enabled);
    assert_eq!(pause.duration.kind, PauseDurationType::IntervalOptions);
    assert_eq!(
        pause.duration.interval_options[0].interval,
        PauseInterval::Month
    );
    assert_eq!(
        pause.duration.interval_options[1].interval.as_str(),
        "fortnight"
    );
    let products = features.subscription_update.products.as_ref().unwrap();
    assert_eq!(products[0].adjustable_quantity.maximum, None);
    assert_eq!(
        configuration.login_page.url.as_deref(),
        Some("https://billing.stripe.com/p/login/test_1")
    );
}

#[test]
fn a_deleted_application_deserializes() {
    let mut json = fixture();
    json["application"] = json!({"id": "ca_2", "object": "application", "deleted": true});

    let configuration: Configuration = serde_json::from_value(json).unwrap();

    assert!(
        configuration
            .application
            .unwrap()
            .into_object()
            .unwrap()
            .deleted
    );
}

#[test]
fn a_list_page_round_trips_as_json() {
    let json = json!({"object": "list", "data": [fixture()], "has_more": false, "url": LIST_PATH});

    let list: List<Configuration> = serde_json::from_value(json.clone()).unwrap();

    assert_eq!(list.data.len(), 1);
    assert_eq!(serde_json::to_value(&list).unwrap(), json);
}

#[test]
fn update_params_from_json_read_empty_strings_as_clear() {
    let from_json: ConfigurationUpdateParams = serde_json::from_value(json!({
        "name": "",
        "metadata": {"legacy": "", "team": "growth"},
        "features": {
            "subscription_update": {"schedule_at_period_end": {"conditions": ""}, "products": ""},
            "customer_update": {"allowed_updates": ""}
        }
    }))
    .unwrap();
    let typed = ConfigurationUpdateParams::new()
        .features(
            FeaturesParams::new()
                .customer_update(CustomerUpdateParams::new(true).clear_allowed_updates())
                .subscription_update(
                    SubscriptionUpdateParams::new(true)
                        .clear_products()
                        .schedule_at_period_end(ScheduleAtPeriodEndParams::clear()),
                ),
        )
        .metadata("team", "growth")
        .remove_metadata("legacy")
        .clear_name();

    let from_json_pairs = form::to_pairs(&from_json).unwrap();
    // The typed value also sends `enabled`, which update params read from JSON may omit.
    let typed_pairs: Vec<_> = form::to_pairs(&typed)
        .unwrap()
        .into_iter()
        .filter(|(k, _)| !k.ends_with("[enabled]"))
        .collect();
    assert_eq!(from_json_pairs, typed_pairs);
    assert!(from_json_pairs.contains(&("name".into(), "".into())));
    let cleared: ConfigurationUpdateParams =
        serde_json::from_value(json!({"metadata": ""})).unwrap();
    assert_eq!(cleared, ConfigurationUpdateParams::new().clear_metadata());
}

#[test]
fn params_round_trip_through_json() {
    let create = ConfigurationCreateParams::new(every_feature())
        .metadata("a", "1")
        .name("n")
        .extra_param("future_param", json!({"x": 1}));
    let update = ConfigurationUpdateParams::new()
        .features(every_feature())
        .clear_default_return_url()
        .remove_metadata("a");
    let list = ConfigurationListParams::new()
        .limit(3)
        .ending_before("bpc_1");

    let create_back: ConfigurationCreateParams =
        serde_json::from_value(serde_json::to_value(&create).unwrap()).unwrap();
    let update_back: ConfigurationUpdateParams =
        serde_json::from_value(serde_json::to_value(&update).unwrap()).unwrap();
    let list_back: ConfigurationListParams =
        serde_json::from_value(serde_json::to_value(&list).unwrap()).unwrap();

    assert_eq!(create_back, create);
    assert_eq!(update_back, update);
    assert_eq!(list_back, list);
    assert!(form::to_pairs(&create)
        .unwrap()
        .contains(&("future_param[x]".into(), "1".into())));
}

#[test]
fn a_pause_duration_clears_its_interval_options_from_json_and_through_the_builders() {
    let json_duration = json!({"type": "indefinite", "interval_options": ""});
    let expected = pairs(&[
        ("features[subscription_pause][duration][type]", "indefinite"),
        (
            "features[subscription_pause][duration][interval_options]",
            "",
        ),
    ]);
    let typed = PauseDurationParams::indefinite().clear_interval_options();
    assert_eq!(
        serde_json::from_value::<PauseDurationParams>(json_duration.clone()).unwrap(),
        typed
    );
    let pause = SubscriptionPauseParams::unchanged().duration(typed);
    let on_create =
        ConfigurationCreateParams::new(FeaturesParams::new().subscription_pause(pause.clone()));
    let on_update =
        ConfigurationUpdateParams::new().features(FeaturesParams::new().subscription_pause(pause));
    let from_json: ConfigurationUpdateParams = serde_json::from_value(json!({
        "features": {"subscription_pause": {"duration": json_duration}}
    }))
    .unwrap();
    // Over the wire, on create and on update.
    let server = TestServer::always(configuration_reply("bpc_1"));
    let client = server.client();
    client.create_configuration(&on_create).unwrap();
    client.update_configuration("bpc_1", &on_update).unwrap();
    client.update_configuration("bpc_1", &from_json).unwrap();
    for request in server.requests() {
        assert_eq!(request.pairs(), expected, "{}", request.body);
    }
    // The local server takes it as Stripe does, and the options are gone.
    let mock = MockServer::start().unwrap();
    let client = Client::builder("sk_test_123")
        .base_url(mock.url())
        .build()
        .unwrap();
    let with_options = ConfigurationCreateParams::new(FeaturesParams::new().subscription_pause(
        SubscriptionPauseParams::new(true).duration(PauseDurationParams::interval_options([
            PauseIntervalOptionParams::new(PauseInterval::Month),
        ])),
    ));
    let created = client.create_configuration(&with_options).unwrap();
    let updated = client
        .update_configuration(&created.id, &from_json)
        .unwrap();
    let duration = updated.features.subscription_pause.unwrap().duration;
    assert_eq!(duration.kind, PauseDurationType::Indefinite);
    assert!(duration.interval_options.is_empty(), "{duration:?}");
    // A duration of another shape is still refused.
    for bad in [
        json!({"interval_options": ""}),
        json!({"type": "indefinite", "interval_options": "x"}),
    ] {
        assert!(
            serde_json::from_value::<PauseDurationParams>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn create_params_from_json_accept_empty_lists_and_require_features() {
    let params: ConfigurationCreateParams = serde_json::from_value(json!({
        "features": {
            "subscription_cancel": {
                "enabled": true,
                "cancellation_reason": {"enabled": false, "options": "", "feedback_options": ""}
            },
            "subscription_pause": {"duration": {"type": "interval_options"}}
        }
    }))
    .unwrap();

    assert_eq!(
        form::to_pairs(&params).unwrap(),
        pairs(&[
            (
                "features[subscription_cancel][cancellation_reason][enabled]",
                "false"
            ),
            (
                "features[subscription_cancel][cancellation_reason][feedback_options]",
                ""
            ),
            (
                "features[subscription_cancel][cancellation_reason][options]",
                ""
            ),
            ("features[subscription_cancel][enabled]", "true"),
            (
                "features[subscription_pause][duration][type]",
                "interval_options"
            ),
        ])
    );
    assert!(serde_json::from_value::<ConfigurationCreateParams>(json!({"name": "x"})).is_err());
}

// ---------------------------------------------------------------------------------------------
// The spec check: what the typed API sends, against what the OpenAPI file accepts
// ---------------------------------------------------------------------------------------------

/// Keys of the spec the typed API cannot send: none.
const UNREACHABLE: &[&str] = &[];

/// Every feature cleared where the spec allows `""`.
fn every_feature_cleared(create: bool) -> FeaturesParams {
    let mut update = SubscriptionUpdateParams::new(true)
        .clear_default_allowed_updates()
        .clear_products();
    if !create {
        update = update.schedule_at_period_end(ScheduleAtPeriodEndParams::clear());
    }
    FeaturesParams::new()
        .customer_update(CustomerUpdateParams::new(true).clear_allowed_updates())
        .payment_method_update(
            PaymentMethodUpdateParams::new(true).clear_payment_method_configuration(),
        )
        .subscription_cancel(
            SubscriptionCancelParams::new(true).cancellation_reason(
                CancellationReasonParams::new(true, [CancellationReasonOption::Other])
                    .clear_options()
                    .clear_feedback_options(),
            ),
        )
        .subscription_pause(
            SubscriptionPauseParams::new(true)
                .duration(PauseDurationParams::indefinite().clear_interval_options()),
        )
        .subscription_update(update)
}

fn sent_pairs(server: &TestServer) -> Vec<(String, String)> {
    server
        .requests()
        .iter()
        .flat_map(|r| {
            if r.method == "GET" {
                r.query_pairs()
            } else {
                r.pairs()
            }
        })
        .collect()
}

#[test]
fn create_reaches_every_spec_key_and_sends_no_other() {
    let server = TestServer::always(configuration_reply("bpc_1"));
    let client = server.client();
    let everything = ConfigurationCreateParams::new(every_feature())
        .business_profile(
            BusinessProfileParams::new()
                .headline("h")
                .privacy_policy_url("https://p")
                .terms_of_service_url("https://t"),
        )
        .default_return_url("https://r")
        .login_page(LoginPageParams::new(true))
        .metadata("k", "v")
        .name("n")
        .expand("application");
    // On create, `name` and `default_return_url` are plain strings: nothing to clear yet,
    // but the spec takes `""`, so a caller's empty string is sent as it is.
    let cleared = ConfigurationCreateParams::new(every_feature_cleared(true))
        .business_profile(BusinessProfileParams::new().clear_headline())
        .default_return_url("")
        .name("");

    client.create_configuration(&everything).unwrap();
    client.create_configuration(&cleared).unwrap();

    let spec = spec_keys("post", "/v1/billing_portal/configurations");
    assert!(spec
        .keys
        .contains("features[subscription_pause][duration][interval_options][N][interval_count]"));
    assert_eq!(spec.emptyable.len(), 10);
    check_against_spec("create", &spec, &sent_pairs(&server), UNREACHABLE);
}

#[test]
fn update_reaches_every_spec_key_including_each_clear_and_sends_no_other() {
    let server = TestServer::always(configuration_reply("bpc_1"));
    let client = server.client();
    let everything = ConfigurationUpdateParams::new()
        .active(true)
        .business_profile(
            BusinessProfileParams::new()
                .headline("h")
                .privacy_policy_url("https://p")
                .terms_of_service_url("https://t"),
        )
        .default_return_url("https://r")
        .features(every_feature())
        .login_page(LoginPageParams::new(false))
        .metadata("k", "v")
        .remove_metadata("old")
        .name("n")
        .expand("application");
    let cleared = ConfigurationUpdateParams::new()
        .business_profile(
            BusinessProfileParams::new()
                .clear_headline()
                .clear_privacy_policy_url()
                .clear_terms_of_service_url(),
        )
        .clear_default_return_url()
        .features(every_feature_cleared(false))
        .clear_metadata()
        .clear_name();

    client.update_configuration("bpc_1", &everything).unwrap();
    client.update_configuration("bpc_1", &cleared).unwrap();

    let spec = spec_keys("post", "/v1/billing_portal/configurations/{configuration}");
    assert!(spec.keys.contains("metadata") && spec.keys.contains("active"));
    assert_eq!(spec.emptyable.len(), 14);
    check_against_spec("update", &spec, &sent_pairs(&server), UNREACHABLE);
}

#[test]
fn list_and_retrieve_reach_every_spec_query_key_and_send_no_other() {
    let server = TestServer::always(page(&[], false));
    let client = server.client();
    let list = ConfigurationListParams::new()
        .active(true)
        .is_default(true)
        .limit(5)
        .expand("data.application")
        .starting_after("bpc_1");

    client.list_configurations(&list).unwrap();
    client
        .list_configurations(&ConfigurationListParams::new().ending_before("bpc_9"))
        .unwrap();
    let list_spec = spec_keys("get", "/v1/billing_portal/configurations");
    assert_eq!(list_spec.keys.len(), 6);
    check_against_spec("list", &list_spec, &sent_pairs(&server), &[]);

    let server = TestServer::always(configuration_reply("bpc_1"));
    server
        .client()
        .retrieve_configuration_with(
            "bpc_1",
            &ConfigurationRetrieveParams::new().expand("application"),
            &RequestOptions::new(),
        )
        .unwrap();
    let retrieve_spec = spec_keys("get", "/v1/billing_portal/configurations/{configuration}");
    assert_eq!(retrieve_spec.keys, BTreeSet::from(["expand[N]".to_owned()]));
    check_against_spec("retrieve", &retrieve_spec, &sent_pairs(&server), &[]);
}
