//! HTTPS: the server started with a certificate and key answers over rustls.

use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, ServerName};

use super::harness::Env;
use super::http::{Response, exchange};

/// One request over TLS to `addr`, trusting only `cert`.
fn request_over_tls(
    addr: SocketAddr,
    cert: &CertificateDer<'static>,
    method: &str,
    path: &str,
    key: &str,
) -> Response {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(cert.clone())
        .expect("the certificate is a trust anchor");
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = ServerName::try_from("localhost").expect("server name");
    let conn = rustls::ClientConnection::new(Arc::new(config), name).expect("TLS client");
    let tcp = TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let auth = format!("Bearer {key}");
    exchange(
        rustls::StreamOwned::new(conn, tcp),
        "localhost",
        method,
        path,
        &[("Authorization", &auth)],
        b"",
    )
    .unwrap_or_else(|e| panic!("{method} {path} over TLS: {e}"))
}

#[test]
fn the_server_speaks_tls_with_the_given_certificate() {
    let env = Env::sqlite();
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .expect("self-signed certificate");
    let cert_path = env.path().join("cert.pem");
    let key_path = env.path().join("key.pem");
    std::fs::write(&cert_path, certified.cert.pem()).expect("write cert");
    std::fs::write(&key_path, certified.signing_key.serialize_pem()).expect("write key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let server = env.start_with(&[
        "--tls-cert",
        cert_path.to_str().expect("utf-8 path"),
        "--tls-key",
        key_path.to_str().expect("utf-8 path"),
    ]);
    assert!(
        server.stderr().contains("serving on https://"),
        "{}",
        server.stderr()
    );
    assert!(
        !server.stderr().contains("readable by"),
        "{}",
        server.stderr()
    );
    let cert = certified.cert.der();

    let health = request_over_tls(server.addr, cert, "GET", "/healthz", server.admin_key());
    assert_eq!(health.status, 200, "{}", health.text());
    assert_eq!(health.text(), "ok\n");
    let audit = request_over_tls(
        server.addr,
        cert,
        "GET",
        "/v1/audit?limit=1",
        server.admin_key(),
    );
    assert_eq!(audit.status, 200, "{}", audit.text());

    // Plain HTTP on the TLS port gets no answer from the API.
    let plain = TcpStream::connect(server.addr).and_then(|tcp| {
        tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
        exchange(tcp, "localhost", "GET", "/healthz", &[], b"")
    });
    assert!(
        plain.as_ref().map_or(true, |r| r.status != 200),
        "{plain:?}"
    );
}

/// A TLS private key readable by others draws a warning at start; the server still serves.
#[cfg(unix)]
#[test]
fn a_shared_tls_key_draws_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::sqlite();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
        .expect("self-signed certificate");
    let cert_path = env.path().join("cert.pem");
    let key_path = env.path().join("key.pem");
    std::fs::write(&cert_path, certified.cert.pem()).expect("write cert");
    std::fs::write(&key_path, certified.signing_key.serialize_pem()).expect("write key");
    std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let mut server = env.start_with(&[
        "--tls-cert",
        cert_path.to_str().expect("utf-8 path"),
        "--tls-key",
        key_path.to_str().expect("utf-8 path"),
    ]);
    let err = server.stderr();
    assert!(err.contains("readable by group or others"), "{err}");
    server.stop();
}
