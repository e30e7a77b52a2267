//! `POST /v1/billing_portal/sessions`: the params, the flows, and the `billing_portal.session`.

use serde::{Deserialize, Serialize};

use crate::macros::Extra;
use crate::{Configuration, Expandable};

// ---------------------------------------------------------------------------------------------
// Params
// ---------------------------------------------------------------------------------------------

/// The params of [`Client::create_session`](crate::Client::create_session).
///
/// Every param is optional on the wire; a session is normally for a `customer` (or a
/// `customer_account`), so the constructors take one of those.
///
/// It serializes to, and deserializes from, the API's own JSON shape, so params can also come
/// from a file:
///
/// ```
/// use stripe_billing_portal::{form, SessionCreateParams};
///
/// let params: SessionCreateParams = serde_json::from_str(r#"{
///     "customer": "cus_1",
///     "flow_data": {"type": "subscription_cancel", "subscription_cancel": {"subscription": "sub_1"}}
/// }"#)?;
/// assert_eq!(
///     form::to_pairs(&params)?,
///     [
///         ("customer".to_string(), "cus_1".to_string()),
///         ("flow_data[type]".to_string(), "subscription_cancel".to_string()),
///         ("flow_data[subscription_cancel][subscription]".to_string(), "sub_1".to_string()),
///     ],
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionCreateParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customer_account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    configuration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    locale: Option<Locale>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    on_behalf_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    return_url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    expand: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after_expiration: Option<AfterExpiration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    flow_data: Option<FlowData>,
    #[serde(flatten)]
    extra: Extra,
}

impl SessionCreateParams {
    /// No params at all; set `customer` or `customer_account` before sending.
    pub fn new() -> Self {
        Self::default()
    }

    /// A session for the customer `cus_...`.
    pub fn for_customer(customer: impl Into<String>) -> Self {
        Self::new().customer(customer)
    }

    /// A session for the Accounts v2 account that represents the customer.
    pub fn for_customer_account(customer_account: impl Into<String>) -> Self {
        Self::new().customer_account(customer_account)
    }

    /// The customer `cus_...` the portal is for.
    pub fn customer(mut self, customer: impl Into<String>) -> Self {
        self.customer = Some(customer.into());
        self
    }

    /// The Accounts v2 account that represents the customer.
    pub fn customer_account(mut self, customer_account: impl Into<String>) -> Self {
        self.customer_account = Some(customer_account.into());
        self
    }

    /// The portal configuration `bpc_...` to use instead of the default one.
    pub fn configuration(mut self, configuration: impl Into<String>) -> Self {
        self.configuration = Some(configuration.into());
        self
    }

