"""``mediation-agreement demo``: intake and one whole review round on an example case, step by step.

Creates an encrypted store (key generated into the output folder, mode 0600),
opens the case for intake (each parent signs the agreement to mediate,
answers the private safety screening and names the issues; the mediator reads
the issues board), issues draft 1 from the case file; the parents comment (one asks to move the
exchange time) and decide; the mediator edits the case's ``exchange_time`` and
issues draft 2 with a redline; both parents approve; both sign, then the
mediator; the executed PDF is sealed with the office certificate (a self-signed
*demo* certificate unless ``MEDIATION_SIGNING_KEY``/``MEDIATION_SIGNING_CERT``
are set) and checked.  Every step goes through the same library calls the CLI
and the interviews use.
"""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import click

from ..assembly.document import AgreementDocument, clause_text
from ..case.model import Case, load_case
from ..errors import ConfigError, MediationError, VerificationFailed
from ..followup import DEFAULT_DAYS, answer_checkin, followup_lines, followups, hand_out_checkin, schedule_checkins, send_due_checkins
from ..intake import IntakeAnswers, IntakeSetup, ScreeningAnswers, agree_to_mediate, agreement_for, intake_for_token, intake_record, issues_board, open_intake, submit_intake, submit_screening
from ..notices import FolderMailer
from ..outputs import write_atomically
from ..review import (
    add_comment,
    approve,
    case_state,
    consent_text,
    current_case,
    finalize,
    issue_draft,
    open_amendment,
    open_draft,
    redline_for,
    request_changes,
    sign,
)
from ..signing.devcert import write_development_certificates
from ..store import CaseStore, generate_key
from .case import write_draft_files
from .core import library_stack

DEFAULT_CASE = Path(__file__).resolve().parents[3] / "examples" / "cases" / "joint-two-children.yml"
DEMO_FILES = ("cases.db", "cases.db-wal", "cases.db-shm", "store.key", "executed-agreement.pdf", "case-log.txt", "amended-agreement.pdf")
DEMO_DIRS = ("office-seal", "draft-1", "draft-2", "mail", "amendment")
STEPS = 15


class _Progress:
    def __init__(self, echo: Callable[[str], Any]) -> None:
        self.echo = echo
        self.n = 0
        self.started = time.perf_counter()
        self.step_started = self.started

    def step(self, title: str) -> None:
        self._close()
        self.n += 1
        self.step_started = time.perf_counter()
        self.echo(f"[{self.n}/{STEPS}] {title}")

    def say(self, text: str) -> None:
        self.echo(f"      {text}")

    def _close(self) -> None:
        took = time.perf_counter() - self.step_started
        if self.n and took >= 0.1:
            self.echo(f"      ({took:.1f} s)")

    def done(self) -> None:
        self._close()
        self.echo(f"done in {time.perf_counter() - self.started:.1f} s")


def _intake_setup(case: Case) -> IntakeSetup:
    """What the mediator knows when the case opens: the office, the mediator, the parents' names."""
    return IntakeSetup.model_validate({
        "office": case.office.name,
        "mediator": case.mediator.model_dump(mode="json", exclude_none=True),
        "court_state": case.court.state,
        "parent_a": _demo_contact(case.parent_a),
        "parent_b": _demo_contact(case.parent_b),
    })


def _demo_contact(parent: Any) -> dict[str, Any]:
    """A parent as the setup names them; e-mail (to the demo's mail folder) only when the case gives an address."""
    out: dict[str, Any] = {"full_name": parent.full_name, "short_name": parent.short_name}
    if parent.email:
        out.update(email=parent.email, send_by_email=True)
    return out


