"""``mediation-agreement case …`` and ``demo``: review rounds and signatures from the shell.

Every command opens the case store named by ``--store`` (or
``$MEDIATION_STORE_URL``; default ``sqlite:///mediation-cases.db``) with the
key from ``$MEDIATION_STORE_KEY`` or ``--key-file``; a store is only created
without a key when ``--dev-plaintext`` says so.  Parents act with their link
token (``--token`` or ``$MEDIATION_TOKEN``); without a token the command acts as
the mediator.  Library errors become one-line messages (see :mod:`.cli`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..case.model import load_case
from ..errors import ConfigError, SignatureError, StoreError, VerificationFailed
from ..outputs import write_atomically
from ..review import (
    DEFAULT_TOKEN_DAYS,
    CaseState,
    DraftVersion,
    add_comment,
    amended_case,
    approve,
    case_state,
    consent_text,
    current_case,
    draft_version,
    executed_for_token,
    finalize,
    issue_draft,
    issue_token,
    open_case,
    open_draft,
    redline_for,
    request_changes,
    revoke_token,
    sign,
    state_for_token,
    stored_final,
    tokens,
)
from ..review.report import state_lines, token_status
from ..store import DEFAULT_URL, KEY_FILE_ENV, URL_ENV, CaseStore, StoreSettings, generate_key, iso_z, utc_now
from ..store.migrate import HEAD
from .core import library_stack, state_overlay_option

TOKEN_ENV = "MEDIATION_TOKEN"


# --------------------------------------------------------------------------- shared options


def store_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--store``, ``--key-file`` and ``--dev-plaintext``, defined once for every command."""

    @click.option("--store", "store_url", envvar=URL_ENV, default=DEFAULT_URL, show_default=True, help=f"Case store URL: sqlite:///FILE.db or postgresql://USER@HOST:PORT/DB (or ${URL_ENV}).")
    @click.option(
        "--key-file",
        "--store-key-file",
        "key_file",
        envvar=KEY_FILE_ENV,
        type=click.Path(dir_okay=False, path_type=Path),
        help="File holding the store's encryption key (default: $MEDIATION_STORE_KEY).",
    )
    @click.option("--dev-plaintext", is_flag=True, help="Development only: allow a store WITHOUT encryption (names, incomes and comments readable on disk).")
    @functools.wraps(func)
    def wrapper(*args: Any, store_url: str, key_file: Path | None, dev_plaintext: bool, **kwargs: Any) -> Any:
        settings = StoreSettings.from_env(url=store_url, key_file=key_file, allow_plaintext=dev_plaintext)
        store = settings.open()
        try:
            return func(*args, store=store, **kwargs)
        finally:
            store.close()

    return wrapper


token_option = click.option("--token", envvar=TOKEN_ENV, help=f"The parent's link token (or ${TOKEN_ENV}). Without it you act as the mediator.")
draft_option = click.option("--draft", "draft", type=int, required=True, help="Number of the draft you read (must be the current draft).")
sha_option = click.option("--sha256", help="SHA-256 of the draft you read (printed with every draft); refused if it does not match.")


def _echo_state(state: CaseState, *, show_tokens: list[Any] | None = None) -> None:
    for depth, line in state_lines(state, tokens=show_tokens):
        click.echo("  " * depth + line)
    if state.chain_problems:
        click.echo("  WARNING: the event log has been altered:", err=True)
        for problem in state.chain_problems:
            click.echo(f"    {problem}", err=True)


def _echo_links(state: CaseState, opened: Any, what: str) -> None:
    """Each parent's new link token, shown this once."""
    click.echo(f"{what} (shown only now; the store keeps only their hashes):")
    for party, issued in opened.tokens.items():
        click.echo(f"  {state.name(party)}: {issued.token}")
        click.echo(f"      token id {issued.token_id}, valid until {iso_z(issued.expires_at)}")


