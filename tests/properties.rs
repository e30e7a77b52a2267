//! Properties over arbitrary input: the encoder never loses or mangles a value, and no
//! response, however broken, makes a call panic.

mod common;

use std::sync::{Arc, Mutex};

use common::{Reply, TestServer};
use proptest::prelude::*;
use stripe_billing_portal::*;

/// Any Unicode, with the characters that matter to form encoding made frequent.
fn text() -> impl Strategy<Value = String> {
    let tricky = prop::sample::select(vec![
        '&', '=', '+', '[', ']', '%', '\n', '\r', ' ', '#', '?', '😀', 'é', '\0',
    ]);
    prop::collection::vec(prop_oneof![any::<char>(), tricky], 0..24)
        .prop_map(|chars| chars.into_iter().collect())
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn decoding_the_encoded_body_gives_back_exactly_the_pairs(
        customer in text(), account in text(), configuration in text(), locale in text(),
        on_behalf_of in text(), return_url in text(), expand in text(), subscription in text(),
        item in text(), price in text(), coupon in text(), promotion in text(), message in text(),
        extra_key in "[a-z_]{1,12}".prop_filter("a key no typed param sends", |k| ![
            "customer", "customer_account", "configuration", "locale", "on_behalf_of",
            "return_url", "expand", "flow_data",
        ].contains(&k.as_str())),
        extra_value in text(),
    ) {
        let params = SessionCreateParams::for_customer(&customer)
            .customer_account(&account)
            .configuration(&configuration)
            .locale(Locale::from(locale.as_str()))
            .on_behalf_of(&on_behalf_of)
            .return_url(&return_url)
            .expand(&expand)
            .flow_data(
                FlowData::new(
                    SubscriptionUpdateConfirmFlow::new(&subscription, ConfirmItem::new(&item).price(&price))
                        .discount(ConfirmDiscount::coupon(&coupon))
                        .discount(ConfirmDiscount::promotion_code(&promotion)),
                )
                .after_completion(AfterCompletion::hosted_confirmation_with_message(&message)),
            )
            .extra_param(&extra_key, extra_value.as_str());
        let body = form::to_string(&params).unwrap();
        let decoded: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap();
        let expected = owned(&[
            ("customer", &customer),
            ("customer_account", &account),
            ("configuration", &configuration),
            ("locale", &locale),
            ("on_behalf_of", &on_behalf_of),
            ("return_url", &return_url),
            ("expand[0]", &expand),
            ("flow_data[type]", "subscription_update_confirm"),
            ("flow_data[subscription_update_confirm][subscription]", &subscription),
            ("flow_data[subscription_update_confirm][items][0][id]", &item),
            ("flow_data[subscription_update_confirm][items][0][price]", &price),
            ("flow_data[subscription_update_confirm][discounts][0][coupon]", &coupon),
            ("flow_data[subscription_update_confirm][discounts][1][promotion_code]", &promotion),
            ("flow_data[after_completion][type]", "hosted_confirmation"),
            ("flow_data[after_completion][hosted_confirmation][custom_message]", &message),
            (&extra_key, &extra_value),
        ]);
        let mut keys: Vec<&String> = decoded.iter().map(|(k, _)| k).collect();
        keys.sort();
        keys.dedup();
        prop_assert_eq!(keys.len(), decoded.len(), "a key was sent twice");
        prop_assert_eq!(decoded, expected);
        // Only unreserved characters and escapes go on the wire.
        prop_assert!(body.bytes().all(|b| b.is_ascii_alphanumeric() || b"%&=+-_.*".contains(&b)), "{}", body);
    }

    #[test]
    fn map_keys_with_brackets_and_unicode_survive_the_round_trip(key in text(), value in text()) {
        let params = SessionCreateParams::new().extra_param("metadata", serde_json::json!({ key.clone(): value.clone() }));
        let decoded: Vec<(String, String)> = serde_urlencoded::from_str(&form::to_string(&params).unwrap()).unwrap();
        prop_assert_eq!(decoded, vec![(format!("metadata[{key}]"), value)]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, .. ProptestConfig::default() })]

    #[test]
    fn any_bytes_with_any_status_give_ok_or_err_never_a_panic(
        status in 200u16..600,
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..512),
            text().prop_map(String::into_bytes),
            Just(br#"{"error": {"type": 5}}"#.to_vec()),
            Just(br#"{"error": {"type": "api_error"}}"#.to_vec()),
            Just(br#"{"id": "bps_1", "object": "billing_portal.session", "configuration": {"id": 1}}"#.to_vec()),
        ],
    ) {
        let (server, reply) = shared_server();
        let mut head = format!("HTTP/1.1 {status} X\r\nConnection: close\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
        head.extend(&body);
        *reply.lock().unwrap() = head;
        let client = server.client_builder().max_network_retries(0).build().unwrap();
        let result = client.create_session(&SessionCreateParams::for_customer("cus_1"));
        if let Err(error) = result {
            // The error says something, whatever it is.
            prop_assert!(!error.to_string().is_empty());
        }
    }
}

/// One server for all cases of the property: each answers with the bytes in the slot.
fn shared_server() -> (&'static TestServer, Arc<Mutex<Vec<u8>>>) {
    static SERVER: std::sync::OnceLock<(TestServer, Arc<Mutex<Vec<u8>>>)> =
        std::sync::OnceLock::new();
    let (server, slot) = SERVER.get_or_init(|| {
        let slot: Arc<Mutex<Vec<u8>>> = Arc::default();
        let reply = slot.clone();
        (
            TestServer::start(move |_, _| Reply::Raw(reply.lock().unwrap().clone())),
            slot,
        )
    });
    (server, slot.clone())
}
