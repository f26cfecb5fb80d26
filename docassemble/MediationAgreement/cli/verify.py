"""``mediation-agreement verify``: check an executed agreement's seal, record and store log."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from ..errors import ConfigError, SignatureError, VerificationFailed
from ..review import SignerFacts
from ..signing.devcert import write_development_certificates
from ..signing.verify import VerifyReport, check_against_store, verify_pdf
from ..store import LogEvent

SYMBOLS = {True: "✓", False: "✗", None: "!"}


@click.command("verify")
@click.argument("pdf_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--trust",
    "trust",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CA certificate (PEM or DER) the office seal must chain to (repeatable). "
    "Without it the seal is checked for integrity only.",
)
@click.option("--store", "store_url", help="Case store URL (sqlite:///FILE.db or postgresql://...) to compare the sealed log with.")
@click.option(
    "--store-key-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="File holding the store key (default: $MEDIATION_STORE_KEY or $MEDIATION_STORE_KEY_FILE).",
)
@click.option("--case", "case_id", help="Case id in the store (default: the case named in the PDF's record).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of one line per check.")
def verify_command(pdf_file: Path, trust: tuple[Path, ...], store_url: str | None, store_key_file: Path | None, case_id: str | None, as_json: bool) -> None:
    """Check a sealed agreement PDF: seal, attached log, and (with --store) the case store.

    Prints each check with ✓ (passed), ✗ (failed) or ! (not checked).  Exit
    status 0 when nothing failed, 1 when a check failed, 2 when the file or an
    option cannot be read.
    """
    # pyHanko logs expected validation failures (e.g. an untrusted chain) with tracebacks.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        data = pdf_file.read_bytes()
    except OSError as exc:
        raise SignatureError(f"cannot read the file: {exc.strerror or exc}", path=pdf_file) from None
    if (store_key_file or case_id) and not store_url:
        raise click.UsageError("--store-key-file and --case need --store")
    try:
        report = verify_pdf(data, trust_roots=list(trust) or None)
    except SignatureError as exc:
        raise SignatureError(exc.message, path=pdf_file) from None
    if store_url and report.record is not None:
        events, audit, facts = _store_events(store_url, store_key_file, case_id or report.record.case_id, report.record.draft_sha256)
        check_against_store(report, events, store_audit=audit, legal_names=facts.names, signer_problems=facts.problems)
    _print(report, pdf_file, as_json=as_json)
    if not report.ok:
        raise VerificationFailed(f"{pdf_file}: check(s) failed: {', '.join(c.name for c in report.failures())}")


def _store_events(url: str, key_file: Path | None, case_id: str, draft_sha256: str) -> tuple[list[LogEvent], list[str], SignerFacts]:
    """The case's events, the store's audit of them (MACs included) and who the signed draft names."""
    from ..review import signer_facts
    from ..store import open_store

    store = open_store(url, key_file=key_file, create=False)
    try:
        return list(store.events(case_id)), store.audit(case_id), signer_facts(store, case_id, draft_sha256)
    finally:
        store.close()


def _print(report: VerifyReport, path: Path, *, as_json: bool) -> None:
    if as_json:
        click.echo(
            json.dumps(
                {
                    "file": str(path),
                    "ok": report.ok,
                    "trusted": report.trusted,
                    "sealed_by": report.signer_subject,
                    "case_id": report.record.case_id if report.record else None,
                    "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail} for c in report.checks],
                },
                indent=2,
            )
        )
        return
    click.echo(f"{path}")
    for check in report.checks:
        click.echo(f"  {SYMBOLS[check.passed]} {check.name}: {check.detail}")
    if not report.ok:
        click.echo("result: FAILED")
    elif report.trusted:
        click.echo("result: verified (intact, sealed by a trusted certificate)")
    else:
        click.echo("result: intact but NOT TRUSTED (give --trust OFFICE-CA.pem to check who sealed it)")


@click.command("dev-certificate")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("dev-certs"), show_default=True, help="Folder to write ca.pem, office.pem and office.key (0600) into.")
@click.option("--office", default="Example Child Support Mediation Office", show_default=True, help="Office name written into the certificates.")
@click.option("--days", type=int, default=365, show_default=True, help="How many days the office certificate is valid.")
@click.option("--passphrase-file", type=click.Path(path_type=Path, exists=True, dir_okay=False), help="Encrypt office.key with the passphrase in this file.")
@click.option("--force", is_flag=True, help="Replace existing files.")
def dev_certificate_command(out_dir: Path, office: str, days: int, passphrase_file: Path | None, force: bool) -> None:
    """Make a DEVELOPMENT-ONLY root CA and office seal certificate for trying out sealing.

    A real office seals with a certificate from an authority the courts and
    parties can check; see docs/signing.md.
    """
    passphrase = passphrase_file.read_bytes().strip() if passphrase_file else None
    if passphrase_file is not None and not passphrase:
        raise ConfigError("the passphrase file is empty", path=passphrase_file)
    made = write_development_certificates(out_dir, office, days=days, passphrase=passphrase, overwrite=force)
    folder = made.key.parent.resolve()
    click.echo(f"wrote {made.ca}, {made.certificate}, {made.key} (0600)")
    click.echo("development only: the seal verifies as intact, and as trusted only with --trust ca.pem\n")
    click.echo(f"export MEDIATION_SIGNING_KEY={folder}/office.key")
    click.echo(f"export MEDIATION_SIGNING_CERT={folder}/office.pem")
    click.echo(f"export MEDIATION_SIGNING_CHAIN={folder}/ca.pem")
    if passphrase:
        click.echo("export MEDIATION_SIGNING_KEY_PASSPHRASE=...   # the passphrase from your file")
    click.echo(f"# check a sealed agreement: mediation-agreement verify FILE.pdf --trust {folder}/ca.pem")