    /// The portal's language; [`Locale::Auto`] uses the customer's preferred locales.
    pub fn locale(mut self, locale: impl Into<Locale>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// The connected account the portal acts for: only its subscriptions and invoices show.
    pub fn on_behalf_of(mut self, account: impl Into<String>) -> Self {
        self.on_behalf_of = Some(account.into());
        self
    }

    /// Where the portal's "return to website" link goes; the configuration's
    /// `default_return_url` when not set.
    pub fn return_url(mut self, url: impl Into<String>) -> Self {
        self.return_url = Some(url.into());
        self
    }

    /// Asks for a field of the response to be expanded, such as `configuration`.
    /// Call it once per field.
    pub fn expand(mut self, field: impl Into<String>) -> Self {
        self.expand.push(field.into());
        self
    }

    /// What happens once the session has expired.
    pub fn after_expiration(mut self, after_expiration: AfterExpiration) -> Self {
        self.after_expiration = Some(after_expiration);
        self
    }

    /// A deep link into one flow instead of the portal's home page.
    pub fn flow_data(mut self, flow_data: impl Into<FlowData>) -> Self {
        self.flow_data = Some(flow_data.into());
        self
    }
}

/// A deep link into one portal flow, and what happens when the customer completes it: the
/// `flow_data` param.
///
/// Two layers: `FlowData` holds a [`Flow`] (the enum of the six flows, whose variants carry
/// the flow structs such as [`SubscriptionCancelFlow`]) and the
/// [`after_completion`](FlowData::after_completion) that every flow shares. The constructors
/// below build both layers for the common cases; a flow struct with options of its own
/// (a retention offer, several items, discounts) goes in through [`FlowData::new`] or `From`,
/// and its own `after_completion` returns the `FlowData` around it.
///
/// ```
/// use stripe_billing_portal::*;
///
/// let cancel = FlowData::subscription_cancel("sub_123")
///     .after_completion(AfterCompletion::redirect("https://example.com/done"));
///
/// // The same, from the flow struct.
/// let same = SubscriptionCancelFlow::new("sub_123")
///     .after_completion(AfterCompletion::redirect("https://example.com/done"));
/// assert_eq!(cancel, same);
///
/// let upgrade = FlowData::new(
///     SubscriptionUpdateConfirmFlow::new("sub_123", ConfirmItem::new("si_123").price("price_pro"))
///         .discount(ConfirmDiscount::coupon("SPRING")),
/// );
/// assert_eq!(upgrade.flow().type_str(), "subscription_update_confirm");
///
/// // A flow struct goes wherever a `FlowData` is taken.
/// let params = SessionCreateParams::for_customer("cus_123")
///     .flow_data(SubscriptionCancelFlow::new("sub_123").retention(Retention::coupon_offer("STAY")));
/// # let _ = params;
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowData {
    #[serde(flatten)]
    flow: Flow,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after_completion: Option<AfterCompletion>,
    #[serde(flatten)]
    extra: Extra,
}

impl FlowData {
    /// A deep link into `flow`.
    pub fn new(flow: impl Into<Flow>) -> Self {
        FlowData {
            flow: flow.into(),
            after_completion: None,
            extra: Extra::new(),
        }
    }

    /// Update the default payment method.
    pub fn payment_method_update() -> Self {
        Self::new(Flow::PaymentMethodUpdate)
    }

    /// Update the customer's details.
    pub fn customer_update() -> Self {
        Self::new(Flow::CustomerUpdate)
    }

    /// Cancel the subscription `sub_...`.
    pub fn subscription_cancel(subscription: impl Into<String>) -> Self {
        Self::new(SubscriptionCancelFlow::new(subscription))
    }

    /// Pause the subscription `sub_...`.
    pub fn subscription_pause(subscription: impl Into<String>) -> Self {
        Self::new(SubscriptionPauseFlow::new(subscription))
    }

    /// Choose a new plan for the subscription `sub_...`.
    pub fn subscription_update(subscription: impl Into<String>) -> Self {
        Self::new(SubscriptionUpdateFlow::new(subscription))
    }

    /// Confirm a given change to the subscription `sub_...`.
    pub fn subscription_update_confirm(subscription: impl Into<String>, item: ConfirmItem) -> Self {
        Self::new(SubscriptionUpdateConfirmFlow::new(subscription, item))
    }

    /// What happens after the customer completes the flow.
    pub fn after_completion(mut self, after_completion: AfterCompletion) -> Self {
        self.after_completion = Some(after_completion);
        self
    }

