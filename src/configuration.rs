//! `billing_portal.configuration`: what the portal lets customers do.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::expandable::{Expandable, HasId};

/// A `billing_portal.configuration`: the features, business details and login page of a
/// portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Configuration {
    /// The id, `bpc_...`.
    pub id: String,
    /// Always `billing_portal.configuration`.
    #[serde(default = "configuration_object")]
    pub object: String,
    /// Whether the configuration can be used for new sessions.
    pub active: bool,
    /// The Connect application that created it: an id, or the application when `application`
    /// was expanded.
    #[serde(default)]
    pub application: Option<Expandable<Application>>,
    /// The business details shown in the portal.
    pub business_profile: BusinessProfile,
    /// When it was created, in Unix seconds.
    pub created: i64,
    /// Where "return to website" goes when a session sets no `return_url`.
    #[serde(default)]
    pub default_return_url: Option<String>,
    /// What customers can do in the portal.
    pub features: Features,
    /// Whether this is the account's default configuration.
    pub is_default: bool,
    /// Whether this is a live-mode object.
    pub livemode: bool,
    /// The shareable login page.
    pub login_page: LoginPage,
    /// Your key-value pairs.
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
    /// A name for your own reference.
    #[serde(default)]
    pub name: Option<String>,
    /// When it was last updated, in Unix seconds.
    pub updated: i64,
}

fn configuration_object() -> String {
    "billing_portal.configuration".to_owned()
}

impl HasId for Configuration {
    fn id(&self) -> &str {
        &self.id
    }
}

/// The business details shown in the portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BusinessProfile {
    /// The headline shown in the portal.
    #[serde(default)]
    pub headline: Option<String>,
    /// A link to the business's privacy policy.
    #[serde(default)]
    pub privacy_policy_url: Option<String>,
    /// A link to the business's terms of service.
    #[serde(default)]
    pub terms_of_service_url: Option<String>,
}

/// What customers can do in the portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Features {
    /// Updating their details.
    pub customer_update: CustomerUpdateFeature,
    /// Seeing their invoices.
    pub invoice_history: InvoiceHistoryFeature,
    /// Updating their payment methods.
    pub payment_method_update: PaymentMethodUpdateFeature,
    /// Cancelling subscriptions.
    pub subscription_cancel: SubscriptionCancelFeature,
    /// Pausing subscriptions. Always sent from API version 2026-10-28 on; missing before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_pause: Option<SubscriptionPauseFeature>,
    /// Changing plans.
    pub subscription_update: SubscriptionUpdateFeature,
}

/// The `customer_update` feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CustomerUpdateFeature {
    /// Which details customers can change.
    pub allowed_updates: Vec<CustomerUpdateField>,
    /// Whether the feature is on.
    pub enabled: bool,
}

open_enum! {
    /// A customer detail the portal can let customers change.
    pub enum CustomerUpdateField {
        /// Billing address.
        Address = "address",
        /// Email address.
        Email = "email",
        /// Name.
        Name = "name",
        /// Phone number.
        Phone = "phone",
        /// Shipping address.
        Shipping = "shipping",
        /// Tax ids.
        TaxId = "tax_id",
    }
}

/// The `invoice_history` feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InvoiceHistoryFeature {
    /// Whether the feature is on.
    pub enabled: bool,
}

/// The `payment_method_update` feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaymentMethodUpdateFeature {
    /// Whether the feature is on.
    pub enabled: bool,
    /// The payment method configuration used, when not the default one.
    #[serde(default)]
    pub payment_method_configuration: Option<String>,
}

/// The `subscription_cancel` feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubscriptionCancelFeature {
    /// Whether customers are asked why they cancel.
    pub cancellation_reason: CancellationReason,
    /// Whether the feature is on.
    pub enabled: bool,
    /// When a cancellation takes effect.
    pub mode: CancelMode,
    /// How prorations are handled on cancellation.
    pub proration_behavior: ProrationBehavior,
}

/// Whether and how customers are asked why they cancel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CancellationReason {
    /// Whether customers are asked.
    pub enabled: bool,
    /// The reasons offered.
    pub options: Vec<CancellationReasonOption>,
    /// Billing feedback options offered: ids, or the objects when expanded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_options: Option<Vec<Expandable<FeedbackOption>>>,
}

open_enum! {
    /// A cancellation reason a customer can pick.
    pub enum CancellationReasonOption {
        /// Customer service was less than expected.
        CustomerService = "customer_service",
        /// Quality was less than expected.
        LowQuality = "low_quality",
        /// Some features are missing.
        MissingFeatures = "missing_features",
        /// Another reason.
        Other = "other",
        /// Switched to another service.
        SwitchedService = "switched_service",
        /// Ease of use was less than expected.
        TooComplex = "too_complex",
        /// It is too expensive.
        TooExpensive = "too_expensive",
        /// It is not used enough.
        Unused = "unused",
    }
}

open_enum! {
    /// When a cancellation takes effect.
    pub enum CancelMode {
        /// At the end of the billing period.
        AtPeriodEnd = "at_period_end",
        /// At once.
        Immediately = "immediately",
    }
}

open_enum! {
    /// How prorations are handled when a subscription changes.
    pub enum ProrationBehavior {
        /// Prorate and invoice at once.
        AlwaysInvoice = "always_invoice",
        /// Prorate on the next invoice.
        CreateProrations = "create_prorations",
        /// No proration.
        None = "none",
    }
}

