"""Development certificates for sealing executed agreements (never for real cases).

A real office seals with a certificate from a certificate authority the courts
and parties can check (see docs/signing.md).  For demonstrations and
development, :func:`write_development_certificates` makes a throwaway root CA
and an office seal certificate it issued.  The CA's key is used once and never
written, so nothing else can ever be issued under it.  Every name says
"DEVELOPMENT ONLY".

RSA, not ECDSA: pyHanko marks a PDF sealed with an ECDSA key as PDF 2.0
(ISO/TS 32002), which takes it outside PDF/A-3.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from ..errors import ConfigError
from ..outputs import write_atomically

FILES = ("ca.pem", "office.pem", "office.key")


@dataclass(frozen=True)
class DevelopmentCertificates:
    """Where the three files were written."""

    key: Path
    certificate: Path
    ca: Path


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(**wanted: bool) -> x509.KeyUsage:
    fields = (
        "digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
        "key_cert_sign", "crl_sign", "encipher_only", "decipher_only",
    )
    return x509.KeyUsage(**{f: wanted.get(f, False) for f in fields})


def make_development_certificates(office: str, days: int = 365, *, key_size: int = 3072) -> tuple[x509.Certificate, x509.Certificate, rsa.RSAPrivateKey]:
    """(root CA certificate, office seal certificate, office private key)."""
    if days < 1:
        raise ConfigError("a certificate must be valid for at least one day", field_path="days")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    organisation = f"{office} (DEVELOPMENT ONLY)"
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    ca_name = _name("Development Mediation Root CA - DEVELOPMENT ONLY", organisation)
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days + 1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    office_key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    office_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{office} - DEVELOPMENT ONLY", organisation))
        .issuer_name(ca_name)
        .public_key(office_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(office_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return ca, office_cert, office_key


def write_development_certificates(
    folder: Path,
    office: str,
    *,
    days: int = 365,
    passphrase: bytes | None = None,
    overwrite: bool = False,
    key_size: int = 3072,
) -> DevelopmentCertificates:
    """Write ``ca.pem``, ``office.pem`` and ``office.key`` (mode 0600) into ``folder``."""
    existing = [folder / f for f in FILES if (folder / f).exists()]
    if existing and not overwrite:
        raise ConfigError(f"{', '.join(map(str, existing))} already exist(s)", hint="use --force to replace them")
    ca, cert, key = make_development_certificates(office, days, key_size=key_size)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    pem = serialization.Encoding.PEM
    return DevelopmentCertificates(
        key=write_atomically(folder / "office.key", key.private_bytes(pem, serialization.PrivateFormat.PKCS8, encryption), mode=0o600),
        certificate=write_atomically(folder / "office.pem", cert.public_bytes(pem)),
        ca=write_atomically(folder / "ca.pem", ca.public_bytes(pem)),
    )