def write_draft_files(version: DraftVersion, folder: Path, *, redline: Any = None) -> list[Path]:
    """Write a draft (the stored PDF, plus HTML) and its redline; everything is built before writing."""
    from ..render.html import render_html

    n = version.number
    files: dict[str, bytes] = {f"draft-{n}.pdf": version.pdf, f"draft-{n}.html": render_html(version.document).encode("utf-8")}
    if redline is not None:
        from ..review.redline import redline_html, redline_pdf

        against = "executed" if n == 1 else str(n - 1)  # an amendment's first draft is compared with the executed agreement
        files[f"redline-{n}-vs-{against}.html"] = redline_html(redline).encode("utf-8")
        files[f"redline-{n}-vs-{against}.pdf"] = redline_pdf(redline)
    return [write_atomically(folder / name, data) for name, data in files.items()]


# --------------------------------------------------------------------------- the group


@click.group("case")
def case_group() -> None:
    """Review rounds and e-signatures: open a case, issue drafts, comment, approve, sign, finalize.

    The store is encrypted with $MEDIATION_STORE_KEY (make one with
    `case keygen`).  Parents act with their link token (--token); without a
    token a command acts as the mediator.
    """


@case_group.command("keygen")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the key to this file (mode 0600) instead of printing it.")
def keygen_command(out_file: Path | None) -> None:
    """Make a new store encryption key (urlsafe base64 of 32 random bytes)."""
    key = generate_key()
    if out_file is None:
        click.echo(key)
        return
    if out_file.exists():
        raise ConfigError("refusing to overwrite an existing key file (losing a key loses the store)", path=out_file)
    write_atomically(out_file, key + "\n", mode=0o600)
    click.echo(f"wrote a new store key to {out_file} (mode 0600); use it with --key-file {out_file} or ${KEY_FILE_ENV}")


@case_group.command("init")
@store_options
def init_command(store: CaseStore) -> None:
    """Create the case store's tables, or upgrade them to this version's schema (safe to run again).

    Run it once when installing or upgrading on a server (docs/server.md); a
    store that a newer version of the package set up is refused, untouched.
    """
    migration, upgraded = store.migration, store.upgraded
    if migration is None:
        click.echo(f"case store at {store.display_url}: already at schema revision {HEAD}; nothing to do")
    elif migration.before is None:
        click.echo(f"case store at {store.display_url}: created (schema revision {HEAD}, {'encrypted' if store.encrypted else 'NOT encrypted: development only'})")
    else:
        click.echo(f"case store at {store.display_url}: upgraded from schema revision {migration.before} to {HEAD}")
    if upgraded is not None:
        click.echo(f"  event logs sealed with the MAC chain: {len(upgraded['sealed'])}; left unsealed (already broken, or no key): {len(upgraded['not_sealed'])}")
    if store.cipher.key_id is not None:
        earlier = store.cipher.key_ids[1:]
        click.echo(f"  new values are sealed with store key {store.cipher.key_id}" + (f"; earlier keys still read: {', '.join(earlier)}" if earlier else ""))


@case_group.command("new")
@click.argument("case_file", type=click.Path(path_type=Path))
@click.option("--label", help="A name for the case in listings (default: the parents' names; stored encrypted).")
@click.option("--token-days", type=int, default=DEFAULT_TOKEN_DAYS, show_default=True, help="How long the parents' links stay valid.")
@store_options
def new_command(case_file: Path, label: str | None, token_days: int, store: CaseStore) -> None:
    """Open a case from CASE_FILE and print each parent's link token (shown once)."""
    case = load_case(case_file)
    opened = open_case(store, case, label=label, token_days=token_days)
    state = case_state(store, opened.case_id)
    click.echo(f"opened case {opened.case_id}: {state.label}")
    _echo_links(state, opened, "links for the parents")
    click.echo(f"next: mediation-agreement case draft {opened.case_id} --out DRAFTS_FOLDER")


@case_group.command("list")
@store_options
def list_command(store: CaseStore) -> None:
    """List the cases in the store."""
    for record in store.cases():
        click.echo(f"{record.case_id}  {record.status:<6}  {iso_z(record.created_at)}  {record.label}")


