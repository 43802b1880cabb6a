"""The development server's self-signed TLS certificate, made with ``cryptography``."""

from __future__ import annotations

import datetime
import ipaddress
import os
import secrets
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TLS_DIR: Final = Path("certificates") / "bolt"
PRIVATE_KEY: Final = "private.key"
CERTIFICATE: Final = "public.crt"
_CERTIFICATE_DAYS: Final = 825
_KEPT_IF_VALID_FOR: Final = datetime.timedelta(days=1)


def _certificate_usable(certificate: Path, key: Path) -> bool:
    """Whether ``certificate`` and ``key`` exist and the certificate is valid for at
    least another day."""
    if not (certificate.is_file() and key.is_file()):
        return False
    try:
        cert = x509.load_pem_x509_certificate(certificate.read_bytes())
    except ValueError:
        return False
    now = datetime.datetime.now(datetime.UTC)
    return cert.not_valid_after_utc > now + _KEPT_IF_VALID_FOR


def _self_signed(key: rsa.RSAPrivateKey, days: int) -> x509.Certificate:
    """A certificate that is its own CA (clients trust it directly), names the loopback
    address and localhost in its subjectAltName, and is for servers only."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "tacgraph development server"),
        ]
    )
    public = key.public_key()
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=True,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    names = [x509.IPAddress(ipaddress.IPv4Address("127.0.0.1")), x509.DNSName("localhost")]
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def make_certificate(directory: Path, *, days: int = _CERTIFICATE_DAYS) -> Path:
    """Make a self-signed certificate for 127.0.0.1 and localhost in ``directory``.

    Writes ``private.key`` (RSA 2048, unencrypted PKCS#8 PEM, mode 0600) and
    ``public.crt`` (PEM, subjectAltName ``IP:127.0.0.1, DNS:localhost``; it is its own
    CA, so clients trust it as one), plus the empty ``trusted/`` and ``revoked/``
    directories Neo4j's SSL policy reads. A certificate already there and valid for
    another day is kept, so clients that trust it keep working across restarts. Returns
    the certificate's path. Raises OSError when the directory cannot be written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("trusted", "revoked"):
        (directory / name).mkdir(exist_ok=True)
    certificate = directory / CERTIFICATE
    key = directory / PRIVATE_KEY
    if _certificate_usable(certificate, key):
        return certificate
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    certificate_pem = _self_signed(private, days).public_bytes(serialization.Encoding.PEM)
    token = secrets.token_hex(8)
    new_key = directory / f".{PRIVATE_KEY}-{token}"
    new_certificate = directory / f".{CERTIFICATE}-{token}"
    try:
        # created private before the key is written into it
        fd = os.open(new_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key_pem)
        new_certificate.write_bytes(certificate_pem)
        new_key.replace(key)
        new_certificate.replace(certificate)
    finally:
        for leftover in (new_key, new_certificate):
            leftover.unlink(missing_ok=True)
    return certificate
