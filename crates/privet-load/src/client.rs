//! One keep-alive HTTP/1.1 connection's worth of client, with the bearer key.

use anyhow::{Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::{Method, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// A request against the vault API, relative to the base URL.
pub struct Call {
    /// HTTP method.
    pub method: Method,
    /// Path and query, starting with `/`.
    pub path: String,
    /// JSON body, if any.
    pub body: Option<Bytes>,
}

impl Call {
    /// A request with a JSON body.
    pub fn json(method: Method, path: String, body: &serde_json::Value) -> Self {
        Self {
            method,
            path,
            body: Some(Bytes::from(body.to_string())),
        }
    }

    /// A request without a body.
    pub fn bare(method: Method, path: String) -> Self {
        Self {
            method,
            path,
            body: None,
        }
    }
}

/// What came back: status and the whole body.
pub struct Reply {
    /// Response status.
    pub status: StatusCode,
    /// Response body, read to the end so the connection can be reused.
    pub body: Bytes,
}

/// Base URL and credentials shared by every connection.
#[derive(Clone)]
pub struct Target {
    base: String,
    auth: HeaderValue,
}

impl Target {
    /// `base` is like `http://127.0.0.1:8700` (a trailing `/` is dropped).
    pub fn new(base: &str, key: &str) -> Result<Self> {
        let base = base.trim_end_matches('/').to_owned();
        base.parse::<hyper::Uri>()
            .with_context(|| format!("--url {base:?} is not a URL"))?;
        let mut auth = HeaderValue::from_str(&format!("Bearer {key}"))
            .context("--key holds characters not allowed in a header")?;
        auth.set_sensitive(true);
        Ok(Self { base, auth })
    }
}

/// A client that keeps at most one idle connection: give each closed-loop
/// task its own, and each task drives exactly one keep-alive connection.
pub struct Connection {
    target: Target,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Connection {
    /// A client for `target`; connects lazily on the first call.
    pub fn new(target: Target) -> Self {
        let mut connector = HttpConnector::new();
        // Small request/response pairs: Nagle would add delayed-ACK stalls.
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(1)
            .build(connector);
        Self { target, client }
    }

    /// Sends `call` and reads the whole response.
    pub async fn send(&self, call: &Call) -> Result<Reply> {
        let uri = format!("{}{}", self.target.base, call.path);
        let mut builder = hyper::Request::builder()
            .method(call.method.clone())
            .uri(uri)
            .header(AUTHORIZATION, self.target.auth.clone());
        if call.body.is_some() {
            builder = builder.header(CONTENT_TYPE, "application/json");
        }
        let request = builder.body(Full::new(call.body.clone().unwrap_or_default()))?;
        let response = self.client.request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Reply { status, body })
    }
}
