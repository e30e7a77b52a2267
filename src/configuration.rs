//! `/v1/billing_portal/configurations`: the calls, their params, and the
//! `billing_portal.configuration` object.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::expandable::{Expandable, HasId};
use crate::macros::Extra;
use crate::transport::Method;
use crate::{Clearable, Client, Error, List, ListIter, RequestOptions, Response};

const PATH: &str = "/v1/billing_portal/configurations";

// ---------------------------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------------------------

impl Client {
    /// Creates a portal configuration: `POST /v1/billing_portal/configurations`.
    ///
    /// # Errors
    ///
    /// Whatever [`Error`] describes: Stripe's answer, a network failure after the retries, or
    /// an answer that is not Stripe's. [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput),
    /// with nothing sent, for a `customer_update`, `subscription_cancel` or
    /// `subscription_update` feature built with `unchanged()`: create requires `enabled`.
    pub fn create_configuration(
        &self,
        params: &ConfigurationCreateParams,
    ) -> Result<Configuration, Error> {
        self.create_configuration_with(params, &RequestOptions::new())
            .map(|response| response.data)
    }

    /// [`Client::create_configuration`] with per-request options, returning the answer
    /// with its metadata ([`Response`]: request id, status, attempts, idempotency key).
    ///
    /// # Errors
    ///
    /// As [`Client::create_configuration`], and
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for an option that cannot be
    /// a header value.
    pub fn create_configuration_with(
        &self,
        params: &ConfigurationCreateParams,
        options: &RequestOptions,
    ) -> Result<Response<Configuration>, Error> {
        if let Some(feature) = params.features.unswitched_on_create() {
            return Err(Error::invalid_input(format!(
                "features[{feature}][enabled] is required on create: build the feature with \
                 `new(enabled)` (`unchanged()` is for updates)"
            )));
        }
        self.transport()
            .request(Method::Post, PATH, params, options)
    }

    /// Retrieves the configuration `bpc_...`: `GET /v1/billing_portal/configurations/{id}`.
    ///
    /// # Errors
    ///
    /// As [`Client::create_configuration`], and
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput), with nothing sent, for an
    /// empty id or one with characters other than ASCII letters, digits, `_` and `-`.
    pub fn retrieve_configuration(&self, id: &str) -> Result<Configuration, Error> {
        self.retrieve_configuration_with(
            id,
            &ConfigurationRetrieveParams::new(),
            &RequestOptions::new(),
        )
        .map(|response| response.data)
    }

    /// [`Client::retrieve_configuration`] with params (`expand`) and per-request options,
    /// returning the answer with its metadata ([`Response`]).
    ///
    /// # Errors
    ///
    /// As [`Client::retrieve_configuration`].
    pub fn retrieve_configuration_with(
        &self,
        id: &str,
        params: &ConfigurationRetrieveParams,
        options: &RequestOptions,
    ) -> Result<Response<Configuration>, Error> {
        let path = configuration_path(id)?;
        self.transport()
            .request(Method::Get, &path, params, options)
    }

    /// Updates the configuration `bpc_...`: `POST /v1/billing_portal/configurations/{id}`.
    /// Fields the params leave out stay as they are.
    ///
    /// # Errors
    ///
    /// As [`Client::retrieve_configuration`].
    pub fn update_configuration(
        &self,
        id: &str,
        params: &ConfigurationUpdateParams,
    ) -> Result<Configuration, Error> {
        self.update_configuration_with(id, params, &RequestOptions::new())
            .map(|response| response.data)
    }

    /// [`Client::update_configuration`] with per-request options, returning the answer
    /// with its metadata ([`Response`]: request id, status, attempts, idempotency key).
    ///
    /// # Errors
    ///
    /// As [`Client::retrieve_configuration`].
    pub fn update_configuration_with(
        &self,
        id: &str,
        params: &ConfigurationUpdateParams,
        options: &RequestOptions,
    ) -> Result<Response<Configuration>, Error> {
        let path = configuration_path(id)?;
        self.transport()
            .request(Method::Post, &path, params, options)
    }

    /// Lists configurations, one page: `GET /v1/billing_portal/configurations`. To walk every
    /// page, use [`Client::iter_configurations`].
    ///
    /// # Errors
    ///
    /// As [`Client::create_configuration`].
    pub fn list_configurations(
        &self,
        params: &ConfigurationListParams,
    ) -> Result<List<Configuration>, Error> {
        self.list_configurations_with(params, &RequestOptions::new())
            .map(|response| response.data)
    }

    /// [`Client::list_configurations`] with per-request options, returning the answer
    /// with its metadata ([`Response`]: request id, status, attempts, idempotency key).
    ///
    /// # Errors
    ///
    /// As [`Client::create_configuration`].
    pub fn list_configurations_with(
        &self,
        params: &ConfigurationListParams,
        options: &RequestOptions,
    ) -> Result<Response<List<Configuration>>, Error> {
        self.transport().request(Method::Get, PATH, params, options)
    }

    /// Every configuration the params select, fetched page by page as the iterator is
    /// advanced; see [`ListIter`] for the order, the cursors and errors.
    ///
    /// ```no_run
    /// use stripe_billing_portal::{Client, ConfigurationListParams};
    ///
    /// let client = Client::from_env()?;
    /// for configuration in client.iter_configurations(&ConfigurationListParams::new().active(true)) {
    ///     println!("{}", configuration?.id);
    /// }
    /// # Ok::<(), stripe_billing_portal::Error>(())
    /// ```
    pub fn iter_configurations(&self, params: &ConfigurationListParams) -> ListIter<Configuration> {
        self.iter_configurations_with(params, &RequestOptions::new())
    }

    /// [`Client::iter_configurations`] with per-request options, used for every page.
    pub fn iter_configurations_with(
        &self,
        params: &ConfigurationListParams,
        options: &RequestOptions,
    ) -> ListIter<Configuration> {
        ListIter::new(self.clone(), PATH, params, options.clone())
    }
}