def _demo_intake(store: CaseStore, case_id: str, token: str, case: Case, party: str) -> None:
    """One parent's intake, with the facts of the example case (no safety concern in the demo)."""
    from ..signing.signatures import capture_signature

    view = intake_for_token(store, case_id, token)
    agreement = agreement_for(view)
    capture = capture_signature(party, method="typed", typed_name=view.full_name, intent_confirmed=True, consent_text=agreement.text, intent_statement=agreement.statement)
    agree_to_mediate(store, case_id, token, capture)
    submit_screening(store, case_id, token, ScreeningAnswers(answers={item: "no" for item in ("kept_from_people", "kept_from_money", "threats", "same_room", "physical", "afraid", "hurt", "protective_order")}))
    issues = [{"issue": "parenting_time", "priority": 1}, {"issue": "holidays", "priority": 2}]
    if case.child_support is not None:
        issues.append({"issue": "child_support", "priority": 1 if party == case.child_support.payer else 2})
    parent = case.parent_a if party == "a" else case.parent_b
    submit_intake(store, case_id, token, IntakeAnswers.model_validate({
        "contact": {"email": parent.email, "safe_to_email": True} if parent.email else {},
        "children": [{"full_name": c.full_name, "date_of_birth": c.date_of_birth.isoformat(), "lives_with": "both"} for c in case.children],
        "issues": issues,
    }))


