//! The one rustls client configuration (ring provider) that the HTTP and WebSocket sources share.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::error::{Error, Result};
use crate::source::NetOptions;

/// Makes ring the process-wide provider too, for the TLS set-up a client library does on its own
/// (reqwest builds one even for plain-HTTP clients, to follow a redirect to https).
pub(crate) fn install_process_provider() {
    // Err means a provider is already installed, which can only be this same one.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Builds the client configuration: system roots, or only `--ca-cert`, or no verification at all
/// with `--insecure`. The common one (system roots) is built once per process and cloned, which
/// shares its verifier: a fleet of 2,000 targets would otherwise copy the roots 2,000 times.
pub(crate) fn client_config(net: &NetOptions) -> Result<ClientConfig> {
    if net.insecure || net.ca_cert.is_some() {
        return build(net);
    }
    static SYSTEM: OnceLock<Result<ClientConfig>> = OnceLock::new();
    SYSTEM.get_or_init(|| build(net)).clone()
}

fn build(net: &NetOptions) -> Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Internal(format!("TLS set-up failed: {e}")))?;
    let config = if net.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
            .with_no_client_auth()
    } else {
        builder
            .with_root_certificates(roots(net)?)
            .with_no_client_auth()
    };
    Ok(config)
}

fn roots(net: &NetOptions) -> Result<RootCertStore> {
    let Some(path) = &net.ca_cert else {
        // Unreadable system certificates are skipped; an empty store then fails verification
        // with a message that points at --ca-cert.
        let mut store = RootCertStore::empty();
        store.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        return Ok(store);
    };
    let shown = path.display();
    let certs = ca_certs(path)?;
    let mut store = RootCertStore::empty();
    for cert in certs {
        store.add(cert).map_err(|e| {
            Error::Usage(format!(
                "--ca-cert {shown} is not a usable CA certificate: {e}"
            ))
        })?;
    }
    Ok(store)
}

/// The certificates of a `--ca-cert` file: at most `CA_CERT_LIMIT` bytes read, and at least one
/// PEM certificate in them (`config set` checks a file with this before storing it).
pub(crate) fn ca_certs(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>> {
    let shown = path.display();
    let pem = read_capped(path)
        .map_err(|e| Error::Usage(format!("cannot read --ca-cert {shown}: {e}")))?;
    if pem.len() > CA_CERT_LIMIT {
        return Err(Error::Usage(format!(
            "--ca-cert {shown} is larger than 1 MiB: it should hold the PEM certificates of the CAs to trust"
        )));
    }
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Usage(format!("cannot read --ca-cert {shown}: {e}")))?;
    if certs.is_empty() {
        return Err(Error::Usage(format!(
            "--ca-cert {shown} holds no PEM certificate"
        )));
    }
    Ok(certs)
}

/// The most read of `--ca-cert`: five times the whole Mozilla bundle (which `/dev/zero` or a
/// multi-gigabyte file would otherwise be read into memory whole).
const CA_CERT_LIMIT: usize = 1024 * 1024;

/// The file's first `CA_CERT_LIMIT` bytes and one more, to tell that it is longer.
fn read_capped(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut pem = Vec::new();
    std::fs::File::open(path)?
        .take(CA_CERT_LIMIT as u64 + 1)
        .read_to_end(&mut pem)?;
    Ok(pem)
}

/// `--insecure`: any certificate is accepted, but handshake signatures are still checked so the
/// connection is at least consistent with the certificate presented.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