/// The path of one configuration. The id is refused rather than escaped when it could be
/// anything but one path segment: Stripe's ids never need escaping, so such an id is a bug
/// on the caller's side, and sending it could reach another endpoint.
fn configuration_path(id: &str) -> Result<String, Error> {
    if id.is_empty() {
        return Err(Error::invalid_input("the configuration id is empty"));
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(Error::invalid_input(format!(
            "invalid configuration id {id:?}: only ASCII letters, digits, `_` and `-` are allowed"
        )));
    }
    Ok(format!("{PATH}/{id}"))
}

// ---------------------------------------------------------------------------------------------
// Params
// ---------------------------------------------------------------------------------------------

/// The params of [`Client::create_configuration`].
///
/// `features` is the one required param, so it is the constructor's argument.
///
/// ```
/// use stripe_billing_portal::*;
///
/// let params = ConfigurationCreateParams::new(
///     FeaturesParams::new()
///         .invoice_history(InvoiceHistoryParams::new(true))
///         .subscription_cancel(
///             SubscriptionCancelParams::new(true)
///                 .mode(CancelMode::AtPeriodEnd)
///                 .cancellation_reason(CancellationReasonParams::new(
///                     true,
///                     [CancellationReasonOption::TooExpensive, CancellationReasonOption::Unused],
///                 )),
///         )
///         .subscription_pause(
///             SubscriptionPauseParams::new(true).duration(PauseDurationParams::interval_options([
///                 PauseIntervalOptionParams::new(PauseInterval::Month).interval_count(1),
///                 PauseIntervalOptionParams::new(PauseInterval::Month).interval_count(3),
///             ])),
///         ),
/// )
/// .business_profile(BusinessProfileParams::new().headline("Acme billing"))
/// .default_return_url("https://example.com/account")
/// .metadata("team", "billing");
/// assert_eq!(form::to_pairs(&params)?[0], ("business_profile[headline]".into(), "Acme billing".into()));
/// # Ok::<(), stripe_billing_portal::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigurationCreateParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    business_profile: Option<BusinessProfileParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_return_url: Option<String>,
    features: FeaturesParams,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    login_page: Option<LoginPageParams>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    metadata: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    expand: Vec<String>,
    #[serde(flatten)]
    extra: Extra,
}

impl ConfigurationCreateParams {
    /// A configuration with these features.
    pub fn new(features: FeaturesParams) -> Self {
        ConfigurationCreateParams {
            business_profile: None,
            default_return_url: None,
            features,
            login_page: None,
            metadata: BTreeMap::new(),
            name: None,
            expand: Vec::new(),
            extra: Extra::new(),
        }
    }

    /// The business details shown in the portal.
    pub fn business_profile(mut self, business_profile: BusinessProfileParams) -> Self {
        self.business_profile = Some(business_profile);
        self
    }

    /// Where "return to website" goes when a session sets no `return_url`.
    pub fn default_return_url(mut self, url: impl Into<String>) -> Self {
        self.default_return_url = Some(url.into());
        self
    }

    /// Whether the shareable login page is on.
    pub fn login_page(mut self, login_page: LoginPageParams) -> Self {
        self.login_page = Some(login_page);
        self
    }

