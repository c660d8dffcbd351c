//! The bearer-token extractor: every `/v1` handler takes an [`Authenticated`] actor.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use privet_vault::Actor;

use crate::AppState;
use crate::problem::ApiError;

/// The caller, authenticated by API key.
pub struct Authenticated(pub Actor);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Two credentials are ambiguous: a proxy and the client may disagree on which counts.
        if parts.headers.get_all(AUTHORIZATION).iter().nth(1).is_some() {
            return Err(ApiError::bad_request(
                "send one Authorization header, not several",
            ));
        }
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(ApiError::unauthorized)?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .ok_or_else(ApiError::unauthorized)?;
        match state.vault.authenticate(token).await {
            Ok(Some(actor)) => Ok(Authenticated(actor)),
            Ok(None) => Err(ApiError::unauthorized()),
            Err(e) => Err(e.into()),
        }
    }
}