    /// The flow.
    pub fn flow(&self) -> &Flow {
        &self.flow
    }
}

impl From<Flow> for FlowData {
    fn from(flow: Flow) -> Self {
        FlowData::new(flow)
    }
}

tagged_params! {
    /// The flow of a [`FlowData`]: sent as `flow_data[type]` plus the flow's own data under
    /// the key of the same name.
    ///
    /// This is the inner layer; [`FlowData`] wraps it and adds `after_completion`. The
    /// `FlowData` constructors build both at once, and each flow struct (or a `Flow`) goes
    /// wherever a `FlowData` is taken, through `From`.
    pub enum Flow {
        /// Update the customer's default payment method.
        PaymentMethodUpdate = "payment_method_update",
        /// Update the customer's details (name, email, address, ...).
        CustomerUpdate = "customer_update",
        /// Cancel a subscription, optionally with a retention offer.
        SubscriptionCancel(SubscriptionCancelFlow) = "subscription_cancel",
        /// Pause a subscription.
        SubscriptionPause(SubscriptionPauseFlow) = "subscription_pause",
        /// Choose a new plan for a subscription.
        SubscriptionUpdate(SubscriptionUpdateFlow) = "subscription_update",
        /// Confirm a given update to a subscription.
        SubscriptionUpdateConfirm(SubscriptionUpdateConfirmFlow) = "subscription_update_confirm",
    }
}

/// What every flow struct shares: it is a [`Flow`] variant, it converts into a [`FlowData`]
/// (so [`SessionCreateParams::flow_data`] takes it as it is), and `after_completion` on it
/// wraps it in that `FlowData`, the layer that carries what happens after the flow.
macro_rules! flow_structs {
    ($($flow:ident => $variant:ident,)*) => {$(
        impl From<$flow> for Flow {
            fn from(flow: $flow) -> Self {
                Flow::$variant(flow)
            }
        }

        impl From<$flow> for FlowData {
            fn from(flow: $flow) -> Self {
                FlowData::new(flow)
            }
        }

        impl $flow {
            /// What happens after the customer completes the flow. `after_completion` belongs
            /// to the [`FlowData`] around a flow, so this returns one:
            /// `FlowData::new(self).after_completion(after_completion)`.
            pub fn after_completion(self, after_completion: AfterCompletion) -> FlowData {
                FlowData::new(self).after_completion(after_completion)
            }
        }
    )*};
}

flow_structs! {
    SubscriptionCancelFlow => SubscriptionCancel,
    SubscriptionPauseFlow => SubscriptionPause,
    SubscriptionUpdateFlow => SubscriptionUpdate,
    SubscriptionUpdateConfirmFlow => SubscriptionUpdateConfirm,
}

/// The `subscription_cancel` flow, the data of [`Flow::SubscriptionCancel`].
///
/// It goes into [`SessionCreateParams::flow_data`] as it is (it converts into a [`FlowData`]),
/// or through [`FlowData::new`]; [`after_completion`](Self::after_completion) wraps it in that
/// `FlowData`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionCancelFlow {
    subscription: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retention: Option<Retention>,
    #[serde(flatten)]
    extra: Extra,
}

impl SubscriptionCancelFlow {
    /// Cancel the subscription `sub_...`.
    pub fn new(subscription: impl Into<String>) -> Self {
        SubscriptionCancelFlow {
            subscription: subscription.into(),
            retention: None,
            extra: Extra::new(),
        }
    }

    /// An offer shown to the customer before they cancel.
    pub fn retention(mut self, retention: Retention) -> Self {
        self.retention = Some(retention);
        self
    }
}

tagged_params! {
    /// An offer made to a customer who is about to cancel.
    pub enum Retention {
        /// A coupon applied to the subscription if the customer accepts.
        CouponOffer(CouponOffer) = "coupon_offer",
    }
}

impl Retention {
    /// Offer the coupon `coupon` instead of cancelling.
    pub fn coupon_offer(coupon: impl Into<String>) -> Self {
        Retention::CouponOffer(CouponOffer {
            coupon: coupon.into(),
            extra: Extra::new(),
        })
    }
}

/// The data of [`Retention::CouponOffer`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouponOffer {
    coupon: String,
    #[serde(flatten)]
    extra: Extra,
}

impl CouponOffer {
    /// Offer the coupon `coupon`.
    pub fn new(coupon: impl Into<String>) -> Self {
        CouponOffer {
            coupon: coupon.into(),
            extra: Extra::new(),
        }
    }
}

/// The `subscription_pause` flow, the data of [`Flow::SubscriptionPause`].
///
/// It goes into [`SessionCreateParams::flow_data`] as it is (it converts into a [`FlowData`]),
/// or through [`FlowData::new`]; [`after_completion`](Self::after_completion) wraps it in that
/// `FlowData`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionPauseFlow {
    subscription: String,
    #[serde(flatten)]
    extra: Extra,
}

impl SubscriptionPauseFlow {
    /// Pause the subscription `sub_...`.
    pub fn new(subscription: impl Into<String>) -> Self {
        SubscriptionPauseFlow {
            subscription: subscription.into(),
            extra: Extra::new(),
        }
    }
}