    /// Sets the metadata `key` to `value`; call it once per key.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// A name for your own reference (at most 256 characters).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Asks for a field of the response to be expanded, such as `application`.
    /// Call it once per field.
    pub fn expand(mut self, field: impl Into<String>) -> Self {
        self.expand.push(field.into());
        self
    }
}

/// The params of [`Client::update_configuration`].
///
/// Every field has three states: left out (unchanged; the default), set, or cleared with
/// the `clear_*` methods, which send Stripe's empty string. Metadata can also lose one key.
///
/// ```
/// use stripe_billing_portal::{form, ConfigurationUpdateParams};
///
/// let params = ConfigurationUpdateParams::new()
///     .active(false)
///     .clear_name()
///     .metadata("team", "growth")
///     .remove_metadata("legacy");
/// assert_eq!(
///     form::to_string(&params)?,
///     "active=false&metadata%5Blegacy%5D=&metadata%5Bteam%5D=growth&name=",
/// );
/// # Ok::<(), stripe_billing_portal::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigurationUpdateParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    business_profile: Option<BusinessProfileParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_return_url: Option<Clearable<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    features: Option<FeaturesParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    login_page: Option<LoginPageParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Clearable<BTreeMap<String, Clearable<String>>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<Clearable<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    expand: Vec<String>,
    #[serde(flatten)]
    extra: Extra,
}

impl ConfigurationUpdateParams {
    /// Changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the configuration can be used for new sessions.
    pub fn active(mut self, active: bool) -> Self {
        self.active = Some(active);
        self
    }

    /// Changes the business details; see [`BusinessProfileParams`] for clearing them.
    pub fn business_profile(mut self, business_profile: BusinessProfileParams) -> Self {
        self.business_profile = Some(business_profile);
        self
    }

    /// Where "return to website" goes when a session sets no `return_url`.
    pub fn default_return_url(mut self, url: impl Into<String>) -> Self {
        self.default_return_url = Some(Clearable::Set(url.into()));
        self
    }

    /// Removes the default return URL (`default_return_url=`).
    pub fn clear_default_return_url(mut self) -> Self {
        self.default_return_url = Some(Clearable::Clear);
        self
    }

    /// Changes features; those left out of `features` stay as they are.
    pub fn features(mut self, features: FeaturesParams) -> Self {
        self.features = Some(features);
        self
    }

    /// Whether the shareable login page is on.
    pub fn login_page(mut self, login_page: LoginPageParams) -> Self {
        self.login_page = Some(login_page);
        self
    }

    /// Sets the metadata `key` to `value` (`metadata[key]=value`); other keys stay. Undoes an
    /// earlier [`clear_metadata`](Self::clear_metadata) on the same params, since one request
    /// cannot both clear and set.
    pub fn metadata(self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata_entry(key.into(), Clearable::Set(value.into()))
    }

    /// Removes the metadata `key` (`metadata[key]=`); other keys stay.
    pub fn remove_metadata(self, key: impl Into<String>) -> Self {
        self.metadata_entry(key.into(), Clearable::Clear)
    }

    /// Removes every metadata key (`metadata=`), dropping keys set or removed earlier on these
    /// params.
    pub fn clear_metadata(mut self) -> Self {
        self.metadata = Some(Clearable::Clear);
        self
    }

    fn metadata_entry(mut self, key: String, value: Clearable<String>) -> Self {
        match &mut self.metadata {
            Some(Clearable::Set(map)) => {
                map.insert(key, value);
            }
            _ => self.metadata = Some(Clearable::Set(BTreeMap::from([(key, value)]))),
        }
        self
    }

    /// A name for your own reference (at most 256 characters).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(Clearable::Set(name.into()));
        self
    }

    /// Removes the name (`name=`).
    pub fn clear_name(mut self) -> Self {
        self.name = Some(Clearable::Clear);
        self
    }

    /// Asks for a field of the response to be expanded, such as `application`.
    /// Call it once per field.
    pub fn expand(mut self, field: impl Into<String>) -> Self {
        self.expand.push(field.into());
        self
    }
}

/// The params of [`Client::retrieve_configuration_with`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigurationRetrieveParams {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    expand: Vec<String>,
    #[serde(flatten)]
    extra: Extra,
}

impl ConfigurationRetrieveParams {
    /// No params.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks for a field of the response to be expanded, such as `application`.
    /// Call it once per field.
    pub fn expand(mut self, field: impl Into<String>) -> Self {
        self.expand.push(field.into());
        self
    }
}

