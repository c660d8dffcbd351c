//! Customers' requests: enter one with its regulation, list the queue by due date, move one
//! through its states. Deadlines come from privet.toml's regulations and organisation time zone.

use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use privet_types::deadline::{days_left, local_date};
use privet_types::{RequestKind, RequestStatus, RequestStep, SubjectId};
use privet_vault::{NewRequest, RequestFilter, RequestRow, StepNote};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::auth::Authenticated;
use crate::problem::{ApiError, Problem};

/// Body of `POST /v1/requests`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestIn {
    /// The subject the request is about (privet need not hold anything for it).
    pub subject: String,
    /// `access`, `portability`, `rectify`, `erase`, `restrict` or `opt_out`.
    pub kind: String,
    /// `gdpr`, `ccpa`, or a regulation declared in privet.toml.
    pub regulation: String,
    /// When it was received (RFC 3339, not in the future); now when absent.
    #[serde(default)]
    pub received_at: Option<String>,
}

/// Body of a step: `method` for verify, `reason` for extend and reject, `fields` to complete a
/// rectify request, `{}` otherwise.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepIn {
    /// How the customer's identity was verified (`email_link`, `id_document`).
    #[serde(default)]
    pub method: Option<String>,
    /// Why the request is extended or rejected.
    #[serde(default)]
    pub reason: Option<String>,
    /// Completing a rectify request: the corrected fields (as in `PUT /v1/subjects/{id}`).
    #[serde(default)]
    pub fields: Option<Vec<super::subjects::FieldIn>>,
}

/// A request.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestOut {
    /// Id (`req_...`).
    pub id: String,
    /// Subject id.
    pub subject: String,
    /// Kind.
    pub kind: String,
    /// Regulation.
    pub regulation: String,
    /// `received`, `verified`, `in_progress`, `extended`, `completed` or `rejected`.
    pub status: String,
    /// When it was received (RFC 3339).
    pub received_at: String,
    /// The moment it becomes overdue (RFC 3339): the end of `due_on` in the organisation's zone.
    pub due_at: String,
    /// Its last day, in the organisation's time zone.
    pub due_on: String,
    /// Days from today (organisation's zone) to `due_on`; negative when overdue.
    pub days_left: i64,
    /// By when receipt must be confirmed to the customer, when the regulation asks it (CCPA).
    pub confirm_receipt_by: Option<String>,
    /// The last day an extension may be announced, when the regulation allows one.
    pub extension_announce_by: Option<String>,
    /// Still open and past `due_at`.
    pub overdue: bool,
    /// Whether the customer's identity was verified.
    pub verified: bool,
    /// How.
    pub verify_method: Option<String>,
    /// Extensions taken.
    pub extensions: u32,
    /// Reason of the last extension or of the refusal.
    pub reason: Option<String>,
    /// Who entered it.
    pub created_by: String,
    /// When it last changed (RFC 3339).
    pub updated_at: String,
    /// When it was completed or rejected (RFC 3339).
    pub closed_at: Option<String>,
}

/// A page of requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestPage {
    /// Requests by due time, soonest (or most overdue) first.
    pub requests: Vec<RequestOut>,
    /// The cursor of the next page (`after=`), when there may be one.
    pub next: Option<String>,
}

/// Query of `GET /v1/requests`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RequestQuery {
    /// `open` (not completed or rejected) or one status.
    pub status: Option<String>,
    /// Only requests due before this moment (RFC 3339).
    pub due_before: Option<String>,
    /// Only requests about this subject.
    pub subject: Option<String>,
    /// The `next` of the previous page.
    pub after: Option<String>,
    /// Most requests (1 to 1000, default 100).
    pub limit: Option<i64>,
}

/// Enter a customer's request; its due date follows from the regulation.
#[utoipa::path(post, path = "/v1/requests", request_body = RequestIn,
    responses((status = 201, body = RequestOut), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<RequestIn>,
) -> Result<(StatusCode, ApiJson<RequestOut>), ApiError> {
    let subject = SubjectId::parse(&body.subject)
        .map_err(|e| ApiError::bad_request(format!("subject: {e}")))?;
    let kind = body
        .kind
        .parse::<RequestKind>()
        .map_err(|e| ApiError::bad_request(format!("kind: {e}")))?;
    let received_at = super::parse_time("received_at", body.received_at.as_deref())?;
    let row = state
        .vault
        .create_request(
            &actor,
            NewRequest {
                subject,
                kind,
                regulation: body.regulation,
                received_at,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, ApiJson(out(&state, row))))
}

