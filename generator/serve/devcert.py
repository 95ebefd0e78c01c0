"""The certificate of `sitegen serve --https`: browsers offer the WebCrypto the demo gate
needs only in a secure context, which a phone on the studio's network gets over https alone.

Self-signed (EC P-256) with `cryptography`, made at first use and kept in the cache (its
folder named in `cache.folders`), made again when it nears its end or lacks a name the server
answers to. The browser warns once; the studio accepts the warning on each device."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALID_DAYS = 365
RENEW_WITHIN = dt.timedelta(days=2)
CERT_FILE, KEY_FILE = "cert.pem", "key.pem"


def server_context(folder: Path, names: Sequence[str]) -> ssl.SSLContext:
    """A TLS server context with the kept certificate, made first if needed."""
    cert, key = ensure_certificate(folder, names)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def ensure_certificate(folder: Path, names: Sequence[str]) -> tuple[Path, Path]:
    """The certificate and key files, reused while valid and naming every one of `names`."""
    cert, key = folder / CERT_FILE, folder / KEY_FILE
    if not _usable(cert, key, names):
        private_key = ec.generate_private_key(ec.SECP256R1())
        _write(key, _key_bytes(private_key), private=True)
        _write(cert, _certificate(private_key, names).public_bytes(serialization.Encoding.PEM))
    return cert, key


def _certificate(private_key: ec.EllipticCurvePrivateKey, names: Sequence[str]):
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sitegen serve")])
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in names]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(private_key, hashes.SHA256())
    )


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def _usable(cert_path: Path, key_path: Path, names: Sequence[str]) -> bool:
    """Whether the kept pair can serve: readable, matching, valid a while yet, naming all."""
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        listed = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, x509.ExtensionNotFound):
        return False
    same_key = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) == cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    fresh = cert.not_valid_after_utc - dt.datetime.now(dt.UTC) > RENEW_WITHIN
    return same_key and fresh and all(_general_name(n) in listed for n in names)


def _key_bytes(private_key: ec.EllipticCurvePrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write(path: Path, data: bytes, private: bool = False) -> None:
    """Whole or not at all; a private key readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        if not private:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