@case_group.command("show")
@click.argument("case_id")
@token_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Also write the current draft (PDF, HTML) and its redline here.")
@click.option("--write-case", type=click.Path(dir_okay=False, path_type=Path), help="Mediator: write the current case answers (YAML) to edit for the next draft.")
@store_options
def show_command(case_id: str, token: str | None, out_dir: Path | None, write_case: Path | None, store: CaseStore) -> None:
    """Show a case: drafts, decisions, signatures, the comments you may see, what comes next."""
    if token:
        state = state_for_token(store, case_id, token)
        _echo_state(state)
    else:
        state = case_state(store, case_id)
        _echo_state(state, show_tokens=tokens(store, case_id))
    if write_case is not None:
        if token:
            raise StoreError("only the mediator can export the case answers (no --token)")
        import yaml

        from ..case.model import dump_case

        write_atomically(write_case, yaml.safe_dump(dump_case(current_case(store, case_id)), sort_keys=False, allow_unicode=True))
        click.echo(f"wrote the case answers to {write_case}")
    if out_dir is not None and state.finalized:
        final = executed_for_token(store, case_id, token) if token else stored_final(store, case_id)
        if final is not None:
            path = out_dir / "executed-agreement.pdf"
            write_atomically(path, final.pdf)
            click.echo(f"wrote {path} (the signed and sealed agreement)")
    elif out_dir is not None and state.current is not None:
        version = open_draft(store, case_id, token) if token else draft_version(store, case_id)
        redline = redline_for(store, case_id, version.number) if version.number > 1 else None
        for path in write_draft_files(version, out_dir, redline=redline):
            click.echo(f"wrote {path}")


@case_group.command("draft")
@click.argument("case_id")
@click.option("--case-file", type=click.Path(path_type=Path), help="Revised case answers for this draft (default: the stored ones).")
@click.option("--library", "libraries", multiple=True, type=click.Path(path_type=Path), help="Clause library folder laid over the package's own (repeatable).")
@click.option("--no-default-library", is_flag=True, help="Use only the --library folders.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for the draft (PDF, HTML) and, from draft 2 on, the redline.")
@state_overlay_option
@store_options
def draft_command(case_id: str, case_file: Path | None, libraries: tuple[Path, ...], no_default_library: bool, out_dir: Path, no_state_overlay: bool, store: CaseStore) -> None:
    """Mediator: issue the next draft (N+1), with a redline against draft N."""
    case = load_case(case_file) if case_file else None
    version = issue_draft(store, case_id, case=case, libraries=library_stack(libraries, no_default_library), state_overlay=not no_state_overlay)
    click.echo(f"issued draft {version.number} of case {case_id}, sha256 {version.sha256}")
    if version.number > 1:
        click.echo(f"approvals of draft {version.number - 1} no longer count: both parents approve draft {version.number}")
    amends = amended_case(store, case_id)
    redline = redline_for(store, case_id, version.number) if version.number > 1 or amends else None
    if redline is not None:
        click.echo(f"redline against {redline.old_label}: {redline.summary()}")
    for path in write_draft_files(version, out_dir, redline=redline):
        click.echo(f"wrote {path}")


@case_group.command("comment")
@click.argument("case_id")
@token_option
@draft_option
@click.option("--section", required=True, help="Clause number the comment is about, e.g. 4.2.")
@click.option("--text", required=True, help="The comment.")
@click.option("--private", is_flag=True, help="A private note: only the mediator (and you) will see it.")
@store_options
def comment_command(case_id: str, token: str | None, draft: int, section: str, text: str, private: bool, store: CaseStore) -> None:
    """Comment on one section of the current draft."""
    comment = add_comment(store, case_id, token=token, draft=draft, section=section, text=text, private=private)
    who = "private note (mediator only)" if comment.private else "comment (both parents and the mediator see it)"
    click.echo(f"stored {who} #{comment.seq} on section {comment.section} of draft {comment.draft}")


