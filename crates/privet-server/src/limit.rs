//! Rate limits on the two things an attacker repeats: failed authentication (per client address)
//! and look-ups that find nothing (per API key and per client address).
//!
//! Each limit is a leaky bucket: a key may spend `burst` at once and regains `per_minute` each
//! minute. A request that arrives while its bucket is spent is answered 429 with `Retry-After`
//! before any work is done. Misses are what make guessing possible (a card token's six random
//! middle digits, a subject id): bounding them turns minutes of guessing into years.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use privet_types::Clock;

use crate::AppState;
use crate::problem::ApiError;

/// How many failures and misses a caller may have.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimits {
    /// Look-ups that find nothing, regained per minute, per API key and per client address.
    pub misses_per_minute: u32,
    /// Misses that may be spent at once.
    pub miss_burst: u32,
    /// Failed authentications regained per minute, per client address.
    pub auth_failures_per_minute: u32,
    /// Failed authentications that may be spent at once.
    pub auth_failure_burst: u32,
}

impl RateLimits {
    /// The rates of privet.toml's `[limits]`; a burst is two minutes' worth.
    pub fn from_limits(limits: &privet_types::policy::Limits) -> RateLimits {
        RateLimits {
            misses_per_minute: limits.misses_per_minute,
            miss_burst: limits.misses_per_minute.saturating_mul(2),
            auth_failures_per_minute: limits.auth_failures_per_minute,
            auth_failure_burst: limits.auth_failures_per_minute.saturating_mul(2),
        }
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits::from_limits(&privet_types::policy::Limits::default())
    }
}

/// Misses a handler found (batch items or an empty look-up), reported to the limiter through
/// the response's extensions; a 404 answer of a look-up route counts as one by itself.
#[derive(Debug, Clone, Copy)]
pub struct Misses(pub usize);

/// Routes (method and template) whose 404s and empty answers are look-up misses.
const LOOKUP_ROUTES: [(Method, &str); 6] = [
    (Method::GET, "/v1/subjects"),
    (Method::POST, "/v1/subjects/lookup"),
    (Method::GET, "/v1/subjects/{id}"),
    (Method::POST, "/v1/subjects/read"),
    (Method::POST, "/v1/tokens/detokenize"),
    (Method::POST, "/v1/tokens/detokenize/batch"),
];

/// Most buckets kept per limit; full ones are dropped first when the table grows past it.
const MAX_BUCKETS: usize = 100_000;

struct Bucket {
    /// Spent units, draining at the refill rate.
    spent: f64,
    at_ms: i64,
}

/// One limit over many keys.
struct Buckets {
    per_ms: f64,
    burst: f64,
    map: Mutex<HashMap<String, Bucket>>,
}

impl Buckets {
    fn new(per_minute: u32, burst: u32) -> Buckets {
        Buckets {
            per_ms: f64::from(per_minute) / 60_000.0,
            burst: f64::from(burst.max(1)),
            map: Mutex::new(HashMap::new()),
        }
    }

    fn drained(&self, b: &Bucket, now_ms: i64) -> f64 {
        let elapsed = (now_ms - b.at_ms).max(0) as f64;
        (b.spent - elapsed * self.per_ms).max(0.0)
    }

    /// Seconds to wait before `key` may spend one more unit, if it must.
    fn retry_after(&self, key: &str, now_ms: i64) -> Option<u64> {
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        let spent = map.get(key).map_or(0.0, |b| self.drained(b, now_ms));
        let over = spent + 1.0 - self.burst;
        (over > 0.0).then(|| {
            if self.per_ms > 0.0 {
                ((over / self.per_ms) / 1000.0).ceil().max(1.0) as u64
            } else {
                3600
            }
        })
    }

    /// Spends `n` units of `key`'s bucket.
    fn charge(&self, key: &str, n: usize, now_ms: i64) {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_BUCKETS && !map.contains_key(key) {
            map.retain(|_, b| self.drained(b, now_ms) > 0.0);
        }
        let spent = map.get(key).map_or(0.0, |b| self.drained(b, now_ms));
        // Debt is capped so a flood does not lock a caller out for longer than one full refill.
        let spent = (spent + n as f64).min(2.0 * self.burst);
        map.insert(
            key.to_owned(),
            Bucket {
                spent,
                at_ms: now_ms,
            },
        );
    }
}

