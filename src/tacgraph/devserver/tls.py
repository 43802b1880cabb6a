"""The development server's self-signed TLS certificate, made with the ``openssl`` command."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from tacgraph.devserver.tools import run_tool, tail_text
from tacgraph.errors import Neo4jServerError

TLS_DIR: Final = Path("certificates") / "bolt"
PRIVATE_KEY: Final = "private.key"
CERTIFICATE: Final = "public.crt"
_CERTIFICATE_DAYS: Final = 825


# A minimal OpenSSL configuration, so that the system's openssl.cnf cannot add or
# change extensions. The certificate is its own CA (clients trust it directly), names
# the loopback address and localhost in its subjectAltName, and is for servers only.
_OPENSSL_CONF: Final = """\
[req]
distinguished_name = dn
x509_extensions = ext
prompt = no
[dn]
CN = localhost
O = tacgraph development server
[ext]
subjectAltName = IP:127.0.0.1, DNS:localhost
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, digitalSignature, keyEncipherment, keyCertSign
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""


def _run_openssl(openssl: str, args: Sequence[str], what: str) -> subprocess.CompletedProcess[str]:
    return run_tool([openssl, *args], f"run openssl to {what}", timeout=120)


def _certificate_usable(openssl: str, certificate: Path, key: Path) -> bool:
    """Whether ``certificate`` and ``key`` exist and the certificate is valid for at
    least another day."""
    if not (certificate.is_file() and key.is_file()):
        return False
    result = _run_openssl(
        openssl,
        ["x509", "-in", str(certificate), "-noout", "-checkend", "86400"],
        "check the TLS certificate",
    )
    return result.returncode == 0


def make_certificate(directory: Path, *, days: int = _CERTIFICATE_DAYS) -> Path:
    """Make a self-signed certificate for 127.0.0.1 and localhost in ``directory``.

    Writes ``private.key`` (unencrypted PKCS#8 PEM, mode 0600) and ``public.crt`` (PEM,
    subjectAltName ``IP:127.0.0.1, DNS:localhost``; it is its own CA, so clients trust
    it as one), plus the empty ``trusted/`` and ``revoked/`` directories Neo4j's SSL
    policy reads. A certificate already there and valid for another day is kept, so
    clients that trust it keep working across restarts. Returns the certificate's path.
    Raises ``Neo4jServerError`` if the ``openssl`` command is missing or fails.
    """
    openssl = shutil.which("openssl")
    if openssl is None:
        raise Neo4jServerError(
            "serving Bolt over TLS needs a certificate, made with the 'openssl' command, "
            "which is not on PATH (e.g. 'apt-get install openssl')"
        )
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("trusted", "revoked"):
        (directory / name).mkdir(exist_ok=True)
    certificate = directory / CERTIFICATE
    key = directory / PRIVATE_KEY
    if _certificate_usable(openssl, certificate, key):
        return certificate
    token = secrets.token_hex(8)
    conf = directory / f".openssl-{token}.cnf"
    new_key = directory / f".{PRIVATE_KEY}-{token}"
    new_certificate = directory / f".{CERTIFICATE}-{token}"
    # Created private before openssl writes the key into it.
    os.close(os.open(new_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        conf.write_text(_OPENSSL_CONF, encoding="utf-8")
        result = _run_openssl(
            openssl,
            [
                "req",
                "-x509",
                "-config",
                str(conf),
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-sha256",
                "-days",
                str(days),
                "-keyout",
                str(new_key),
                "-out",
                str(new_certificate),
            ],
            "make a TLS certificate",
        )
        if result.returncode != 0:
            raise Neo4jServerError(
                f"openssl failed (exit code {result.returncode}) making a self-signed "
                f"certificate in {directory}:\n{tail_text(result.stdout)}"
            )
        new_key.replace(key)
        new_certificate.replace(certificate)
    finally:
        for leftover in (conf, new_key, new_certificate):
            leftover.unlink(missing_ok=True)
    return certificate