/// The params of [`Client::list_configurations`] and [`Client::iter_configurations`], sent
/// as the query string.
///
/// ```
/// use stripe_billing_portal::{form, ConfigurationListParams};
///
/// let params = ConfigurationListParams::new().active(true).limit(3).starting_after("bpc_1");
/// assert_eq!(form::to_string(&params)?, "active=true&limit=3&starting_after=bpc_1");
/// # Ok::<(), stripe_billing_portal::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigurationListParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    is_default: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    expand: Vec<String>,
    // The cursors come last, where the iterator appends its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ending_before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    starting_after: Option<String>,
    #[serde(flatten)]
    extra: Extra,
}

impl ConfigurationListParams {
    /// Every configuration, 10 per page.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only active (`true`) or only inactive (`false`) configurations.
    pub fn active(mut self, active: bool) -> Self {
        self.active = Some(active);
        self
    }

    /// Only the default configuration (`true`), or only the others (`false`).
    pub fn is_default(mut self, is_default: bool) -> Self {
        self.is_default = Some(is_default);
        self
    }

    /// The page size, 1 to 100 (Stripe's default: 10).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The page after the configuration `bpc_...`.
    pub fn starting_after(mut self, id: impl Into<String>) -> Self {
        self.starting_after = Some(id.into());
        self
    }

    /// The page before the configuration `bpc_...`; the iterator then walks backwards.
    pub fn ending_before(mut self, id: impl Into<String>) -> Self {
        self.ending_before = Some(id.into());
        self
    }

    /// Asks for a field of each configuration to be expanded, such as `data.application`.
    /// Call it once per field.
    pub fn expand(mut self, field: impl Into<String>) -> Self {
        self.expand.push(field.into());
        self
    }
}

/// The business details shown in the portal, for create and update.
///
/// The `clear_*` methods send `""`. Stripe accepts that for every field on update, but on
/// create only for `headline`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BusinessProfileParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    headline: Option<Clearable<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    privacy_policy_url: Option<Clearable<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    terms_of_service_url: Option<Clearable<String>>,
    #[serde(flatten)]
    extra: Extra,
}

impl BusinessProfileParams {
    /// Changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The headline shown in the portal (at most 60 characters).
    pub fn headline(mut self, headline: impl Into<String>) -> Self {
        self.headline = Some(Clearable::Set(headline.into()));
        self
    }

    /// Removes the headline.
    pub fn clear_headline(mut self) -> Self {
        self.headline = Some(Clearable::Clear);
        self
    }

    /// A link to the business's privacy policy.
    pub fn privacy_policy_url(mut self, url: impl Into<String>) -> Self {
        self.privacy_policy_url = Some(Clearable::Set(url.into()));
        self
    }

    /// Removes the privacy policy link (update only).
    pub fn clear_privacy_policy_url(mut self) -> Self {
        self.privacy_policy_url = Some(Clearable::Clear);
        self
    }

    /// A link to the business's terms of service.
    pub fn terms_of_service_url(mut self, url: impl Into<String>) -> Self {
        self.terms_of_service_url = Some(Clearable::Set(url.into()));
        self
    }

    /// Removes the terms of service link (update only).
    pub fn clear_terms_of_service_url(mut self) -> Self {
        self.terms_of_service_url = Some(Clearable::Clear);
        self
    }
}

/// What customers can do in the portal, for create and update. On update, features left
/// out stay as they are.
///
/// Each feature's `new(enabled)` switches it on or off, which create requires. On update, a
/// feature built with `unchanged()` changes its other settings and leaves it on or off as it
/// is. [`Client::create_configuration`] refuses such a feature before sending anything, except
/// [`SubscriptionPauseParams`], whose `enabled` Stripe makes optional on create too.
///
/// ```
/// use stripe_billing_portal::{form, CancelMode, FeaturesParams, SubscriptionCancelParams};
///
/// // Cancellations now take effect at once; the feature stays on or off.
/// let features = FeaturesParams::new()
///     .subscription_cancel(SubscriptionCancelParams::unchanged().mode(CancelMode::Immediately));
/// assert_eq!(
///     form::to_pairs(&features)?,
///     [("subscription_cancel[mode]".to_owned(), "immediately".to_owned())],
/// );
/// # Ok::<(), stripe_billing_portal::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeaturesParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customer_update: Option<CustomerUpdateParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    invoice_history: Option<InvoiceHistoryParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    payment_method_update: Option<PaymentMethodUpdateParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subscription_cancel: Option<SubscriptionCancelParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subscription_pause: Option<SubscriptionPauseParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subscription_update: Option<SubscriptionUpdateParams>,
    #[serde(flatten)]
    extra: Extra,
}

