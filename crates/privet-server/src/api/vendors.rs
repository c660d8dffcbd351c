//! Vendors (from privet.toml, with what is expired or due) and the erasure outbox.

use axum::extract::State;
use privet_types::deadline::local_date;
use privet_vault::{DeliveryRow, DeliveryStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::auth::Authenticated;
use crate::problem::{ApiError, Problem};

/// A vendor.
#[derive(Debug, Serialize, ToSchema)]
pub struct VendorOut {
    /// Name in privet.toml.
    pub name: String,
    /// Whom to contact.
    pub contact: String,
    /// Where it processes.
    pub country: String,
    /// The category patterns it receives.
    pub categories: Vec<String>,
    /// The purposes it receives them for.
    pub purposes: Vec<String>,
    /// When the DPA was signed.
    pub dpa_signed: Option<String>,
    /// When the DPA expires.
    pub dpa_expires: Option<String>,
    /// When its security was last assessed.
    pub last_assessment: Option<String>,
    /// How often it must be.
    pub assessment_every: Option<String>,
    /// Whether erasures are posted to it.
    pub erasure_webhook: bool,
    /// What is expired or due today (organisation's time zone).
    pub issues: Vec<String>,
}

/// The vendors.
#[derive(Debug, Serialize, ToSchema)]
pub struct VendorsOut {
    /// Every vendor, by name.
    pub vendors: Vec<VendorOut>,
}

/// One erasure notice.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOut {
    /// Id, sent as `Privet-Delivery`.
    pub id: String,
    /// Vendor.
    pub vendor: String,
    /// The erased subject.
    pub subject: String,
    /// The erase request, if one.
    pub request: Option<String>,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    /// Attempts made.
    pub attempts: u32,
    /// When the next attempt is due (pending only).
    pub next_at: String,
    /// What went wrong last.
    pub last_error: Option<String>,
    /// When it was delivered or given up.
    pub done_at: Option<String>,
}

/// A list of notices.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveriesOut {
    /// Oldest first.
    pub deliveries: Vec<DeliveryOut>,
}

/// Query of `GET /v1/deliveries`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeliveriesQuery {
    /// `pending`, `delivered` or `failed`; all when absent.
    pub status: Option<String>,
    /// Most notices (1 to 1000, default 100).
    pub limit: Option<i64>,
}

/// The vendors with what is expired or due.
#[utoipa::path(get, path = "/v1/vendors", responses((status = 200, body = VendorsOut), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn vendors(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> Result<ApiJson<VendorsOut>, ApiError> {
    state
        .vault
        .require(&actor, privet_types::policy::Operation::Requests, None)
        .await?;
    let policy = state.vault.policy();
    let today = local_date(state.vault.now(), &policy.rights().timezone);
    let show = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string());
    Ok(ApiJson(VendorsOut {
        vendors: policy
            .rights()
            .vendors
            .iter()
            .map(|v| VendorOut {
                name: v.name.clone(),
                contact: v.contact.clone(),
                country: v.country.clone(),
                categories: v.categories.iter().map(ToString::to_string).collect(),
                purposes: v.purposes.clone(),
                dpa_signed: show(v.dpa_signed),
                dpa_expires: show(v.dpa_expires),
                last_assessment: show(v.last_assessment),
                assessment_every: v.assessment_every.map(|p| p.to_string()),
                erasure_webhook: v.erasure_webhook.is_some(),
                issues: v.issues(today).iter().map(ToString::to_string).collect(),
            })
            .collect(),
    }))
}

/// Erasure notices to vendors, by status.
#[utoipa::path(get, path = "/v1/deliveries", params(DeliveriesQuery),
    responses((status = 200, body = DeliveriesOut), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn deliveries(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<DeliveriesQuery>,
) -> Result<ApiJson<DeliveriesOut>, ApiError> {
    let limit = super::page_limit(q.limit)?;
    let status = q
        .status
        .as_deref()
        .map(|s| {
            DeliveryStatus::from_name(s)
                .ok_or_else(|| ApiError::bad_request("status: use pending, delivered or failed"))
        })
        .transpose()?;
    let rows = state.vault.deliveries(&actor, status, limit).await?;
    Ok(ApiJson(DeliveriesOut {
        deliveries: rows.into_iter().map(delivery_out).collect(),
    }))
}

/// Put a failed notice back in the outbox (audited).
#[utoipa::path(post, path = "/v1/deliveries/{id}/retry", params(("id" = String, Path, description = "Delivery id")),
    responses((status = 200, body = DeliveryOut), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn retry(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> Result<ApiJson<DeliveryOut>, ApiError> {
    let row = state.vault.retry_delivery(&actor, &id).await?;
    Ok(ApiJson(delivery_out(row)))
}

fn delivery_out(d: DeliveryRow) -> DeliveryOut {
    DeliveryOut {
        id: d.id,
        vendor: d.vendor,
        subject: d.subject.into(),
        request: d.request,
        status: d.status.as_str().to_owned(),
        attempts: d.attempts,
        next_at: d.next_at.to_string(),
        last_error: d.last_error,
        done_at: d.done_at.map(|t| t.to_string()),
    }
}
