"""Drives stripe-python through the five billing portal operations against the base URL given
(the crate's MockServer), failing on anything Stripe would not answer. Used by
tests/stripe_python.rs."""
import sys

import stripe

client = stripe.StripeClient(
    "sk_test_conformance", base_addresses={"api": sys.argv[1]}, max_network_retries=0
)
portal = client.v1.billing_portal

session = portal.sessions.create(params={
    "customer": "cus_1",
    "return_url": "https://example.com/account",
    "locale": "fr-CA",
    "expand": ["configuration"],
    "after_expiration": {"type": "customer_login", "customer_login": {"expires_at": 1893456000}},
    "flow_data": {
        "type": "subscription_update_confirm",
        "subscription_update_confirm": {
            "subscription": "sub_1",
            "items": [{"id": "si_1", "price": "price_1", "quantity": 2}],
            "discounts": [{"coupon": "C"}],
        },
        "after_completion": {"type": "hosted_confirmation", "hosted_confirmation": {"custom_message": "Done"}},
    },
})
assert session.id.startswith("bps_"), session.id
assert session.flow.type == "subscription_update_confirm"
assert session.flow.subscription_update_confirm.items[0].quantity == 2
assert session.configuration.object == "billing_portal.configuration"
assert session.after_expiration.customer_login.expires_at == 1893456000

created = portal.configurations.create(params={
    "features": {
        "invoice_history": {"enabled": True},
        "subscription_pause": {"enabled": True, "duration": {"type": "interval_options",
            "interval_options": [{"interval": "month", "interval_count": 2}]}},
        "subscription_cancel": {"enabled": True, "cancellation_reason": {"enabled": True,
            "options": ["too_expensive"], "feedback_options": ""}},
    },
    "metadata": {"team": "billing", "tier": "gold"},
    "name": "Conformance",
})
assert created.features.subscription_pause.duration.interval_options[0].interval_count == 2
updated = portal.configurations.update(created.id, params={"name": "", "metadata": {"team": ""}, "active": False})
assert updated.name is None and updated.active is False, updated
assert updated.metadata.to_dict() == {"tier": "gold"}, updated.metadata
assert portal.configurations.retrieve(created.id, params={"expand": ["application"]}).id == created.id
listed = [c.id for c in portal.configurations.list(params={"limit": 1}).auto_paging_iter()]
assert len(listed) == 2 and created.id in listed, listed

try:
    portal.sessions.create(params={"customer": "cus_1", "flow_data": {"type": "subscription_cancel"}})
    raise SystemExit("a subscription_cancel flow without its subscription was accepted")
except stripe.InvalidRequestError as error:
    assert error.http_status == 400
    assert error.param == "flow_data[subscription_cancel][subscription]", error.param
print("stripe-python: all five operations answered as Stripe would")