/// The `subscription_update` flow, the data of [`Flow::SubscriptionUpdate`].
///
/// It goes into [`SessionCreateParams::flow_data`] as it is (it converts into a [`FlowData`]),
/// or through [`FlowData::new`]; [`after_completion`](Self::after_completion) wraps it in that
/// `FlowData`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionUpdateFlow {
    subscription: String,
    #[serde(flatten)]
    extra: Extra,
}

impl SubscriptionUpdateFlow {
    /// Choose a new plan for the subscription `sub_...`.
    pub fn new(subscription: impl Into<String>) -> Self {
        SubscriptionUpdateFlow {
            subscription: subscription.into(),
            extra: Extra::new(),
        }
    }
}

/// The `subscription_update_confirm` flow, the data of [`Flow::SubscriptionUpdateConfirm`]: a
/// given change the customer only confirms.
///
/// Stripe currently accepts one item, and only for subscriptions with a single item.
///
/// It goes into [`SessionCreateParams::flow_data`] as it is (it converts into a [`FlowData`]),
/// or through [`FlowData::new`]; [`after_completion`](Self::after_completion) wraps it in that
/// `FlowData`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionUpdateConfirmFlow {
    subscription: String,
    items: Vec<ConfirmItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    discounts: Vec<ConfirmDiscount>,
    #[serde(flatten)]
    extra: Extra,
}

impl SubscriptionUpdateConfirmFlow {
    /// Confirm the change `item` to the subscription `sub_...`.
    pub fn new(subscription: impl Into<String>, item: ConfirmItem) -> Self {
        SubscriptionUpdateConfirmFlow {
            subscription: subscription.into(),
            items: vec![item],
            discounts: Vec::new(),
            extra: Extra::new(),
        }
    }

    /// Adds another item to change.
    pub fn item(mut self, item: ConfirmItem) -> Self {
        self.items.push(item);
        self
    }

    /// Adds a discount applied with the change.
    pub fn discount(mut self, discount: ConfirmDiscount) -> Self {
        self.discounts.push(discount);
        self
    }
}

/// A subscription item to change in a [`SubscriptionUpdateConfirmFlow`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfirmItem {
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    price: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quantity: Option<u64>,
    #[serde(flatten)]
    extra: Extra,
}

impl ConfirmItem {
    /// Change the subscription item `si_...`.
    pub fn new(id: impl Into<String>) -> Self {
        ConfirmItem {
            id: id.into(),
            price: None,
            quantity: None,
            extra: Extra::new(),
        }
    }

    /// The new price `price_...`; it must be among the configuration's
    /// `features.subscription_update.products`.
    pub fn price(mut self, price: impl Into<String>) -> Self {
        self.price = Some(price.into());
        self
    }

    /// The new quantity.
    pub fn quantity(mut self, quantity: u64) -> Self {
        self.quantity = Some(quantity);
        self
    }
}

/// A discount applied in a [`SubscriptionUpdateConfirmFlow`]: a coupon or a promotion code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfirmDiscount {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    coupon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    promotion_code: Option<String>,
    #[serde(flatten)]
    extra: Extra,
}

impl ConfirmDiscount {
    /// Apply the coupon `coupon`.
    pub fn coupon(coupon: impl Into<String>) -> Self {
        ConfirmDiscount {
            coupon: Some(coupon.into()),
            promotion_code: None,
            extra: Extra::new(),
        }
    }

    /// Apply the promotion code `promo_...`.
    pub fn promotion_code(promotion_code: impl Into<String>) -> Self {
        ConfirmDiscount {
            coupon: None,
            promotion_code: Some(promotion_code.into()),
            extra: Extra::new(),
        }
    }
}

tagged_params! {
    /// What happens after the customer completes a flow.
    pub enum AfterCompletion {
        /// Show a link back to the portal's home page.
        PortalHomepage = "portal_homepage",
        /// Show a confirmation page, optionally with a message.
        HostedConfirmation(HostedConfirmation, default) = "hosted_confirmation",
        /// Send the customer to a URL.
        Redirect(Redirect) = "redirect",
    }
}

