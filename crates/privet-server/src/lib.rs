//! privet's HTTP API over the vault: `/v1` resources behind API-key authentication, errors as
//! problem+json, `/openapi.json`, `/healthz`, `/readyz`, `/metrics`, optional TLS (rustls); and
//! Presidio's analyzer and anonymizer contracts (`/analyze`, `/anonymize`) over privet's
//! detectors and operators.

pub mod api;
pub mod auth;
pub mod fuzz;
mod html;
pub mod idle;
pub mod limit;
pub mod metrics;
pub mod outbox;
pub mod problem;
pub mod scheduler;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::TokioExecutor;
use hyper_util::server::conn::auto::Builder;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};
use privet_vault::Vault;
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

use crate::metrics::Metrics;

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The vault.
    pub vault: Arc<Vault>,
    /// Request metrics.
    pub metrics: Arc<Metrics>,
    /// Limits on failed authentication and look-up misses.
    pub limiter: Arc<limit::Limiter>,
    /// The Presidio-compatible routes' detectors and operators.
    pub presidio: Arc<api::presidio::Presidio>,
}

/// The OpenAPI description.
#[derive(OpenApi)]
#[openapi(
    info(title = "privet", description = "Customer-data privacy vault: encrypted records, tokens, purpose-based access, audit."),
    paths(
        api::subjects::put_subject,
        api::subjects::get_subject,
        api::subjects::lookup,
        api::subjects::erase_subject,
        api::subjects::put_batch,
        api::subjects::read_batch,
        api::consents::put_consent,
        api::consents::post_consent,
        api::consents::get_consents,
        api::requests::create,
        api::requests::list,
        api::requests::get_one,
        api::requests::step,
        api::export::export,
        api::holds::place,
        api::holds::list,
        api::holds::lift,
        api::holds::lift_restriction,
        api::vendors::vendors,
        api::vendors::deliveries,
        api::vendors::retry,
        api::retention::record_event,
        api::retention::restore_field,
        api::retention::run_purge,
        api::retention::purges,
        api::tokens::tokenize,
        api::tokens::tokenize_batch,
        api::tokens::detokenize,
        api::tokens::detokenize_batch,
        api::subjects::lookup_by_body,
        api::audit::audit,
        api::ops::healthz,
        api::ops::readyz,
        api::ops::metrics,
        api::ops::openapi,
        api::presidio::analyze::analyze,
        api::presidio::anonymize::anonymize,
        api::presidio::deanonymize::deanonymize,
        api::presidio::health,
        api::presidio::supported_entities,
        api::presidio::anonymizers,
        api::presidio::deanonymizers,
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

/// Largest request body: a full batch of values.
const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// The router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/subjects", get(api::subjects::lookup))
        .route("/v1/subjects/batch", post(api::subjects::put_batch))
        .route("/v1/subjects/lookup", post(api::subjects::lookup_by_body))
        .route("/v1/subjects/read", post(api::subjects::read_batch))
        .route(
            "/v1/subjects/{id}",
            put(api::subjects::put_subject)
                .get(api::subjects::get_subject)
                .delete(api::subjects::erase_subject),
        )
        .route(
            "/v1/subjects/{id}/consents",
            post(api::consents::post_consent).get(api::consents::get_consents),
        )
        .route(
            "/v1/subjects/{id}/holds",
            post(api::holds::place).get(api::holds::list),
        )
        .route("/v1/subjects/{id}/holds/{hold}", delete(api::holds::lift))
        .route(
            "/v1/subjects/{id}/restriction",
            delete(api::holds::lift_restriction),
        )
        .route(
            "/v1/subjects/{id}/consents/{purpose}",
            put(api::consents::put_consent),
        )
        .route(
            "/v1/requests",
            post(api::requests::create).get(api::requests::list),
        )
        .route("/v1/requests/{id}", get(api::requests::get_one))
        .route("/v1/requests/{id}/export", get(api::export::export))
        .route("/v1/requests/{id}/{step}", post(api::requests::step))
        .route(
            "/v1/subjects/{id}/events",
            post(api::retention::record_event),
        )
        .route(
            "/v1/subjects/{id}/fields/{name}/restore",
            post(api::retention::restore_field),
        )
        .route(
            "/v1/purges",
            get(api::retention::purges).post(api::retention::run_purge),
        )
        .route("/v1/vendors", get(api::vendors::vendors))
        .route("/v1/deliveries", get(api::vendors::deliveries))
        .route("/v1/deliveries/{id}/retry", post(api::vendors::retry))
        .route("/v1/tokens", post(api::tokens::tokenize))
        .route("/v1/tokens/batch", post(api::tokens::tokenize_batch))
        .route("/v1/tokens/detokenize", post(api::tokens::detokenize))
        .route(
            "/v1/tokens/detokenize/batch",
            post(api::tokens::detokenize_batch),
        )
        .route("/v1/audit", get(api::audit::audit))
        .route("/healthz", get(api::ops::healthz))
        .route("/readyz", get(api::ops::readyz))
        .route("/metrics", get(api::ops::metrics))
        .route("/openapi.json", get(api::ops::openapi))
        .route("/analyze", post(api::presidio::analyze::analyze))
        .route("/anonymize", post(api::presidio::anonymize::anonymize))
        .route(
            "/deanonymize",
            post(api::presidio::deanonymize::deanonymize),
        )
        .route("/health", get(api::presidio::health))
        .route("/supportedentities", get(api::presidio::supported_entities))
        .route("/anonymizers", get(api::presidio::anonymizers))
        .route("/deanonymizers", get(api::presidio::deanonymizers))
        .fallback(|| async {
            problem::ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "not-found",
                "no such route",
            )
        })
        .method_not_allowed_fallback(|| async {
            problem::ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "the route does not take this method",
            )
        })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limit::deadline,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limit::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(limit::uri_length))
        .with_state(state)
}