@case_group.command("approve")
@click.argument("case_id")
@token_option
@draft_option
@sha_option
@store_options
def approve_command(case_id: str, token: str | None, draft: int, sha256: str | None, store: CaseStore) -> None:
    """Parent: approve the current draft (binds to its SHA-256)."""
    if not token:
        raise StoreError("approving needs the parent's link token (--token)")
    decision = approve(store, case_id, token, draft=draft, sha256=sha256)
    state = case_state(store, case_id, viewer=decision.party)  # type: ignore[arg-type]
    click.echo(f"{state.name(decision.party)} approved draft {decision.draft} (sha256 {decision.sha256[:16]}…)")
    click.echo(f"status: {state.next_step()}")


@case_group.command("request-changes")
@click.argument("case_id")
@token_option
@draft_option
@sha_option
@click.option("--reason", required=True, help="What should change.")
@store_options
def request_changes_command(case_id: str, token: str | None, draft: int, sha256: str | None, reason: str, store: CaseStore) -> None:
    """Parent: ask the mediator to change the current draft."""
    if not token:
        raise StoreError("requesting changes needs the parent's link token (--token)")
    decision = request_changes(store, case_id, token, draft=draft, reason=reason, sha256=sha256)
    click.echo(f"requested changes to draft {decision.draft}: {reason}")


@case_group.command("sign")
@click.argument("case_id")
@token_option
@click.option("--mediator", "as_mediator", is_flag=True, help="Sign as the mediator (after both parents).")
@draft_option
@sha_option
@click.option("--typed-name", help="Sign by typing your name.")
@click.option("--image", "image_file", type=click.Path(dir_okay=False, path_type=Path), help="Sign with a drawn signature (PNG).")
@click.option(
    "--consent-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Consent text shown to the signer (default: the draft's electronic-signatures clause plus the signer's acknowledgement).",
)
@click.option("--confirm-intent", is_flag=True, help="I have read the consent text and intend this to be my signature.")
@click.option("--ip", help="Signer's IP address, as the host saw it (recorded as given).")
@click.option("--user-agent", help="Signer's browser or device, as the host saw it.")
@store_options
def sign_command(
    case_id: str,
    token: str | None,
    as_mediator: bool,
    draft: int,
    sha256: str | None,
    typed_name: str | None,
    image_file: Path | None,
    consent_file: Path | None,
    confirm_intent: bool,
    ip: str | None,
    user_agent: str | None,
    store: CaseStore,
) -> None:
    """Sign the current draft (parents with --token; the mediator with --mediator)."""
    from ..signing.signatures import capture_signature

    if as_mediator == bool(token):
        raise StoreError("sign either with a parent's --token or as the --mediator (exactly one)")
    if (typed_name is None) == (image_file is None):
        raise SignatureError("give exactly one of --typed-name or --image")
    consent = consent_text(store, case_id)
    if consent_file is not None:
        try:
            consent = consent_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SignatureError(f"cannot read the consent text: {exc}", path=consent_file) from None
    image = None
    if image_file is not None:
        try:
            image = image_file.read_bytes()
        except OSError as exc:
            raise SignatureError(f"cannot read the signature image: {exc.strerror or exc}", path=image_file) from None
    party = "mediator"
    if token:
        party = state_for_token(store, case_id, token).viewer
    click.echo("Consent shown to the signer:")
    for line in consent.splitlines():
        click.echo(f"  {line}")
    capture = capture_signature(
        party,
        method="drawn" if image is not None else "typed",
        image_png=image,
        typed_name=typed_name,
        intent_confirmed=confirm_intent,
        consent_text=consent,
    )
    client = {k: v for k, v in (("ip", ip), ("user_agent", user_agent)) if v} or None
    event = sign(store, case_id, capture, token=token, draft=draft, sha256=sha256, client=client)
    state = case_state(store, case_id)
    click.echo(f"{state.name(party)} signed draft {draft} at {event.at_iso} (event {event.seq}, consent sha256 {capture.consent_sha256[:16]}…)")
    click.echo(f"status: {state.next_step()}")