/// The server's limiter.
pub struct Limiter {
    clock: Arc<dyn Clock>,
    misses: Buckets,
    auth: Buckets,
}

impl Limiter {
    /// A limiter with these limits, reading time from `clock`.
    pub fn new(limits: RateLimits, clock: Arc<dyn Clock>) -> Limiter {
        Limiter {
            clock,
            misses: Buckets::new(limits.misses_per_minute, limits.miss_burst),
            auth: Buckets::new(limits.auth_failures_per_minute, limits.auth_failure_burst),
        }
    }

    fn now_ms(&self) -> i64 {
        self.clock.now().as_millisecond()
    }

    /// Seconds a client at `ip` must wait before trying to authenticate again, if it must.
    pub fn auth_retry_after(&self, ip: &str) -> Option<u64> {
        self.auth.retry_after(ip, self.now_ms())
    }

    /// Records a failed authentication from `ip`.
    pub fn auth_failed(&self, ip: &str) {
        self.auth.charge(ip, 1, self.now_ms());
    }

    /// Seconds the key or the address must wait before another look-up, if either must.
    pub fn miss_retry_after(&self, key: Option<&str>, ip: &str) -> Option<u64> {
        let now = self.now_ms();
        let by_key = key.and_then(|k| self.misses.retry_after(&format!("key:{k}"), now));
        let by_ip = self.misses.retry_after(&format!("ip:{ip}"), now);
        by_key.max(by_ip)
    }

    /// Records `n` misses of `key` from `ip`.
    pub fn missed(&self, key: Option<&str>, ip: &str, n: usize) {
        let now = self.now_ms();
        if let Some(k) = key {
            self.misses.charge(&format!("key:{k}"), n, now);
        }
        self.misses.charge(&format!("ip:{ip}"), n, now);
    }
}

/// The API key id a request names (not yet verified: it is only used to find a bucket, and is
/// charged only after the key authenticated).
fn claimed_key_id(req: &Request) -> Option<String> {
    let header = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))?
        .trim();
    privet_vault::api_key_id(token).map(str::to_owned)
}

fn client_ip(req: &Request) -> String {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| normalise(c.0.ip()).to_string())
}

/// An IPv4 client reached over an IPv6 socket is the same client.
fn normalise(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn too_many(seconds: u64, what: &str) -> Response {
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        format!("too many {what}; retry after {seconds} s"),
    )
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(RETRY_AFTER, v);
    }
    response
}

/// Middleware: refuses callers over their limits, and charges failures and misses after the
/// handler answered.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limiter = &state.limiter;
    let ip = client_ip(&req);
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let is_api = req.uri().path().starts_with("/v1/");
    let lookup = route.as_deref().is_some_and(|r| {
        LOOKUP_ROUTES
            .iter()
            .any(|(m, t)| m == req.method() && *t == r)
    });
    let key = claimed_key_id(&req);
    if is_api && let Some(s) = limiter.auth_retry_after(&ip) {
        return too_many(s, "failed authentications from this address");
    }
    if lookup && let Some(s) = limiter.miss_retry_after(key.as_deref(), &ip) {
        return too_many(s, "look-ups that found nothing");
    }
    let response = next.run(req).await;
    let status = response.status();
    if is_api && status == StatusCode::UNAUTHORIZED {
        limiter.auth_failed(&ip);
    } else if lookup {
        let reported = response.extensions().get::<Misses>().map_or(0, |m| m.0);
        let misses = if status == StatusCode::NOT_FOUND {
            reported.max(1)
        } else {
            reported
        };
        if misses > 0 {
            limiter.missed(key.as_deref(), &ip, misses);
        }
    }
    response
}

/// Middleware: a request not answered within `[limits] request_timeout_secs` gets 503. Work
/// already queued for a commit may still be committed: a timed-out write is to be retried
/// (writes by id are idempotent), never assumed lost.
pub async fn deadline(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let secs = state.vault.policy().limits().request_timeout_secs;
    answer_within(secs, next.run(req)).await
}