/// The queue: requests by due time, by cursor.
#[utoipa::path(get, path = "/v1/requests", params(RequestQuery),
    responses((status = 200, body = RequestPage), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<RequestQuery>,
) -> Result<ApiJson<RequestPage>, ApiError> {
    let limit = super::page_limit(q.limit)?;
    let mut filter = RequestFilter {
        limit,
        ..RequestFilter::default()
    };
    match q.status.as_deref() {
        None => {}
        Some("open") => filter.open_only = true,
        Some(s) => {
            filter.status = Some(s.parse::<RequestStatus>().map_err(|_| {
                ApiError::bad_request(
                    "status: use open, received, verified, in_progress, extended, completed or rejected",
                )
            })?)
        }
    }
    filter.due_before = super::parse_time("due_before", q.due_before.as_deref())?;
    if let Some(s) = &q.subject {
        filter.subject =
            Some(SubjectId::parse(s).map_err(|e| ApiError::bad_request(format!("subject: {e}")))?);
    }
    if let Some(a) = &q.after {
        filter.after = Some(parse_cursor(a).ok_or_else(|| {
            ApiError::bad_request("after: not a cursor from a previous page's `next`")
        })?);
    }
    let rows = state.vault.requests(&actor, &filter).await?;
    let next = if rows.len() as i64 == limit {
        rows.last()
            .map(|r| format!("{}.{}", r.due_at.as_millisecond(), r.id))
    } else {
        None
    };
    Ok(ApiJson(RequestPage {
        requests: rows.into_iter().map(|r| out(&state, r)).collect(),
        next,
    }))
}

/// One request.
#[utoipa::path(get, path = "/v1/requests/{id}", params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = RequestOut), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_one(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> Result<ApiJson<RequestOut>, ApiError> {
    let row = state.vault.request(&actor, &id).await?;
    Ok(ApiJson(out(&state, row)))
}

/// Move a request on: `verify` (with `method`), `start`, `extend` (with `reason`), `reject` (with
/// `reason`) or `complete`. A step its state does not allow is 409 naming the state.
#[utoipa::path(post, path = "/v1/requests/{id}/{step}", request_body = StepIn,
    params(("id" = String, Path, description = "Request id"),
        ("step" = String, Path, description = "verify, start, extend, reject or complete")),
    responses((status = 200, body = RequestOut), (status = 400, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)), security(("bearer" = [])))]
pub async fn step(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiPath((id, step)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<StepIn>,
) -> Result<ApiJson<RequestOut>, ApiError> {
    let step = RequestStep::ALL
        .into_iter()
        .find(|s| s.as_str() == step)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not-found",
                "no such step: use verify, start, extend, reject or complete",
            )
        })?;
    let row = state
        .vault
        .step_request(
            &actor,
            &id,
            step,
            StepNote {
                method: body.method,
                reason: body.reason,
                fields: super::subjects::inputs(body.fields.unwrap_or_default())?,
            },
        )
        .await?;
    Ok(ApiJson(out(&state, row)))
}

fn parse_cursor(s: &str) -> Option<(Timestamp, String)> {
    let (ms, id) = s.split_once('.')?;
    let at = Timestamp::from_millisecond(ms.parse().ok()?).ok()?;
    (id.starts_with("req_") && id.len() < 64).then(|| (at, id.to_owned()))
}

pub(crate) fn out(state: &AppState, r: RequestRow) -> RequestOut {
    let policy = state.vault.policy();
    let now = state.vault.now();
    let rights = policy.rights();
    let today = local_date(now, &rights.timezone);
    let received = local_date(r.received_at, &rights.timezone);
    let rule = rights.regulations.get(&r.regulation);
    let by = |p: Option<privet_types::deadline::Period>| {
        p.and_then(|p| p.end_from(received)).map(|d| d.to_string())
    };
    RequestOut {
        days_left: days_left(today, r.due_on),
        confirm_receipt_by: by(rule.and_then(|r| r.confirm_receipt_within)),
        extension_announce_by: by(rule
            .filter(|r| r.max_extensions > 0)
            .and_then(|r| r.announce_extension_within)),
        overdue: r.status.is_open() && now > r.due_at,
        id: r.id,
        subject: r.subject.into(),
        kind: r.kind.to_string(),
        regulation: r.regulation,
        status: r.status.to_string(),
        received_at: r.received_at.to_string(),
        due_at: r.due_at.to_string(),
        due_on: r.due_on.to_string(),
        verified: r.verified,
        verify_method: r.verify_method,
        extensions: r.extensions,
        reason: r.reason,
        created_by: r.created_by,
        updated_at: r.updated_at.to_string(),
        closed_at: r.closed_at.map(|t| t.to_string()),
    }
}