/// TLS material.
#[derive(Debug, Clone)]
pub struct Tls {
    /// PEM certificate chain.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
}

/// Errors starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Address.
        addr: SocketAddr,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The certificate or key could not be loaded.
    #[error("cannot load TLS certificate {cert} / key {key}: {source}")]
    Tls {
        /// Certificate path.
        cert: String,
        /// Key path.
        key: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// Serving failed.
    #[error("server error: {0}")]
    Serve(#[source] std::io::Error),
}

/// Serves on an already bound `listener` (bound by the caller, so a busy port is found before
/// anything is created), reports the address through `on_bound`, and serves until `shutdown`
/// resolves. A client gets `[limits] header_timeout_secs` to send a request's headers, which
/// also closes idle keep-alive connections and slow-header (slowloris) connections; a request
/// gets `request_timeout_secs` to be answered.
pub async fn serve(
    state: AppState,
    listener: std::net::TcpListener,
    tls: Option<Tls>,
    on_bound: impl FnOnce(SocketAddr, bool),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let limits = state.vault.policy().limits().clone();
    let header_timeout = Duration::from_secs(limits.header_timeout_secs);
    // Longer than any answer may take (see `idle`), and never shorter than the header time.
    let idle = idle::IdleAcceptor {
        idle: Duration::from_secs(
            limits
                .request_timeout_secs
                .saturating_add(5)
                .max(limits.header_timeout_secs),
        ),
    };
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let addr = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: SocketAddr::from(([0, 0, 0, 0], 0)),
        source,
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| ServeError::Bind { addr, source })?;
    let handle = axum_server::Handle::new();
    let h2 = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        h2.graceful_shutdown(Some(Duration::from_secs(10)));
    });
    // HTTP/1.1 only: the protocol sniffing of an HTTP/2-capable server waits for a first byte
    // with no timeout, which would let idle connections stay open for ever.
    let configure = |b: &mut Builder<TokioExecutor>| {
        let sniffing = std::mem::replace(b, Builder::new(TokioExecutor::new()));
        *b = sniffing.http1_only();
        b.http1()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(header_timeout);
    };
    match tls {
        None => {
            let mut server = axum_server::from_tcp(listener)
                .map_err(|source| ServeError::Bind { addr, source })?
                .acceptor(idle);
            configure(server.http_builder());
            on_bound(addr, false);
            server
                .handle(handle)
                .serve(app)
                .await
                .map_err(ServeError::Serve)
        }
        Some(tls) => {
            // ring is the one crypto provider in the build; install it for rustls.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
                .await
                .map_err(|source| ServeError::Tls {
                    cert: tls.cert.display().to_string(),
                    key: tls.key.display().to_string(),
                    source,
                })?;
            // Offer HTTP/1.1 alone in ALPN, to match the connection builder.
            let mut inner = (*config.get_inner()).clone();
            inner.alpn_protocols = vec![b"http/1.1".to_vec()];
            let config = axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(inner));
            let mut server = axum_server::from_tcp(listener)
                .map_err(ServeError::Serve)?
                .acceptor(axum_server::tls_rustls::RustlsAcceptor::new(config).acceptor(idle));
            configure(server.http_builder());
            on_bound(addr, true);
            server
                .handle(handle)
                .serve(app)
                .await
                .map_err(ServeError::Serve)
        }
    }
}