@case_group.command("finalize")
@click.argument("case_id")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Where to write the executed (signed and sealed) PDF.")
@store_options
def finalize_command(case_id: str, out_file: Path, store: CaseStore) -> None:
    """Mediator: build the executed PDF (signatures, certificate, office seal) and store it.

    The office's certificate comes from $MEDIATION_SIGNING_KEY and
    $MEDIATION_SIGNING_CERT.  Safe to run again: a finalized case writes its
    stored PDF out again.
    """
    final, already = finalize(store, case_id)
    write_atomically(out_file, final.pdf)
    if already:
        click.echo(f"case {case_id} was already finalized on {iso_z(final.created_at)}; wrote the stored executed agreement again")
    else:
        click.echo(f"finalized case {case_id}: executed agreement sealed and stored")
    click.echo(f"wrote {out_file} (sha256 {final.sha256})")
    click.echo(f"check it with: mediation-agreement verify {out_file} --store …")


@case_group.command("log")
@click.argument("case_id")
@store_options
def log_command(case_id: str, store: CaseStore) -> None:
    """Mediator: the case's event log and whether its hash chain is intact (exit 1 if not)."""
    events = store.events(case_id)
    for e in events:
        click.echo(f"{e.seq:>4}  {e.at_iso}  {e.actor:<8}  {e.kind:<18} {_summary(e.kind, e.payload)}  {e.hash[:12]}")
    problems = store.audit(case_id)
    if problems:
        for problem in problems:
            click.echo(f"chain: {problem}", err=True)
        raise VerificationFailed(f"the event log of case '{case_id}' has been altered ({len(problems)} problem(s))")
    head = events[-1].hash if events else "-"
    click.echo(f"chain: intact, {len(events)} events, head {head}")
    if store.mac_protected:
        click.echo("chain: every event and the head carry the store's MAC (HMAC-SHA256 under a key derived from the store key)")
    else:
        click.echo("chain: NOT MAC-protected (development store without a key): events cut off the end of the log cannot be detected")


def _summary(kind: str, p: dict[str, Any]) -> str:
    if "_unreadable" in p:
        return "(payload unreadable)"
    if kind == "comment":
        vis = "private" if p.get("visibility") == "private" else "shared"
        return f"draft {p.get('draft')} §{p.get('section')} ({vis})"
    if kind in ("approved", "changes_requested", "draft_viewed"):
        return f"draft {p.get('draft')}"
    if kind == "draft_issued":
        return f"draft {p.get('draft')} sha256 {str(p.get('sha256'))[:12]}"
    if kind == "signed":
        return f"draft {p.get('draft')} {p.get('method')}"
    if kind in ("token_issued", "token_revoked"):
        return f"party {p.get('party')} token {p.get('token_id')}"
    if kind == "finalized":
        return f"sha256 {str(p.get('sha256'))[:12]}"
    if kind == "mediation_agreed":
        return f"agreement to mediate, {(p.get('signature') or {}).get('method')} signature"
    if kind == "screening_submitted":
        return "safety questions answered (private)"
    if kind == "intake_submitted":
        return "issues and facts (private)"
    if kind == "case_opened" and p.get("stage") == "intake":
        return "for intake"
    return ""


@case_group.command("tokens")
@click.argument("case_id")
@click.option("--issue", "issue_for", type=click.Choice(["a", "b", "both"]), help="Issue a new link for parent a, b or both.")
@click.option("--revoke", "revoke_id", help="Revoke the link with this token id.")
@click.option("--days", type=int, default=DEFAULT_TOKEN_DAYS, show_default=True, help="Validity of newly issued links.")
@store_options
def tokens_command(case_id: str, issue_for: str | None, revoke_id: str | None, days: int, store: CaseStore) -> None:
    """Mediator: list, issue or revoke the parents' link tokens."""
    if revoke_id:
        record = revoke_token(store, case_id, revoke_id)
        click.echo(f"revoked token {record.token_id} (parent {record.party.upper()})")
    if issue_for:
        for party in ("a", "b") if issue_for == "both" else (issue_for,):
            issued = issue_token(store, case_id, party, days=days)
            click.echo(f"new link for parent {party.upper()} (shown only now): {issued.token}")
            click.echo(f"    token id {issued.token_id}, valid until {iso_z(issued.expires_at)}")
    state = case_state(store, case_id)
    now = utc_now()
    for t in tokens(store, case_id):
        click.echo(f"{t.token_id}  {state.name(t.party)}  {token_status(t, now)}")