/// A Billing feedback option, when `feedback_options` was expanded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FeedbackOption {
    /// The id.
    pub id: String,
    /// Always `billing.feedback_option`.
    #[serde(default = "feedback_option_object")]
    pub object: String,
    /// The text customers see.
    pub description: String,
    /// Whether this is a live-mode object.
    pub livemode: bool,
    /// Whether it can be used.
    pub status: FeedbackOptionStatus,
    /// When its status changed.
    pub status_transitions: FeedbackOptionStatusTransitions,
}

fn feedback_option_object() -> String {
    "billing.feedback_option".to_owned()
}

impl HasId for FeedbackOption {
    fn id(&self) -> &str {
        &self.id
    }
}

open_enum! {
    /// Whether a feedback option can be used.
    pub enum FeedbackOptionStatus {
        /// It can be used.
        Active = "active",
        /// It was deactivated.
        Inactive = "inactive",
    }
}

/// When a feedback option's status changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FeedbackOptionStatusTransitions {
    /// When it was deactivated, in Unix seconds.
    #[serde(default)]
    pub deactivated_at: Option<i64>,
}

/// The `subscription_pause` feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubscriptionPauseFeature {
    /// Whether the feature is on.
    pub enabled: bool,
    /// How long customers can pause for.
    pub duration: PauseDuration,
}

/// How long customers can pause a subscription for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PauseDuration {
    /// Indefinitely, or for one of the `interval_options`.
    #[serde(rename = "type")]
    pub kind: PauseDurationType,
    /// The durations offered.
    #[serde(default)]
    pub interval_options: Vec<PauseIntervalOption>,
}

open_enum! {
    /// The kind of pause duration.
    pub enum PauseDurationType {
        /// Until the customer resumes.
        Indefinite = "indefinite",
        /// One of the configured interval options.
        IntervalOptions = "interval_options",
    }
}

/// A pause duration offered to customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PauseIntervalOption {
    /// The unit.
    pub interval: PauseInterval,
    /// How many units.
    pub interval_count: u32,
}

open_enum! {
    /// The unit of a pause duration.
    pub enum PauseInterval {
        /// Days.
        Day = "day",
        /// Months.
        Month = "month",
        /// Weeks.
        Week = "week",
        /// Years.
        Year = "year",
    }
}

/// The `subscription_update` feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubscriptionUpdateFeature {
    /// Whether a change resets the billing cycle anchor; `None` for Stripe's default.
    #[serde(default)]
    pub billing_cycle_anchor: Option<BillingCycleAnchor>,
    /// What customers can change.
    pub default_allowed_updates: Vec<SubscriptionUpdateField>,
    /// Whether the feature is on.
    pub enabled: bool,
    /// The products and prices customers can switch to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub products: Option<Vec<SubscriptionUpdateProduct>>,
    /// How prorations are handled on a change.
    pub proration_behavior: ProrationBehavior,
    /// Which changes wait until the end of the period.
    pub schedule_at_period_end: ScheduleAtPeriodEnd,
    /// What a change does to a trial.
    pub trial_update_behavior: TrialUpdateBehavior,
}

open_enum! {
    /// Whether a plan change resets the billing cycle anchor.
    pub enum BillingCycleAnchor {
        /// Reset it to now.
        Now = "now",
        /// Keep it.
        Unchanged = "unchanged",
    }
}

open_enum! {
    /// Something customers can change about a subscription.
    pub enum SubscriptionUpdateField {
        /// The price.
        Price = "price",
        /// A promotion code.
        PromotionCode = "promotion_code",
        /// The quantity.
        Quantity = "quantity",
    }
}

open_enum! {
    /// What a plan change does to a trial.
    pub enum TrialUpdateBehavior {
        /// The trial continues.
        ContinueTrial = "continue_trial",
        /// The trial ends.
        EndTrial = "end_trial",
    }
}

/// A product customers can switch to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubscriptionUpdateProduct {
    /// Whether and how customers can change the quantity.
    pub adjustable_quantity: AdjustableQuantity,
    /// The prices offered.
    pub prices: Vec<String>,
    /// The product `prod_...`.
    pub product: String,
}

/// Whether and how customers can change a quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AdjustableQuantity {
    /// Whether they can.
    pub enabled: bool,
    /// The largest quantity; `None` for no limit.
    #[serde(default)]
    pub maximum: Option<u64>,
    /// The smallest quantity.
    pub minimum: u64,
}

/// Which plan changes take effect only at the end of the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScheduleAtPeriodEnd {
    /// The conditions under which a change waits.
    pub conditions: Vec<ScheduleCondition>,
}

/// A condition under which a plan change waits until the end of the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScheduleCondition {
    /// The condition.
    #[serde(rename = "type")]
    pub kind: ScheduleConditionType,
}

open_enum! {
    /// A condition under which a plan change waits until the end of the period.
    pub enum ScheduleConditionType {
        /// The change lowers the amount of an item.
        DecreasingItemAmount = "decreasing_item_amount",
        /// The change shortens the billing interval.
        ShorteningInterval = "shortening_interval",
    }
}

/// The portal's shareable login page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LoginPage {
    /// Whether the login page is on.
    pub enabled: bool,
    /// The page's URL, when it is on.
    #[serde(default)]
    pub url: Option<String>,
}

/// The Connect application that created a configuration, when `application` was expanded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Application {
    /// The id, `ca_...`.
    pub id: String,
    /// Always `application`.
    #[serde(default = "application_object")]
    pub object: String,
    /// The application's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Whether the application was deleted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
}

fn application_object() -> String {
    "application".to_owned()
}

impl HasId for Application {
    fn id(&self) -> &str {
        &self.id
    }
}
