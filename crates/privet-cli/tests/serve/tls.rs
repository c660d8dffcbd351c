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

/// A server on `env` with a fresh self-signed certificate for localhost and 127.0.0.1 (key file
/// 0600); returns it with the certificate and the certificate's PEM file.
fn start_tls(
    env: &Env,
) -> (
    super::harness::Server,
    rcgen::CertifiedKey<rcgen::KeyPair>,
    String,
) {
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
    let cert_path = cert_path.to_str().expect("utf-8 path").to_owned();
    let server = env.start_with(&[
        "--tls-cert",
        &cert_path,
        "--tls-key",
        key_path.to_str().expect("utf-8 path"),
    ]);
    (server, certified, cert_path)
}

#[test]
fn the_server_speaks_tls_with_the_given_certificate() {
    let env = Env::sqlite();
    let (server, certified, _) = start_tls(&env);
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

/// `privet redact`'s token operator reaches an HTTPS vault, trusting the certificate it is given
/// and nothing else: without `--vault-ca` the self-signed vault is refused and nothing is written.
#[test]
fn the_token_operator_speaks_tls_and_checks_the_certificate() {
    let env = Env::sqlite();
    let (server, _, cert) = start_tls(&env);
    let input = env.path().join("in.csv");
    std::fs::write(
        &input,
        "id,card\n1,4111 1111 1111 1111\n2,5500 0000 0000 0004\n",
    )
    .expect("write");
    let policy = env.path().join("deid.toml");
    std::fs::write(&policy, "[columns.card]\nop = \"token\"\n").expect("write");
    let out = env.path().join("out.csv");
    let url = format!("https://localhost:{}", server.addr.port());
    let redact = |ca: Option<&str>| {
        let mut cmd = env.command();
        cmd.args(["redact", input.to_str().expect("utf-8"), "--policy"])
            .arg(&policy)
            .args(["--vault-url", &url, "--vault-key", server.admin_key(), "-o"])
            .arg(&out);
        if let Some(ca) = ca {
            cmd.args(["--vault-ca", ca]);
        }
        cmd.output().expect("run privet redact")
    };
    let refused = redact(None);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !stderr.contains("4111") && !stderr.contains(server.admin_key()),
        "{stderr}"
    );
    assert!(!out.exists());

    let done = redact(Some(&cert));
    assert!(done.status.success(), "{done:?}");
    let text = std::fs::read_to_string(&out).expect("output");
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        !text.contains("4111 1111 1111 1111") && !text.contains("5500 0000"),
        "{text}"
    );
}