impl FeaturesParams {
    /// No feature yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The first feature that create requires to be switched on or off and that is not.
    fn unswitched_on_create(&self) -> Option<&'static str> {
        [
            (
                "customer_update",
                self.customer_update.as_ref().map(|f| f.enabled),
            ),
            (
                "subscription_cancel",
                self.subscription_cancel.as_ref().map(|f| f.enabled),
            ),
            (
                "subscription_update",
                self.subscription_update.as_ref().map(|f| f.enabled),
            ),
        ]
        .into_iter()
        .find(|&(_, enabled)| enabled == Some(None))
        .map(|(feature, _)| feature)
    }

    /// Updating their details.
    pub fn customer_update(mut self, feature: CustomerUpdateParams) -> Self {
        self.customer_update = Some(feature);
        self
    }

    /// Seeing their invoices.
    pub fn invoice_history(mut self, feature: InvoiceHistoryParams) -> Self {
        self.invoice_history = Some(feature);
        self
    }

    /// Updating their payment methods.
    pub fn payment_method_update(mut self, feature: PaymentMethodUpdateParams) -> Self {
        self.payment_method_update = Some(feature);
        self
    }

    /// Cancelling subscriptions.
    pub fn subscription_cancel(mut self, feature: SubscriptionCancelParams) -> Self {
        self.subscription_cancel = Some(feature);
        self
    }

    /// Pausing subscriptions.
    pub fn subscription_pause(mut self, feature: SubscriptionPauseParams) -> Self {
        self.subscription_pause = Some(feature);
        self
    }

    /// Changing plans.
    pub fn subscription_update(mut self, feature: SubscriptionUpdateParams) -> Self {
        self.subscription_update = Some(feature);
        self
    }
}

/// The `customer_update` feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerUpdateParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    allowed_updates: Option<Clearable<Vec<CustomerUpdateField>>>,
    // Required on create (checked there), optional on update: `unchanged()` leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(flatten)]
    extra: Extra,
}

impl CustomerUpdateParams {
    /// The feature, switched on or off, as create requires. See [the features](FeaturesParams)
    /// for changing settings on update without switching.
    pub fn new(enabled: bool) -> Self {
        CustomerUpdateParams {
            enabled: Some(enabled),
            ..Self::unchanged()
        }
    }

    /// Update only: the feature left on or off as it is, for changing its other settings.
    /// [`Client::create_configuration`] refuses it, since create requires `enabled`.
    pub fn unchanged() -> Self {
        CustomerUpdateParams {
            allowed_updates: None,
            enabled: None,
            extra: Extra::new(),
        }
    }

    /// Which details customers can change.
    pub fn allowed_updates(
        mut self,
        fields: impl IntoIterator<Item = impl Into<CustomerUpdateField>>,
    ) -> Self {
        self.allowed_updates = Some(Clearable::Set(collect(fields)));
        self
    }

    /// Lets customers change no detail (`allowed_updates=`).
    pub fn clear_allowed_updates(mut self) -> Self {
        self.allowed_updates = Some(Clearable::Clear);
        self
    }
}

/// The `invoice_history` feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceHistoryParams {
    enabled: bool,
    #[serde(flatten)]
    extra: Extra,
}

impl InvoiceHistoryParams {
    /// The feature, on or off.
    pub fn new(enabled: bool) -> Self {
        InvoiceHistoryParams {
            enabled,
            extra: Extra::new(),
        }
    }
}

/// The `payment_method_update` feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethodUpdateParams {
    enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    payment_method_configuration: Option<Clearable<String>>,
    #[serde(flatten)]
    extra: Extra,
}

impl PaymentMethodUpdateParams {
    /// The feature, on or off.
    pub fn new(enabled: bool) -> Self {
        PaymentMethodUpdateParams {
            enabled,
            payment_method_configuration: None,
            extra: Extra::new(),
        }
    }

    /// The payment method configuration `pmc_...` to use instead of the default one.
    pub fn payment_method_configuration(mut self, id: impl Into<String>) -> Self {
        self.payment_method_configuration = Some(Clearable::Set(id.into()));
        self
    }

    /// Goes back to the default payment method configuration.
    pub fn clear_payment_method_configuration(mut self) -> Self {
        self.payment_method_configuration = Some(Clearable::Clear);
        self
    }
}

/// The `subscription_cancel` feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionCancelParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cancellation_reason: Option<CancellationReasonParams>,
    // Required on create (checked there), optional on update: `unchanged()` leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mode: Option<CancelMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    proration_behavior: Option<ProrationBehavior>,
    #[serde(flatten)]
    extra: Extra,
}