# --------------------------------------------------------------------------- intake (before the session)


@case_group.command("intake")
@click.argument("setup_file", type=click.Path(path_type=Path))
@click.option("--label", help="A name for the case in listings (default: the parents' names; stored encrypted).")
@click.option("--token-days", type=int, default=DEFAULT_TOKEN_DAYS, show_default=True, help="How long the parents' links stay valid.")
@store_options
def intake_command(setup_file: Path, label: str | None, token_days: int, store: CaseStore) -> None:
    """Open a case for intake from SETUP_FILE (office, mediator, the parents' names) and print each parent's link token."""
    from ..intake import IntakeSetup, open_intake, parse_answers
    from ..intake.files import load_answers_file

    data, lines = load_answers_file(setup_file)
    setup = parse_answers(IntakeSetup, data, source=str(setup_file), lines=lines)
    opened = open_intake(store, setup, label=label, token_days=token_days)
    state = case_state(store, opened.case_id)
    click.echo(f"opened case {opened.case_id} for intake: {state.label}")
    _echo_links(state, opened, "links for the parents' intake")
    click.echo("each parent opens interviews/parent_intake.yml with case=CASE_ID&token=TOKEN; the same link later opens their review")
    click.echo(f"next: mediation-agreement case issues {opened.case_id}")


@case_group.command("issues")
@click.argument("case_id")
@click.option("--json", "as_json", is_flag=True, help="Print the board as JSON.")
@store_options
def issues_command(case_id: str, as_json: bool, store: CaseStore) -> None:
    """Mediator: the issues board (both parents' issues, priorities, proposals, the safety flag). Private: for the mediator only."""
    from ..intake import board_json, board_lines, intake_record, issues_board

    board = issues_board(intake_record(store, case_id))
    if as_json:
        import json

        click.echo(json.dumps(board_json(board), indent=2, ensure_ascii=False))
        return
    for line in board_lines(board):
        click.echo(line)


@case_group.command("prefill")
@click.argument("case_id")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Write the partial case file (YAML) here.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@store_options
def prefill_command(case_id: str, out_file: Path, force: bool, store: CaseStore) -> None:
    """Mediator: start the case file from both parents' intake (facts only; nothing private is copied)."""
    from ..intake import intake_record, prefill_case_data
    from ..intake.files import prefill_yaml

    if out_file.exists() and not force:
        raise ConfigError("already exists; give --force to overwrite it", path=out_file)
    record = intake_record(store, case_id)
    write_atomically(out_file, prefill_yaml(prefill_case_data(record), case_id))
    click.echo(f"wrote {out_file}: the facts from intake; `mediation-agreement check {out_file}` lists what is still to decide")
    click.echo(f"then: mediation-agreement case draft {case_id} --case-file {out_file} --out DRAFTS_FOLDER")


@case_group.command("agreement-to-mediate")
@click.argument("case_id")
@click.option("--parent", "party", required=True, type=click.Choice(["a", "b"]), help="Whose signed agreement to mediate.")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Write the PDF here.")
@store_options
def agreement_to_mediate_command(case_id: str, party: str, out_file: Path, store: CaseStore) -> None:
    """Office: download a parent's signed agreement to mediate (PDF)."""
    from ..intake import signed_agreement_pdf

    pdf = signed_agreement_pdf(store, case_id, party)
    write_atomically(out_file, pdf)
    click.echo(f"wrote {out_file}")


# --------------------------------------------------------------------------- messages to the parents