def run_demo(out_dir: Path, *, case_file: Path | None = None, libraries: Sequence[Path] | None = None, echo: Callable[[str], Any] = print) -> list[Path]:
    """Run the demonstration into ``out_dir``; returns the files written."""
    from ..signing.signatures import SigningConfig, capture_signature

    case_path = case_file or DEFAULT_CASE
    if not case_path.exists():
        raise ConfigError("example case not found", path=case_path, hint="pass --case FILE")
    case = load_case(case_path)
    _clear_previous(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    p = _Progress(echo)
    libs = list(libraries) if libraries else None

    p.step("Creating an encrypted case store")
    key_file = write_atomically(out_dir / "store.key", generate_key() + "\n", mode=0o600)
    p.say(f"generated a store encryption key into {key_file} (mode 0600): names, incomes and comments are encrypted with it")
    clock = _DemoClock()
    store = CaseStore(f"sqlite:///{out_dir / 'cases.db'}", key_file.read_text().strip(), clock=clock)
    try:
        p.say(f"store: {store.display_url}")
        config, trust = _signing_config(out_dir, p, SigningConfig)

        p.step(f"Opening the case for each parent's intake ({case_path.name})")
        opened = open_intake(store, _intake_setup(case))
        cid = opened.case_id
        token_a, token_b = opened.tokens["a"].token, opened.tokens["b"].token
        state = case_state(store, cid)
        p.say(f"case {cid}: {state.label}")
        p.say(f"link token for {state.name('a')}: {token_a[:12]}… (full token shown once by `case intake`; only its hash is stored)")
        p.say(f"link token for {state.name('b')}: {token_b[:12]}…")

        p.step("Each parent's intake: the agreement to mediate, the private safety screening, the issues")
        for party, token in (("a", token_a), ("b", token_b)):
            _demo_intake(store, cid, token, case, party)
            p.say(f"{state.name(party)} signed the agreement to mediate, answered the safety questions alone and named the issues")
        board = issues_board(intake_record(store, cid))
        p.say(f"issues board: {', '.join(row.label.split(' (')[0] for row in board.rows)}; safety flag: {'yes' if board.safety_flag else 'no'}")
        p.say("(`mediation-agreement case issues CASE_ID` prints the whole board; `case prefill` starts the case file from it)")

        p.step("Issuing draft 1 from the mediator's case file")
        d1 = issue_draft(store, cid, case=case, libraries=libs)
        files = _write_draft(out_dir / "draft-1", d1)
        p.say(f"draft 1: {len(d1.document.section_numbers())} clauses, sha256 {d1.sha256[:16]}…")
        for f in files:
            p.say(f"wrote {f}")

        p.step(f"{state.name('a')} reads draft 1, comments and asks for a change")
        open_draft(store, cid, token_a)
        section, old_time = _exchange_section(d1.document, case)
        ask = f"Could the exchange be at 5:00 p.m. instead of {old_time}? I finish work at 4:30 and the drive takes 25 minutes."
        add_comment(store, cid, token=token_a, draft=1, section=section, text=ask)
        p.say(f"comment on section {section}: {ask}")
        request_changes(store, cid, token_a, draft=1, reason=f"Move the exchange time to 5:00 p.m. (my comment on section {section}).")
        p.say("requested changes to draft 1")

        p.step(f"{state.name('b')} reads draft 1, comments, adds a private note and approves")
        open_draft(store, cid, token_b)
        other = next((n for n in d1.document.section_numbers() if n != section), section)
        add_comment(store, cid, token=token_b, draft=1, section=other, text="This section is fine with me.")
        p.say(f"shared comment on section {other}")
        add_comment(store, cid, token=token_b, draft=1, section=section, text="5 p.m. works for me too, but I did not want to bring it up myself.", private=True)
        p.say(f"private note on section {section} (the mediator sees it; {state.name('a')} never does)")
        approve(store, cid, token_b, draft=1, sha256=d1.sha256)
        p.say(f"approved draft 1 (bound to sha256 {d1.sha256[:16]}…)")

        p.step("The mediator moves the exchange time to 5:00 p.m. and issues draft 2 with a redline")
        revised = _with_exchange_time(case, clock_time(17, 0))
        d2 = issue_draft(store, cid, case=revised, libraries=libs)
        redline = redline_for(store, cid, 2)
        files = _write_draft(out_dir / "draft-2", d2, redline=redline)
        p.say(f"draft 2: sha256 {d2.sha256[:16]}…; redline: {redline.summary()}")
        for change in redline.changes:
            answered = "; answers " + ", ".join(f"comment #{c.comment_id} by {c.author}" for c in change.answers) if change.answers else ""
            p.say(f"  {change.number or change.key}: {change.status}{answered}")
        for f in files:
            p.say(f"wrote {f}")
        p.say(f"status: {case_state(store, cid).next_step()}  (the approval of draft 1 no longer counts)")

        p.step("Both parents approve draft 2")
        try:
            approve(store, cid, token_b, draft=1)
        except MediationError as exc:
            p.say(f"a stale approval of draft 1 is refused, as it should be: {exc}")
        for token in (token_a, token_b):
            decision = approve(store, cid, token, draft=2, sha256=d2.sha256)
            p.say(f"{state.name(decision.party)} approved draft 2")

        p.step("Signatures: both parents, then the mediator")
        consent = consent_text(store, cid)
        p.say(f"consent shown to each signer (recorded with its SHA-256): {consent.splitlines()[0][:90]}…")
        drawn = capture_signature("a", method="drawn", image_png=demo_signature_png(), intent_confirmed=True, consent_text=consent)
        sign(store, cid, drawn, token=token_a, draft=2, sha256=d2.sha256, client={"ip": "203.0.113.24", "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) demo"})
        p.say(f"{state.name('a')} signed by drawing on a phone")
        typed = capture_signature("b", method="typed", typed_name=case.parent_b.full_name, intent_confirmed=True, consent_text=consent)
        sign(store, cid, typed, token=token_b, draft=2, sha256=d2.sha256, client={"ip": "198.51.100.7", "user_agent": "Mozilla/5.0 (X11; Linux x86_64) demo"})
        p.say(f"{state.name('b')} signed by typing their name")
        mediator = capture_signature("mediator", method="typed", typed_name=case.mediator.full_name, intent_confirmed=True, consent_text=consent)
        sign(store, cid, mediator, token=None, draft=2, sha256=d2.sha256)
        p.say(f"{state.name('mediator')} signed")

        p.step("Finalizing: signatures in their blocks, Certificate of Completion, office seal (PAdES)")
        final, _already = finalize(store, cid, config=config)
        executed = write_atomically(out_dir / "executed-agreement.pdf", final.pdf)
        p.say(f"wrote {executed} (sha256 {final.sha256[:16]}…), stored with a 'finalized' event")

        p.step("Checking the executed PDF against the store")
        from ..signing.verify import verify_pdf

        report = verify_pdf(final.pdf, store.events(cid), trust_roots=trust, store_audit=store.audit(cid))
        for check in report.checks:
            mark = {True: "ok ", False: "FAIL", None: "n/a"}[check.passed]
            p.say(f"{mark} {check.name}: {check.detail}")
        if not report.ok:
            raise VerificationFailed("the demo's executed agreement did not verify: " + ", ".join(c.name for c in report.failures()))

        p.step("Each parent's next steps: their own referrals (safety resources privately), the filing recorded")
        from ..followup import next_steps_for, next_steps_html, next_steps_pdf, record_filing
        from ..outputs import write_all
        from ..referrals import give_referrals, load_directory, referrals_given

        directory = load_directory()
        near = directory.find(state=case.court.state, county=case.court.county)
        give_referrals(store, cid, "a", near)
        give_referrals(store, cid, "b", [r for r in near if not r.private])
        sheets: dict[str, bytes | str] = {}
        for party in ("a", "b"):
            sheet = next_steps_for(store, cid, party)
            sheets[f"next-steps-{party}.pdf"] = next_steps_pdf(sheet)
            sheets[f"next-steps-{party}.html"] = next_steps_html(sheet)
            mine = [r.name + (" (private)" if r.private else "") for r in referrals_given(store, cid, party)]
            p.say(f"{state.name(party)}: {', '.join(mine) or 'no referrals'}")
        for path in write_all(out_dir / "next-steps", sheets):
            p.say(f"wrote {path}")
        filing = record_filing(store, cid, clock().date())
        p.say(f"filing recorded: filed with the court on {filing.on.isoformat()} (it shows on the case's timeline)")

        p.step("Thirty days later: each parent's check-in")
        mail = FolderMailer(out_dir / "mail", "no-reply@office.example.org")
        schedule_checkins(store, cid, DEFAULT_DAYS)
        p.say(f"check-ins set at {' and '.join(str(d) for d in DEFAULT_DAYS)} days after the seal (the demo's clock moves on 30 days)")
        clock.advance(days=30)
        run = send_due_checkins(store, mailer=mail, link_for=_demo_link)
        sent = run.sent
        for item in sent:
            p.say(f"check-in {item.number} e-mailed to {state.name(item.party)} (a new link of their own)")
        handed = []
        for _case_id, party in run.not_emailed:
            url, item = hand_out_checkin(store, cid, party, link_for=_demo_link)
            handed.append((item, url.rsplit("token=", 1)[1]))
            p.say(f"check-in {item.number} for {state.name(party)}, who is not e-mailed: a link the office gives by hand")
        for path in mail.written:
            p.say(f"wrote {path}")
        for item, token in [(i, _token_in(mail, i)) for i in sent] + handed:
            answers = {"schedule": "mostly", "payments": "yes", "exchanges": "yes", "help": "session" if item.party == "a" else "no"}
            answer_checkin(store, cid, token, item.number, answers)
        for line in followup_lines(followups(store, cid), {party: state.name(party) for party in ("a", "b")}):
            if line.startswith("check-in 1"):
                p.say(line)

        p.step("When life changes: an amended agreement, signed and sealed; the original still verifies")
        opened_again = open_amendment(store, cid)
        amended_id = opened_again.case_id
        amended = _with_exchange_time(current_case(store, amended_id), clock_time(17, 30))
        a1 = issue_draft(store, amended_id, case=amended, libraries=libs)
        red = redline_for(store, amended_id, 1)
        for f in _write_draft(out_dir / "amendment", a1, redline=red):
            p.say(f"wrote {f}")
        p.say(f"case {amended_id}: {case_state(store, amended_id).label}; draft 1 against the executed agreement: {red.summary()}")
        amended_tokens = {party: t.token for party, t in opened_again.tokens.items()}
        for party in ("a", "b"):
            approve(store, amended_id, amended_tokens[party], draft=1, sha256=a1.sha256)
        consent = consent_text(store, amended_id)
        for party, name in (("a", case.parent_a.full_name), ("b", case.parent_b.full_name)):
            sign(store, amended_id, capture_signature(party, method="typed", typed_name=name, intent_confirmed=True, consent_text=consent), token=amended_tokens[party], draft=1, sha256=a1.sha256)
        sign(store, amended_id, capture_signature("mediator", method="typed", typed_name=case.mediator.full_name, intent_confirmed=True, consent_text=consent), token=None, draft=1)
        amended_final, _ = finalize(store, amended_id, config=config)
        amended_pdf = write_atomically(out_dir / "amended-agreement.pdf", amended_final.pdf)
        p.say(f"wrote {amended_pdf} (sha256 {amended_final.sha256[:16]}…)")
        for label, case_id, pdf in (("the original", cid, final.pdf), ("the amendment", amended_id, amended_final.pdf)):
            checked = verify_pdf(pdf, store.events(case_id), trust_roots=trust, store_audit=store.audit(case_id))
            if not checked.ok:
                raise VerificationFailed(f"the demo's {label} did not verify: " + ", ".join(c.name for c in checked.failures()))
            p.say(f"{label} verifies: seal, certificate chain, attached record, the store's log")

        p.step("Writing the event log")
        lines = [f"{e.seq:>3}  {e.at_iso}  {e.actor:<8}  {e.kind:<18} {e.hash}" for e in store.events(cid)]
        problems = store.audit(cid)
        lines.append("chain: intact" if not problems else "chain: " + "; ".join(problems))
        log_file = write_atomically(out_dir / "case-log.txt", "\n".join(lines) + "\n")
        p.say(f"wrote {log_file} ({len(lines) - 1} events, chain {'intact' if not problems else 'BROKEN'})")
        p.done()
    finally:
        store.close()

    written = sorted(path for path in out_dir.rglob("*") if path.is_file())
    echo(f"Files in {out_dir}:")
    for path in written:
        echo(f"  {path}  ({path.stat().st_size:,} bytes)")
    echo("Try it yourself:")
    echo(f"  mediation-agreement verify {out_dir / 'executed-agreement.pdf'} --store sqlite:///{out_dir / 'cases.db'} --store-key-file {out_dir / 'store.key'}")
    echo(f"  mediation-agreement case log {cid} --store sqlite:///{out_dir / 'cases.db'} --key-file {out_dir / 'store.key'}")
    return written


class _DemoClock:
    """The store's clock in the demo: now, until the demo moves it on (to show a check-in falling due)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, *, days: int) -> None:
        self.offset += timedelta(days=days)


def _demo_link(case_id: str, token: str, stage: str) -> str:
    interview = {"intake": "parent_intake", "checkin": "parent_checkin"}.get(stage, "parent_review")
    return f"https://da.example.org/interview?i=docassemble.MediationAgreement:data/questions/{interview}.yml&case={case_id}&token={token}"


def _token_in(mail: FolderMailer, item: Any) -> str:
    """The new link's token, from the message the parent received (as the parent would click it)."""
    import re
    from email import message_from_bytes
    from email.policy import default

    for path in mail.written:
        message = message_from_bytes(path.read_bytes(), policy=default)
        found = re.search(r"token=(mat_[A-Za-z0-9_-]+)", message.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]
        if found and _token_id(found.group(1)) == item.token_id:
            return found.group(1)
    raise VerificationFailed(f"the demo's check-in message for parent {item.party} was not written")


def _token_id(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:12]


def _clear_previous(out_dir: Path) -> None:
    """Remove what an earlier demo run wrote (and nothing else), so the demo can be run again."""
    for name in DEMO_FILES:
        (out_dir / name).unlink(missing_ok=True)
    for name in DEMO_DIRS:
        if (out_dir / name).is_dir():
            shutil.rmtree(out_dir / name)


def _write_draft(folder: Path, version: Any, *, redline: Any = None) -> list[Path]:
    return write_draft_files(version, folder, redline=redline)


def _exchange_section(doc: AgreementDocument, case: Case) -> tuple[str, str]:
    """The clause that states the exchange time (where a parent would comment), and how it is written."""
    t = case.parenting_time.exchange_time
    hour = t.hour % 12 or 12
    suffix = "a.m." if t.hour < 12 else "p.m."
    spellings = [f"{hour}:{t.minute:02d} {suffix}", f"{hour}:{t.minute:02d}", f"{t.hour:02d}:{t.minute:02d}"]
    clauses = [c for s in doc.sections for c in s.clauses]
    for spelling in spellings:
        for clause in clauses:
            if spelling in clause_text(clause):
                return clause.number, spelling
    by_topic = [c for s in doc.sections if s.topic in ("exchanges", "parenting_time") for c in s.clauses]
    chosen = (by_topic or clauses)[0]
    return chosen.number, spellings[0]


def _with_exchange_time(case: Case, new: clock_time) -> Case:
    schedule = case.parenting_time.model_copy(update={"exchange_time": new})
    return case.model_copy(update={"parenting_time": schedule})


def demo_signature_png() -> bytes:
    """A hand-drawn-looking signature (a PNG like a signature pad sends)."""
    import math

    from PIL import Image, ImageDraw

    width, height = 600, 180
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = []
    for i in range(400):
        x = 30 + i * 1.3
        y = 95 + 38 * math.sin(i / 11.0) * math.exp(-i / 420) + 12 * math.sin(i / 3.1)
        points.append((x, y))
    draw.line(points, fill=(20, 30, 90, 255), width=4, joint="curve")
    draw.line([(40, 140), (560, 128)], fill=(20, 30, 90, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _signing_config(out_dir: Path, p: _Progress, config_class: Any) -> tuple[Any, list[Path] | None]:
    import os

    if os.environ.get("MEDIATION_SIGNING_KEY") and os.environ.get("MEDIATION_SIGNING_CERT"):
        p.say("office seal: the certificate configured in MEDIATION_SIGNING_CERT")
        return config_class.from_env(), None
    key_path, cert_path, ca_path = write_demo_certificate(out_dir / "office-seal")
    p.say(f"office seal: a DEMO certificate from a demo CA in {cert_path.parent}/ (set MEDIATION_SIGNING_KEY and MEDIATION_SIGNING_CERT for the office's real one)")
    return config_class.from_paths(key_path, cert_path, ca_path, location="Demo"), [ca_path]


def write_demo_certificate(folder: Path, *, organization: str = "Demo Child Support Mediation Office") -> tuple[Path, Path, Path]:
    """A development CA and office seal certificate for the demo: (key, certificate, CA) paths."""
    made = write_development_certificates(folder, organization, days=730, overwrite=True, key_size=2048)
    return made.key, made.certificate, made.ca


__all__ = ["demo_signature_png", "run_demo", "write_demo_certificate"]


@click.command("demo")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for the store, key, drafts, redline and executed PDF.")
@click.option("--case", "case_file", type=click.Path(dir_okay=False, path_type=Path), help="Case file to run (default: examples/cases/joint-two-children.yml).")
@click.option("--library", "libraries", multiple=True, type=click.Path(path_type=Path), help="Clause library folder laid over the package's own (repeatable).")
@click.option("--no-default-library", is_flag=True, help="Use only the --library folders.")
def demo_command(out_dir: Path, case_file: Path | None, libraries: tuple[Path, ...], no_default_library: bool) -> None:
    """Run a whole review round on an example case: two drafts with a redline, approvals, three signatures, sealed PDF."""
    from .demo import run_demo

    run_demo(out_dir, case_file=case_file, libraries=library_stack(libraries, no_default_library), echo=click.echo)