impl AfterCompletion {
    /// Show a link back to the portal's home page.
    pub fn portal_homepage() -> Self {
        AfterCompletion::PortalHomepage
    }

    /// Show Stripe's confirmation page.
    pub fn hosted_confirmation() -> Self {
        AfterCompletion::HostedConfirmation(HostedConfirmation::default())
    }

    /// Show Stripe's confirmation page with `message` (at most 500 characters).
    pub fn hosted_confirmation_with_message(message: impl Into<String>) -> Self {
        AfterCompletion::HostedConfirmation(HostedConfirmation {
            custom_message: Some(message.into()),
            extra: Extra::new(),
        })
    }

    /// Send the customer to `return_url`.
    pub fn redirect(return_url: impl Into<String>) -> Self {
        AfterCompletion::Redirect(Redirect {
            return_url: return_url.into(),
            extra: Extra::new(),
        })
    }
}

/// The data of [`AfterCompletion::HostedConfirmation`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HostedConfirmation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    custom_message: Option<String>,
    #[serde(flatten)]
    extra: Extra,
}

/// The data of [`AfterCompletion::Redirect`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Redirect {
    return_url: String,
    #[serde(flatten)]
    extra: Extra,
}

tagged_params! {
    /// What happens once a session has expired.
    pub enum AfterExpiration {
        /// The customer can log in to recover the session, optionally until a deadline.
        CustomerLogin(CustomerLogin, default) = "customer_login",
    }
}

impl AfterExpiration {
    /// The customer can log in to recover the session, with no deadline.
    pub fn customer_login() -> Self {
        AfterExpiration::CustomerLogin(CustomerLogin::default())
    }

    /// The customer can log in to recover the session until `expires_at` (Unix seconds).
    pub fn customer_login_until(expires_at: i64) -> Self {
        AfterExpiration::CustomerLogin(CustomerLogin {
            expires_at: Some(expires_at),
            extra: Extra::new(),
        })
    }
}

/// The data of [`AfterExpiration::CustomerLogin`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerLogin {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<i64>,
    #[serde(flatten)]
    extra: Extra,
}

extra_params!(
    SessionCreateParams,
    FlowData,
    SubscriptionCancelFlow,
    CouponOffer,
    SubscriptionPauseFlow,
    SubscriptionUpdateFlow,
    SubscriptionUpdateConfirmFlow,
    ConfirmItem,
    ConfirmDiscount,
    HostedConfirmation,
    Redirect,
    CustomerLogin,
);

open_enum! {
    /// The portal's language: one of the 47 Stripe lists, or any other tag with `From<&str>`.
    pub enum Locale {
        /// The customer's `preferred_locales`, then the browser's language.
        Auto = "auto",
        /// Bulgarian.
        Bg = "bg",
        /// Czech.
        Cs = "cs",
        /// Danish.
        Da = "da",
        /// German.
        De = "de",
        /// Greek.
        El = "el",
        /// English.
        En = "en",
        /// English (Australia).
        EnAu = "en-AU",
        /// English (Canada).
        EnCa = "en-CA",
        /// English (United Kingdom).
        EnGb = "en-GB",
        /// English (Ireland).
        EnIe = "en-IE",
        /// English (India).
        EnIn = "en-IN",
        /// English (New Zealand).
        EnNz = "en-NZ",
        /// English (Singapore).
        EnSg = "en-SG",
        /// Spanish.
        Es = "es",
        /// Spanish (Latin America).
        Es419 = "es-419",
        /// Estonian.
        Et = "et",
        /// Finnish.
        Fi = "fi",
        /// Filipino.
        Fil = "fil",
        /// French.
        Fr = "fr",
        /// French (Canada).
        FrCa = "fr-CA",
        /// Croatian.
        Hr = "hr",
        /// Hungarian.
        Hu = "hu",
        /// Indonesian.
        Id = "id",
        /// Italian.
        It = "it",
        /// Japanese.
        Ja = "ja",
        /// Korean.
        Ko = "ko",
        /// Lithuanian.
        Lt = "lt",
        /// Latvian.
        Lv = "lv",
        /// Malay.
        Ms = "ms",
        /// Maltese.
        Mt = "mt",
        /// Norwegian Bokmål.
        Nb = "nb",
        /// Dutch.
        Nl = "nl",
        /// Polish.
        Pl = "pl",
        /// Portuguese.
        Pt = "pt",
        /// Portuguese (Brazil).
        PtBr = "pt-BR",
        /// Romanian.
        Ro = "ro",
        /// Russian.
        Ru = "ru",
        /// Slovak.
        Sk = "sk",
        /// Slovenian.
        Sl = "sl",
        /// Swedish.
        Sv = "sv",
        /// Thai.
        Th = "th",
        /// Turkish.
        Tr = "tr",
        /// Vietnamese.
        Vi = "vi",
        /// Chinese (Simplified).
        Zh = "zh",
        /// Chinese (Hong Kong).
        ZhHk = "zh-HK",
        /// Chinese (Taiwan).
        ZhTw = "zh-TW",
    }
}