impl SubscriptionCancelParams {
    /// The feature, switched on or off, as create requires. See [the features](FeaturesParams)
    /// for changing settings on update without switching.
    pub fn new(enabled: bool) -> Self {
        SubscriptionCancelParams {
            enabled: Some(enabled),
            ..Self::unchanged()
        }
    }

    /// Update only: the feature left on or off as it is, for changing its other settings.
    /// [`Client::create_configuration`] refuses it, since create requires `enabled`.
    pub fn unchanged() -> Self {
        SubscriptionCancelParams {
            cancellation_reason: None,
            enabled: None,
            mode: None,
            proration_behavior: None,
            extra: Extra::new(),
        }
    }

    /// Whether and how customers are asked why they cancel.
    pub fn cancellation_reason(mut self, reason: CancellationReasonParams) -> Self {
        self.cancellation_reason = Some(reason);
        self
    }

    /// When a cancellation takes effect.
    pub fn mode(mut self, mode: impl Into<CancelMode>) -> Self {
        self.mode = Some(mode.into());
        self
    }

    /// How prorations are handled; with [`CancelMode::Immediately`] only.
    pub fn proration_behavior(mut self, behavior: impl Into<ProrationBehavior>) -> Self {
        self.proration_behavior = Some(behavior.into());
        self
    }
}

/// Whether and how customers are asked why they cancel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CancellationReasonParams {
    enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    feedback_options: Option<Clearable<Vec<String>>>,
    // Required on create, optional on update (deserialized params may leave it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    options: Option<Clearable<Vec<CancellationReasonOption>>>,
    #[serde(flatten)]
    extra: Extra,
}

impl CancellationReasonParams {
    /// Asking on or off, with the reasons offered. Stripe requires the reasons on create; an
    /// empty list sends nothing, so offer no reason with
    /// [`clear_options`](Self::clear_options).
    pub fn new(
        enabled: bool,
        options: impl IntoIterator<Item = impl Into<CancellationReasonOption>>,
    ) -> Self {
        CancellationReasonParams {
            enabled,
            feedback_options: None,
            options: Some(Clearable::Set(collect(options))),
            extra: Extra::new(),
        }
    }

    /// Offers no reason (`options=`).
    pub fn clear_options(mut self) -> Self {
        self.options = Some(Clearable::Clear);
        self
    }

    /// The Billing feedback options offered, by id.
    pub fn feedback_options(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.feedback_options = Some(Clearable::Set(collect(ids)));
        self
    }

    /// Offers no feedback option (`feedback_options=`).
    pub fn clear_feedback_options(mut self) -> Self {
        self.feedback_options = Some(Clearable::Clear);
        self
    }
}

/// The `subscription_pause` feature. Unlike the other features, `enabled` is optional on create
/// too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionPauseParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    duration: Option<PauseDurationParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(flatten)]
    extra: Extra,
}

impl SubscriptionPauseParams {
    /// The feature, switched on or off (customers can pause only in the redesigned portal).
    pub fn new(enabled: bool) -> Self {
        SubscriptionPauseParams {
            enabled: Some(enabled),
            ..Self::unchanged()
        }
    }

    /// The feature without `enabled`, for changing its other settings: on update it stays on
    /// or off as it is, on create Stripe's default applies.
    pub fn unchanged() -> Self {
        SubscriptionPauseParams {
            duration: None,
            enabled: None,
            extra: Extra::new(),
        }
    }

    /// How long customers can pause for; Stripe's default is one month.
    pub fn duration(mut self, duration: PauseDurationParams) -> Self {
        self.duration = Some(duration);
        self
    }
}

/// How long customers can pause a subscription for: `duration[type]` and, for
/// `interval_options`, the list under the key of the same name.
///
/// ```
/// use stripe_billing_portal::{PauseDurationParams, PauseInterval, PauseIntervalOptionParams};
///
/// let options = PauseDurationParams::interval_options([
///     PauseIntervalOptionParams::new(PauseInterval::Month).interval_count(3),
/// ]);
/// // Pauses without an end, and the options configured before are emptied.
/// let indefinite = PauseDurationParams::indefinite().clear_interval_options();
/// # let _ = (options, indefinite);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PauseDurationParams {
    #[serde(rename = "type")]
    kind: PauseDurationType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    interval_options: Option<Clearable<Vec<PauseIntervalOptionParams>>>,
    #[serde(flatten)]
    extra: Extra,
}

