#!/usr/bin/env python3
"""Make a development certificate for sealing executed agreements.

Writes, into OUT (default ``dev-certs/``):

  ca.pem       a self-signed "development" root CA (give it to ``verify --trust``)
  office.pem   the office's sealing certificate, issued by that CA
  office.key   the office's private key (RSA 3072, PEM, mode 0600; encrypted if --passphrase-file)

and prints the ``MEDIATION_SIGNING_*`` lines to put in the environment.  The CA's
own key is used once and never written, so nothing else can be issued under it.

This is for demonstrations and development only: a real office seals with a
certificate from a certificate authority the courts and parties can check (see
docs/signing.md).  Every certificate made here says "DEVELOPMENT ONLY" in its name.

    .venv/bin/python scripts/make-dev-certificate.py --office "County Child Support Mediation Office"
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

FILES = ("ca.pem", "office.pem", "office.key")


def name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def key_usage(**wanted: bool) -> x509.KeyUsage:
    fields = [
        "digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
        "key_cert_sign", "crl_sign", "encipher_only", "decipher_only",
    ]
    return x509.KeyUsage(**{f: wanted.get(f, False) for f in fields})


def make(office: str, days: int) -> tuple[x509.Certificate, x509.Certificate, rsa.RSAPrivateKey]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    organisation = f"{office} (DEVELOPMENT ONLY)"
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ca_name = name("Development Mediation Root CA - DEVELOPMENT ONLY", organisation)
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days + 1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    # RSA, not ECDSA: pyHanko marks a PDF sealed with an ECDSA key as PDF 2.0
    # (ISO/TS 32002), which takes it outside PDF/A-3.
    office_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    office_cert = (
        x509.CertificateBuilder()
        .subject_name(name(f"{office} - DEVELOPMENT ONLY", organisation))
        .issuer_name(ca_name)
        .public_key(office_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(office_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return ca, office_cert, office_key


def write_private(path: Path, data: bytes) -> None:
    """Create ``path`` with mode 0600 from the start (never briefly world-readable)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("dev-certs"), help="folder to write into (default: dev-certs/)")
    parser.add_argument("--office", default="Example Child Support Mediation Office", help="office name for the certificate")
    parser.add_argument("--days", type=int, default=365, help="validity of the office certificate in days (default 365)")
    parser.add_argument("--passphrase-file", type=Path, help="encrypt office.key with the passphrase in this file")
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    args = parser.parse_args(argv)

    if args.days < 1:
        parser.error("--days must be at least 1")
    existing = [args.out / f for f in FILES if (args.out / f).exists()]
    if existing and not args.force:
        print(f"error: {', '.join(map(str, existing))} already exist(s); use --force to replace", file=sys.stderr)
        return 2
    passphrase: bytes | None = None
    if args.passphrase_file:
        passphrase = args.passphrase_file.read_bytes().strip()
        if not passphrase:
            print(f"error: {args.passphrase_file} is empty", file=sys.stderr)
            return 2

    ca, office_cert, office_key = make(args.office, args.days)
    args.out.mkdir(parents=True, exist_ok=True)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    write_private(
        args.out / "office.key",
        office_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption),
    )
    (args.out / "office.pem").write_bytes(office_cert.public_bytes(serialization.Encoding.PEM))
    (args.out / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))

    out = args.out.resolve()
    print(f"wrote {out}/ca.pem, {out}/office.pem, {out}/office.key (0600)")
    print("development only: the seal will verify as intact, and as trusted only with --trust ca.pem\n")
    print(f"export MEDIATION_SIGNING_KEY={out}/office.key")
    print(f"export MEDIATION_SIGNING_CERT={out}/office.pem")
    print(f"export MEDIATION_SIGNING_CHAIN={out}/ca.pem")
    if passphrase:
        print("export MEDIATION_SIGNING_KEY_PASSPHRASE=...   # the passphrase from your file")
    print(f"# check a sealed agreement: mediation-agreement verify FILE.pdf --trust {out}/ca.pem")
    return 0


if __name__ == "__main__":
    sys.exit(main())
