"""A throwaway PKI for the signing tests: a root CA, an office seal certificate, a TSA.

Built with the ``cryptography`` package only, in memory, with a fixed clock
offset so the certificates are valid "now" and for a year.  Nothing here is
ever used outside the tests (``mediation-agreement dev-certificate`` is the
developer's equivalent and writes files).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key."""

    cert: x509.Certificate
    key: PrivateKey

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def key_pem(self, passphrase: bytes | None = None) -> bytes:
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
        )
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


@dataclass(frozen=True)
class TestPKI:
    """Root CA, the office's seal certificate (issued by the root) and a timestamping authority."""

    root: Issued
    office: Issued
    tsa: Issued

    def write(self, folder: Path, *, passphrase: bytes | None = None) -> dict[str, Path]:
        """Write ``ca.pem``, ``office.pem``, ``office.key`` (mode 0600) into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = {"ca": folder / "ca.pem", "cert": folder / "office.pem", "key": folder / "office.key"}
        paths["ca"].write_bytes(self.root.cert_pem)
        paths["cert"].write_bytes(self.office.cert_pem)
        paths["key"].touch(mode=0o600)
        paths["key"].write_bytes(self.office.key_pem(passphrase))
        return paths


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Child Support Office"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _issue(
    subject: str,
    *,
    issuer: Issued | None,
    ca: bool,
    key_usage: dict[str, bool],
    eku: list[x509.ObjectIdentifier] | None = None,
    now: dt.datetime,
    days: int = 365,
    rsa_key: bool = False,
) -> Issued:
    # The office seal and pyHanko's test timestamper use RSA; the CA uses P-256.
    key: PrivateKey = rsa.generate_private_key(65537, 2048) if rsa_key else ec.generate_private_key(ec.SECP256R1())
    signing_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.cert.subject if issuer else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    usage = dict.fromkeys(
        [
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ],
        False,
    )
    usage.update(key_usage)
    builder = builder.add_extension(x509.KeyUsage(**usage), critical=True)
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=eku == [ExtendedKeyUsageOID.TIME_STAMPING])
    return Issued(builder.sign(signing_key, hashes.SHA256()), key)


def make_pki(now: dt.datetime | None = None) -> TestPKI:
    """A fresh CA, office certificate and TSA certificate."""
    now = now or dt.datetime.now(dt.UTC)
    root = _issue("Test Mediation Root CA", issuer=None, ca=True, key_usage={"key_cert_sign": True, "crl_sign": True}, now=now, days=3650)
    office = _issue(
        "Test County Mediation Office",
        issuer=root,
        ca=False,
        key_usage={"digital_signature": True, "content_commitment": True},
        now=now,
        rsa_key=True,  # an ECDSA seal would make pyHanko mark the PDF as version 2.0 (ISO 32002), outside PDF/A-3
    )
    tsa = _issue(
        "Test Timestamping Authority",
        issuer=root,
        ca=False,
        key_usage={"digital_signature": True},
        eku=[ExtendedKeyUsageOID.TIME_STAMPING],
        now=now,
        rsa_key=True,
    )
    return TestPKI(root=root, office=office, tsa=tsa)