/// `answer`, or 503 `timeout` once `secs` seconds have passed without it.
async fn answer_within(secs: u64, answer: impl Future<Output = Response>) -> Response {
    match tokio::time::timeout(std::time::Duration::from_secs(secs), answer).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(seconds = secs, "request timed out");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                format!(
                    "no answer within {secs} s ([limits] request_timeout_secs); a write may still have been applied, so retry it"
                ),
            )
            .into_response()
        }
    }
}

/// The longest request target read. Look-up values belong in a body (`POST
/// /v1/subjects/lookup`), and a proxy or access log keeps whatever a URL carries.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Middleware: a request target over [`MAX_URI_BYTES`] gets 414 as problem+json. hyper itself
/// answers a bare 414 only past 64 KiB, so this keeps every long-URI answer in the API's form.
pub async fn uri_length(req: Request, next: Next) -> Response {
    let len = req.uri().to_string().len();
    if len > MAX_URI_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri-too-long",
            format!(
                "the request target is {len} bytes; at most {MAX_URI_BYTES} are read (send look-up values in a body: POST /v1/subjects/lookup)"
            ),
        )
        .into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use privet_types::ManualClock;

    fn limiter(clock: &ManualClock) -> Limiter {
        Limiter::new(
            RateLimits {
                misses_per_minute: 60,
                miss_burst: 3,
                auth_failures_per_minute: 6,
                auth_failure_burst: 2,
            },
            Arc::new(clock.clone()),
        )
    }

    fn clock() -> ManualClock {
        ManualClock::new("2026-01-01T00:00:00Z".parse().expect("time"))
    }

    #[test]
    fn misses_are_limited_per_key_and_per_address() {
        let clock = clock();
        let l = limiter(&clock);
        for _ in 0..3 {
            assert_eq!(l.miss_retry_after(Some("k1"), "10.0.0.1"), None);
            l.missed(Some("k1"), "10.0.0.1", 1);
        }
        // The key is spent, from any address; the address is spent, with any key.
        assert_eq!(l.miss_retry_after(Some("k1"), "10.0.0.2"), Some(1));
        assert_eq!(l.miss_retry_after(Some("k2"), "10.0.0.1"), Some(1));
        assert_eq!(l.miss_retry_after(Some("k2"), "10.0.0.2"), None);
        // One a second comes back.
        clock.advance(jiff::SignedDuration::from_secs(1));
        assert_eq!(l.miss_retry_after(Some("k1"), "10.0.0.1"), None);
    }

    #[test]
    fn a_batch_of_misses_is_debt_paid_back_over_time() {
        let clock = clock();
        let l = limiter(&clock);
        l.missed(Some("k1"), "ip", 100);
        // Debt is capped at twice the burst: 6 spent, 3 allowed, so 4 s until one more.
        assert_eq!(l.miss_retry_after(Some("k1"), "ip"), Some(4));
        clock.advance(jiff::SignedDuration::from_secs(4));
        assert_eq!(l.miss_retry_after(Some("k1"), "ip"), None);
    }

    #[test]
    fn failed_authentication_is_limited_per_address() {
        let clock = clock();
        let l = limiter(&clock);
        l.auth_failed("1.2.3.4");
        assert_eq!(l.auth_retry_after("1.2.3.4"), None);
        l.auth_failed("1.2.3.4");
        assert_eq!(l.auth_retry_after("1.2.3.4"), Some(10));
        assert_eq!(l.auth_retry_after("5.6.7.8"), None);
        clock.advance(jiff::SignedDuration::from_secs(10));
        assert_eq!(l.auth_retry_after("1.2.3.4"), None);
    }

    #[test]
    fn mapped_ipv4_is_one_client() {
        let v6: IpAddr = "::ffff:10.1.2.3".parse().expect("ip");
        assert_eq!(normalise(v6), "10.1.2.3".parse::<IpAddr>().expect("ip"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_late_answer_is_a_503_and_a_prompt_one_passes() {
        let late = answer_within(2, async {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            StatusCode::OK.into_response()
        })
        .await;
        assert_eq!(late.status(), StatusCode::SERVICE_UNAVAILABLE);
        let prompt = answer_within(2, async {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            StatusCode::NO_CONTENT.into_response()
        })
        .await;
        assert_eq!(prompt.status(), StatusCode::NO_CONTENT);
    }
}