// ---------------------------------------------------------------------------------------------
// The billing_portal.session object
// ---------------------------------------------------------------------------------------------

/// A `billing_portal.session`: send the customer to its [`url`](Session::url).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Session {
    /// The id, `bps_...`.
    pub id: String,
    /// Always `billing_portal.session`.
    #[serde(default = "session_object")]
    pub object: String,
    /// What happens once the session has expired; missing before API version 2026-10-28.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_expiration: Option<SessionAfterExpiration>,
    /// The configuration used: its id, or the whole object when the request expanded
    /// `configuration`.
    pub configuration: Expandable<Configuration>,
    /// When the session was created, in Unix seconds.
    pub created: i64,
    /// The customer `cus_...`. Stripe documents it as always set; it is an `Option` in case a
    /// session made for a `customer_account` comes without one.
    #[serde(default)]
    pub customer: Option<String>,
    /// The Accounts v2 account that represents the customer.
    #[serde(default)]
    pub customer_account: Option<String>,
    /// The flow the session deep-links into, when `flow_data` was sent.
    #[serde(default)]
    pub flow: Option<SessionFlow>,
    /// Whether this is a live-mode session.
    pub livemode: bool,
    /// The portal's language, when one was set.
    #[serde(default)]
    pub locale: Option<Locale>,
    /// The connected account the portal acts for.
    #[serde(default)]
    pub on_behalf_of: Option<String>,
    /// Where the portal's "return to website" link goes.
    #[serde(default)]
    pub return_url: Option<String>,
    /// The short-lived portal URL: redirect the customer here.
    pub url: String,
}

fn session_object() -> String {
    "billing_portal.session".to_owned()
}

/// The `after_expiration` of a [`Session`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionAfterExpiration {
    /// What kind of recovery is offered.
    #[serde(rename = "type")]
    pub kind: AfterExpirationType,
    /// The details of `customer_login`.
    #[serde(default)]
    pub customer_login: Option<SessionCustomerLogin>,
}

open_enum! {
    /// The `type` of a session's `after_expiration`.
    pub enum AfterExpirationType {
        /// The customer can log in to recover the session.
        CustomerLogin = "customer_login",
    }
}

/// The `customer_login` of a session's `after_expiration`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionCustomerLogin {
    /// Until when (Unix seconds) the session can be recovered; `None` for no deadline.
    #[serde(default)]
    pub expires_at: Option<i64>,
}

/// The `flow` of a [`Session`]: what the session deep-links into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionFlow {
    /// Which flow.
    #[serde(rename = "type")]
    pub kind: FlowType,
    /// What happens after the customer completes the flow.
    pub after_completion: FlowAfterCompletion,
    /// Set for `customer_update` flows (it has no fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_update: Option<FlowCustomerUpdate>,
    /// Set for `subscription_cancel` flows.
    #[serde(default)]
    pub subscription_cancel: Option<FlowSubscriptionCancel>,
    /// Set for `subscription_pause` flows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_pause: Option<FlowSubscription>,
    /// Set for `subscription_update` flows.
    #[serde(default)]
    pub subscription_update: Option<FlowSubscription>,
    /// Set for `subscription_update_confirm` flows.
    #[serde(default)]
    pub subscription_update_confirm: Option<FlowSubscriptionUpdateConfirm>,
}