impl PauseDurationParams {
    /// Until the customer resumes.
    pub fn indefinite() -> Self {
        PauseDurationParams {
            kind: PauseDurationType::Indefinite,
            interval_options: None,
            extra: Extra::new(),
        }
    }

    /// For one of `options` (at most three years in all); Stripe needs at least one (an empty
    /// list sends none, which Stripe refuses as a missing param).
    pub fn interval_options(options: impl IntoIterator<Item = PauseIntervalOptionParams>) -> Self {
        PauseDurationParams {
            kind: PauseDurationType::IntervalOptions,
            interval_options: Some(Clearable::Set(options.into_iter().collect())),
            extra: Extra::new(),
        }
    }

    /// Sends `interval_options` as `""`, which empties the list (with
    /// [`indefinite`](PauseDurationParams::indefinite), so that no options stay behind).
    pub fn clear_interval_options(mut self) -> Self {
        self.interval_options = Some(Clearable::Clear);
        self
    }

    /// The `duration[type]` this sends.
    pub fn type_str(&self) -> &str {
        self.kind.as_str()
    }
}

/// A pause duration offered to customers: `interval_count` times `interval`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PauseIntervalOptionParams {
    interval: PauseInterval,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    interval_count: Option<u32>,
    #[serde(flatten)]
    extra: Extra,
}

impl PauseIntervalOptionParams {
    /// One `interval` (the count defaults to 1).
    pub fn new(interval: impl Into<PauseInterval>) -> Self {
        PauseIntervalOptionParams {
            interval: interval.into(),
            interval_count: None,
            extra: Extra::new(),
        }
    }

    /// How many intervals.
    pub fn interval_count(mut self, count: u32) -> Self {
        self.interval_count = Some(count);
        self
    }
}

/// The `subscription_update` feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionUpdateParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    billing_cycle_anchor: Option<BillingCycleAnchor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_allowed_updates: Option<Clearable<Vec<SubscriptionUpdateField>>>,
    // Required on create (checked there), optional on update: `unchanged()` leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    products: Option<Clearable<Vec<ProductParams>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    proration_behavior: Option<ProrationBehavior>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    schedule_at_period_end: Option<ScheduleAtPeriodEndParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    trial_update_behavior: Option<TrialUpdateBehavior>,
    #[serde(flatten)]
    extra: Extra,
}

impl SubscriptionUpdateParams {
    /// The feature, switched on or off, as create requires. See [the features](FeaturesParams)
    /// for changing settings on update without switching.
    pub fn new(enabled: bool) -> Self {
        SubscriptionUpdateParams {
            enabled: Some(enabled),
            ..Self::unchanged()
        }
    }

    /// Update only: the feature left on or off as it is, for changing its other settings.
    /// [`Client::create_configuration`] refuses it, since create requires `enabled`.
    pub fn unchanged() -> Self {
        SubscriptionUpdateParams {
            billing_cycle_anchor: None,
            default_allowed_updates: None,
            enabled: None,
            products: None,
            proration_behavior: None,
            schedule_at_period_end: None,
            trial_update_behavior: None,
            extra: Extra::new(),
        }
    }

    /// Whether a change resets the billing cycle anchor.
    pub fn billing_cycle_anchor(mut self, anchor: impl Into<BillingCycleAnchor>) -> Self {
        self.billing_cycle_anchor = Some(anchor.into());
        self
    }

    /// What customers can change.
    pub fn default_allowed_updates(
        mut self,
        fields: impl IntoIterator<Item = impl Into<SubscriptionUpdateField>>,
    ) -> Self {
        self.default_allowed_updates = Some(Clearable::Set(collect(fields)));
        self
    }

    /// Lets customers change nothing (`default_allowed_updates=`).
    pub fn clear_default_allowed_updates(mut self) -> Self {
        self.default_allowed_updates = Some(Clearable::Clear);
        self
    }

    /// Adds a product customers can switch to (at most 10); call it once per product.
    pub fn product(mut self, product: ProductParams) -> Self {
        match &mut self.products {
            Some(Clearable::Set(products)) => products.push(product),
            _ => self.products = Some(Clearable::Set(vec![product])),
        }
        self
    }

    /// Removes every product (`products=`), dropping those added earlier on these params.
    pub fn clear_products(mut self) -> Self {
        self.products = Some(Clearable::Clear);
        self
    }

    /// How prorations are handled on a change.
    pub fn proration_behavior(mut self, behavior: impl Into<ProrationBehavior>) -> Self {
        self.proration_behavior = Some(behavior.into());
        self
    }

    /// Which changes wait until the end of the period.
    pub fn schedule_at_period_end(mut self, schedule: ScheduleAtPeriodEndParams) -> Self {
        self.schedule_at_period_end = Some(schedule);
        self
    }