def mail_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--smtp`` and ``--mail-from``: where messages go out, and from whom."""
    from ..notices import MAIL_FROM_ENV, SMTP_URL_ENV

    @click.option("--smtp", "smtp_url", envvar=SMTP_URL_ENV, required=True, help=f"The mail server: smtp://HOST:PORT, smtps://… or smtp+starttls://… (or ${SMTP_URL_ENV}).")
    @click.option("--mail-from", "mail_from", envvar=MAIL_FROM_ENV, required=True, help=f"The office's sender address (or ${MAIL_FROM_ENV}).")
    @functools.wraps(func)
    def wrapper(*args: Any, smtp_url: str, mail_from: str, **kwargs: Any) -> Any:
        from ..notices import SmtpMailer

        return func(*args, mailer=SmtpMailer(smtp_url, mail_from), **kwargs)

    return wrapper


def link_builder(base_url: str) -> Callable[[str, str, str], str]:
    """Parents' links on the docassemble server at ``base_url``."""
    from urllib.parse import urlencode

    base = base_url.rstrip("/")
    if not base.startswith(("https://", "http://")):
        raise ConfigError(f"--base-url must be the server's address, like https://da.example.org, not {base_url!r}")

    def build(case_id: str, token: str, stage: str) -> str:
        interview = {"intake": "parent_intake", "checkin": "parent_checkin"}.get(stage, "parent_review")
        return f"{base}/interview?" + urlencode({"i": f"docassemble.MediationAgreement:data/questions/{interview}.yml", "case": case_id, "token": token})

    return build


@case_group.command("send-links")
@click.argument("case_id")
@click.option("--parent", "party", type=click.Choice(["a", "b", "both"]), default="both", show_default=True, help="Whom to write to.")
@click.option("--base-url", envvar="MEDIATION_BASE_URL", required=True, help="The docassemble server's address, e.g. https://da.example.org (or $MEDIATION_BASE_URL).")
@mail_options
@store_options
def send_links_command(case_id: str, party: str, base_url: str, mailer: Any, store: CaseStore) -> None:
    """Mediator: e-mail each parent who agreed to e-mail a new link to where they are now (their intake, or the current draft)."""
    from ..notices import send_link

    build = link_builder(base_url)
    state = case_state(store, case_id)
    for p in ("a", "b") if party == "both" else (party,):
        sent = send_link(store, case_id, p, mailer=mailer, link_for=build)
        if sent is None:
            click.echo(f"did not e-mail {state.name(p)}: they have not agreed to e-mail, or said it is not safe for them")
        else:
            where = "their intake" if sent.notice == "intake_link" else "the current draft"
            click.echo(f"e-mailed {state.name(p)} a new link to {where} (link {sent.token_id}; recorded in the case's log)")


@case_group.command("remind")
@click.option("--now", "now_text", help="Act as if it were this UTC time (YYYY-MM-DDTHH:MM:SSZ), to check what a run would do.")
@click.option("--hours", type=int, default=48, show_default=True, help="Remind when a parent's newest link stops working within this many hours.")
@click.option("--base-url", envvar="MEDIATION_BASE_URL", help="The docassemble server's address, for the check-in links (or $MEDIATION_BASE_URL); without it no check-in is sent.")
@mail_options
@store_options
def remind_command(now_text: str | None, hours: int, base_url: str | None, mailer: Any, store: CaseStore) -> None:
    """Office, from cron (e.g. hourly): remind each parent whose link stops working soon while they still have something to do,
    and send the check-ins that are due. Each is sent once; exit 1 if any could not be sent (tried again next run)."""
    from datetime import timedelta

    from ..followup import send_due_checkins
    from ..notices import send_reminders
    from ..store import parse_iso_z

    if now_text:
        now = parse_iso_z(now_text)
        store.clock = lambda: now  # type: ignore[method-assign]
    sent, failed = send_reminders(store, mailer=mailer, window=timedelta(hours=hours))
    click.echo(f"sent {len(sent)} reminder{'s' if len(sent) != 1 else ''}")
    for f in failed:
        click.echo(f"not sent: case {f.case_id}, parent {f.party.upper()}: {f.reason}", err=True)
    not_sent = len(failed)
    if base_url:
        run = send_due_checkins(store, mailer=mailer, link_for=link_builder(base_url))
        click.echo(f"sent {len(run.sent)} check-in{'s' if len(run.sent) != 1 else ''}")
        for case_id, party in run.not_emailed:
            click.echo(f"check-in not e-mailed: case {case_id}, parent {party.upper()} has no e-mail consent: reach this parent another way (case followups --hand-out)", err=True)
        for f in run.failed:
            click.echo(f"check-in not sent: case {f.case_id}, parent {f.party.upper()}: {f.reason}", err=True)
        not_sent += len(run.failed)
    else:
        click.echo("check-ins: not sent (give --base-url or $MEDIATION_BASE_URL for their links)")
    if not_sent:
        raise VerificationFailed(f"{not_sent} message(s) could not be sent; they will be tried again on the next run")