open_enum! {
    /// The `type` of a session's flow.
    pub enum FlowType {
        /// Update the customer's details.
        CustomerUpdate = "customer_update",
        /// Update the default payment method.
        PaymentMethodUpdate = "payment_method_update",
        /// Cancel a subscription.
        SubscriptionCancel = "subscription_cancel",
        /// Pause a subscription.
        SubscriptionPause = "subscription_pause",
        /// Choose a new plan for a subscription.
        SubscriptionUpdate = "subscription_update",
        /// Confirm a given update to a subscription.
        SubscriptionUpdateConfirm = "subscription_update_confirm",
    }
}

/// The `after_completion` of a session's flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FlowAfterCompletion {
    /// What happens.
    #[serde(rename = "type")]
    pub kind: AfterCompletionType,
    /// Set for `hosted_confirmation`.
    #[serde(default)]
    pub hosted_confirmation: Option<FlowHostedConfirmation>,
    /// Set for `redirect`.
    #[serde(default)]
    pub redirect: Option<FlowRedirect>,
}

open_enum! {
    /// The `type` of a flow's `after_completion`.
    pub enum AfterCompletionType {
        /// Stripe's confirmation page.
        HostedConfirmation = "hosted_confirmation",
        /// A link back to the portal's home page.
        PortalHomepage = "portal_homepage",
        /// A redirect to a URL.
        Redirect = "redirect",
    }
}

/// The `hosted_confirmation` of a flow's `after_completion`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FlowHostedConfirmation {
    /// The message shown on the confirmation page.
    #[serde(default)]
    pub custom_message: Option<String>,
}

/// The `redirect` of a flow's `after_completion`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FlowRedirect {
    /// Where the customer is sent.
    pub return_url: String,
}

/// The `customer_update` of a session's flow: Stripe sends an empty object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FlowCustomerUpdate {}

/// The subscription of a `subscription_pause` or `subscription_update` flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FlowSubscription {
    /// The subscription `sub_...`.
    pub subscription: String,
}

/// The `subscription_cancel` of a session's flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FlowSubscriptionCancel {
    /// The subscription `sub_...`.
    pub subscription: String,
    /// The retention offer shown before cancelling.
    #[serde(default)]
    pub retention: Option<FlowRetention>,
}

/// The retention offer of a `subscription_cancel` flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FlowRetention {
    /// What kind of offer.
    #[serde(rename = "type")]
    pub kind: RetentionType,
    /// Set for `coupon_offer`.
    #[serde(default)]
    pub coupon_offer: Option<FlowCouponOffer>,
}

open_enum! {
    /// The `type` of a retention offer.
    pub enum RetentionType {
        /// A coupon.
        CouponOffer = "coupon_offer",
    }
}

/// The coupon of a retention offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FlowCouponOffer {
    /// The coupon's id.
    pub coupon: String,
}

/// The `subscription_update_confirm` of a session's flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FlowSubscriptionUpdateConfirm {
    /// The subscription `sub_...`.
    pub subscription: String,
    /// The items to change.
    pub items: Vec<FlowConfirmItem>,
    /// The discounts applied with the change.
    #[serde(default)]
    pub discounts: Option<Vec<FlowConfirmDiscount>>,
}

/// An item of a `subscription_update_confirm` flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FlowConfirmItem {
    /// The subscription item `si_...`.
    #[serde(default)]
    pub id: Option<String>,
    /// The new price.
    #[serde(default)]
    pub price: Option<String>,
    /// The new quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u64>,
}

/// A discount of a `subscription_update_confirm` flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FlowConfirmDiscount {
    /// The coupon's id.
    #[serde(default)]
    pub coupon: Option<String>,
    /// The promotion code's id.
    #[serde(default)]
    pub promotion_code: Option<String>,
}