    /// What a change does to a trial.
    pub fn trial_update_behavior(mut self, behavior: impl Into<TrialUpdateBehavior>) -> Self {
        self.trial_update_behavior = Some(behavior.into());
        self
    }
}

/// A product customers can switch to, with its prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    adjustable_quantity: Option<AdjustableQuantityParams>,
    prices: Vec<String>,
    product: String,
    #[serde(flatten)]
    extra: Extra,
}

impl ProductParams {
    /// The product `prod_...` with the prices `price_...` offered (Stripe requires at least
    /// one).
    pub fn new(
        product: impl Into<String>,
        prices: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        ProductParams {
            adjustable_quantity: None,
            prices: collect(prices),
            product: product.into(),
            extra: Extra::new(),
        }
    }

    /// Whether and how customers can change the quantity.
    pub fn adjustable_quantity(mut self, quantity: AdjustableQuantityParams) -> Self {
        self.adjustable_quantity = Some(quantity);
        self
    }
}

/// Whether and how customers can change a quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdjustableQuantityParams {
    enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    maximum: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    minimum: Option<u64>,
    #[serde(flatten)]
    extra: Extra,
}

impl AdjustableQuantityParams {
    /// Adjusting on or off.
    pub fn new(enabled: bool) -> Self {
        AdjustableQuantityParams {
            enabled,
            maximum: None,
            minimum: None,
            extra: Extra::new(),
        }
    }

    /// The largest quantity (at most 99).
    pub fn maximum(mut self, maximum: u64) -> Self {
        self.maximum = Some(maximum);
        self
    }

    /// The smallest quantity (Stripe's default: 0).
    pub fn minimum(mut self, minimum: u64) -> Self {
        self.minimum = Some(minimum);
        self
    }
}

/// Which plan changes wait until the end of the period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScheduleAtPeriodEndParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    conditions: Option<Clearable<Vec<ScheduleConditionParams>>>,
    #[serde(flatten)]
    extra: Extra,
}

impl ScheduleAtPeriodEndParams {
    /// A change waits when it meets one of `conditions`.
    pub fn new(conditions: impl IntoIterator<Item = impl Into<ScheduleConditionType>>) -> Self {
        ScheduleAtPeriodEndParams {
            conditions: Some(Clearable::Set(
                conditions
                    .into_iter()
                    .map(|kind| ScheduleConditionParams::new(kind))
                    .collect(),
            )),
            extra: Extra::new(),
        }
    }

    /// No change waits (`conditions=`; update only).
    pub fn clear() -> Self {
        ScheduleAtPeriodEndParams {
            conditions: Some(Clearable::Clear),
            extra: Extra::new(),
        }
    }
}

/// A condition under which a plan change waits until the end of the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleConditionParams {
    #[serde(rename = "type")]
    kind: ScheduleConditionType,
    #[serde(flatten)]
    extra: Extra,
}

impl ScheduleConditionParams {
    /// The condition `kind`.
    pub fn new(kind: impl Into<ScheduleConditionType>) -> Self {
        ScheduleConditionParams {
            kind: kind.into(),
            extra: Extra::new(),
        }
    }
}

/// The portal's shareable login page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginPageParams {
    enabled: bool,
    #[serde(flatten)]
    extra: Extra,
}

impl LoginPageParams {
    /// The login page, on or off. Turning it off and on again gives it a new URL.
    pub fn new(enabled: bool) -> Self {
        LoginPageParams {
            enabled,
            extra: Extra::new(),
        }
    }
}

extra_params!(
    ConfigurationCreateParams,
    ConfigurationUpdateParams,
    ConfigurationRetrieveParams,
    ConfigurationListParams,
    BusinessProfileParams,
    FeaturesParams,
    CustomerUpdateParams,
    InvoiceHistoryParams,
    PaymentMethodUpdateParams,
    SubscriptionCancelParams,
    CancellationReasonParams,
    SubscriptionPauseParams,
    PauseDurationParams,
    PauseIntervalOptionParams,
    SubscriptionUpdateParams,
    ProductParams,
    AdjustableQuantityParams,
    ScheduleAtPeriodEndParams,
    ScheduleConditionParams,
    LoginPageParams,
);

fn collect<T>(values: impl IntoIterator<Item = impl Into<T>>) -> Vec<T> {
    values.into_iter().map(Into::into).collect()
}

// ---------------------------------------------------------------------------------------------
// The billing_portal.configuration object
// ---------------------------------------------------------------------------------------------

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