@case_group.command("followups")
@click.argument("case_id")
@click.option("--schedule", "schedule", help="Set the check-ins, in days after the agreement was sealed, e.g. 30,90.")
@click.option("--hand-out", "hand_out", type=click.Choice(["a", "b"]), help="Print a check-in link for this parent, who is not e-mailed (their due check-in), to give by hand.")
@click.option("--base-url", envvar="MEDIATION_BASE_URL", help="The docassemble server's address, for --hand-out (or $MEDIATION_BASE_URL).")
@store_options
def followups_command(case_id: str, schedule: str | None, hand_out: str | None, base_url: str | None, store: CaseStore) -> None:
    """Mediator: the case's check-ins after the agreement (due, sent, answered; answers are private), or set them."""
    from ..followup import followup_lines, followups, hand_out_checkin, schedule_checkins

    if schedule:
        try:
            days = tuple(int(d) for d in schedule.split(",") if d.strip())
        except ValueError:
            raise ConfigError(f"--schedule takes days separated by commas, like 30,90; not {schedule!r}") from None
        schedule_checkins(store, case_id, days)
        click.echo(f"check-ins set at {', '.join(str(d) for d in sorted(days))} days after the agreement was sealed")
    state = case_state(store, case_id)
    if hand_out:
        if not base_url:
            raise ConfigError("--hand-out needs --base-url (the docassemble server's address) for the link")
        url, item = hand_out_checkin(store, case_id, hand_out, link_for=link_builder(base_url))
        click.echo(f"check-in {item.number} link for {state.name(hand_out)} (shown only now; give it to them privately): {url}")
    for line in followup_lines(followups(store, case_id), {p: state.name(p) for p in ("a", "b")}):
        click.echo(line)


@case_group.command("timeline")
@click.argument("case_id")
@click.option("--all", "show_links", is_flag=True, help="Also list every link made, revoked or e-mailed.")
@store_options
def timeline_command(case_id: str, show_links: bool, store: CaseStore) -> None:
    """Mediator: the case's life in order: intake, drafts, decisions, signatures, the seal, check-ins (nothing private)."""
    from ..followup import timeline

    for moment in timeline(store, case_id):
        if moment.phase == "links" and not show_links:
            continue
        click.echo(f"{iso_z(moment.at)}  {moment.phase:<10}  {moment.text}")


@case_group.command("amend")
@click.argument("case_id")
@click.option("--token-days", type=int, default=DEFAULT_TOKEN_DAYS, show_default=True, help="How long the parents' links stay valid.")
@store_options
def amend_command(case_id: str, token_days: int, store: CaseStore) -> None:
    """Mediator: open a modification of an executed agreement: a new case started from the signed case file, titled as an amended agreement."""
    from ..review import open_amendment

    opened = open_amendment(store, case_id, token_days=token_days)
    state = case_state(store, opened.case_id)
    click.echo(f"opened case {opened.case_id}: {state.label}, amending case {case_id} (which stays as it was)")
    _echo_links(state, opened, "links for the parents")
    click.echo(f"next: mediation-agreement case show {opened.case_id} --write-case amended.yml; edit it; then")
    click.echo(f"      mediation-agreement case draft {opened.case_id} --case-file amended.yml --out DRAFTS_FOLDER (the redline is against the executed agreement)")


def _attach_after_seal_commands() -> None:
    from .referrals import add_case_commands

    add_case_commands(case_group, store_options)


_attach_after_seal_commands()
