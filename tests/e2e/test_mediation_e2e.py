"""The whole product on the real server, in Chromium: the mediator's interview, the parents' review
on their phones, signatures, the sealed agreement, and the safety rules.

Screenshots of every screen go to tests/output/e2e/<test>/ (see conftest.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from .answers import CaseFileAnswerer
from .conftest import ROOT, ContextFactory, Server, Shots
from .driver import BrowserInterview, ScreenRecord
from .pages import choose, download, follow, heading, screen_text, sign_in, submit
from .review_round import MediatorCli, OpenedCase, pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MEDIATOR = "docassemble.MediationAgreement:data/questions/mediation_agreement.yml"
EXAMPLES = ROOT / "examples" / "cases"
JOINT = EXAMPLES / "joint-two-children.yml"
SAFETY = EXAMPLES / "safety-sole-supervised.yml"
DRAFT = re.compile(r"^Draft: ")  # the mediator's last screen: the draft, with its downloads
SIGNED = "You signed the agreement"
WAITING = "waiting for the other parent"
LINK_PROBLEM = "We could not open your agreement"
FINAL = "Your agreement is final"

# After a finding of domestic violence or abuse (DOMAIN.md, case.py cross_field_problems),
# these choices must not be offered at all, and their clauses must not reach the agreement.
EXCLUDED_AFTER_FINDING = {
    "case.decision_making.kind": {"joint"},
    "case.dispute_resolution.method": {"mediation"},
    "case.provisions.right_of_first_refusal": {"True"},
}
EXCLUDED_CLAUSE_WORDS = ["joint legal decision-making", "First Chance to Provide Care", "Mediation First"]


def load(path: Path) -> dict[str, Any]:
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def mediator_answerer(case: dict[str, Any]) -> CaseFileAnswerer:
    return CaseFileAnswerer(case, extra={"start": {"start_from": "new"}})


def parent_answerer(comment: str, *, private: bool = False, approve: bool = True) -> CaseFileAnswerer:
    """A parent who leaves one comment on the first part of the draft, then approves and draws a signature."""
    return CaseFileAnswerer({}, extra={
        "any comments": {"parent_comments.there_are_any": True},
        "comment": {
            "parent_comments[0].section": lambda offered: offered[0],
            "parent_comments[0].text": comment,
            "parent_comments[0].private": "True" if private else "False",
        },
        "another comment": {"parent_comments.there_is_another": False},
        "decision": {"decision": "approve" if approve else "changes"},
        "sign intent": {"sign_intent": True, "sign_method": "drawn"},
    })


def run_mediator(new_context: ContextFactory, server: Server, shots: Shots, case_file: Path) -> BrowserInterview:
    """The mediator answers the interview from the case file, in a desktop browser, up to the draft."""
    page = new_context().new_page()
    sign_in(page, server.url, server.admin_email, server.admin_password)  # office staff only (required privileges)
    page.goto(server.interview_url(MEDIATOR))
    mediator = BrowserInterview(page, mediator_answerer(load(case_file)), shots, label="mediator-")
    mediator.run_until(DRAFT)
    # Time from pressing a screen's button to the next screen, as the browser saw it (for reading, not asserted).
    timings = {f"{n:02d} {s.id}": round(s.seconds, 3) for n, s in enumerate(mediator.screens, 1) if s.seconds is not None}
    (shots.folder / "screen-seconds.json").write_text(json.dumps(timings, indent=1) + "\n")
    return mediator


def open_parent(new_context: ContextFactory, url: str, answerer: CaseFileAnswerer, shots: Shots, label: str) -> BrowserInterview:
    page = new_context(phone=True).new_page()
    page.goto(url)
    return BrowserInterview(page, answerer, shots, label=label)


def send_joint_draft(new_context: ContextFactory, server: Server, shots: Shots, label: str) -> tuple[Any, dict[str, str]]:
    """Office staff answer the interview for the joint example and send the draft: their page, and each parent's link."""
    desk = new_context().new_page()
    sign_in(desk, server.url, server.admin_email, server.admin_password)
    desk.goto(server.interview_url(MEDIATOR))
    BrowserInterview(desk, mediator_answerer(load(JOINT)), shots, label=label).run_until(DRAFT)
    assert follow(desk, "send it to the parents for review").startswith("Review round:")
    links = {party: desk.locator(f"input.parent-link[data-party={party}]").first.get_attribute("value") or "" for party in ("a", "b")}
    assert all("token=mat_" in link for link in links.values()), links
    return desk, links


def sign_and_seal(desk: Any, shots: Shots, download_dir: Path, name: str) -> Path:
    """The mediator signs last, seals, and downloads the executed agreement."""
    assert follow(desk, "Sign as the mediator") == "Sign as the mediator"
    choose(desk, "I have read the agreement, and I sign it as the mediator")
    shots.take(desk, f"{name}-mediator-signature")
    submit(desk, "Continue")
    assert follow(desk, "Seal the executed agreement").startswith("Review round:")
    shots.take(desk, f"{name}-mediator-sealed")
    return download(desk, "Download the executed agreement (PDF)", download_dir, f"{name}-executed.pdf")


def cli_draft_text(cli: MediatorCli, case_file: Path, folder: Path) -> str:
    cli.run("assemble", case_file, "--out", folder, "--draft", "--format", "pdf")
    (pdf,) = folder.glob("*.pdf")
    return pdf_text(pdf)


# --------------------------------------------------------------------------- the joint example


def test_mediator_completes_joint_example_and_downloads_the_draft(
    new_context: ContextFactory, da_server: Server, shots: Shots, download_dir: Path, tmp_path: Path
) -> None:
    case = load(JOINT)
    mediator = run_mediator(new_context, da_server, shots, JOINT)
    page = mediator.page
    assert heading(page).startswith("Draft:")
    ids = [s.id for s in mediator.screens]
    assert ids[:3] == ["start", "office", "mediator"] and "review answers" in ids

    draft_pdf = download(page, "PDF", download_dir, "draft.pdf")
    text = pdf_text(draft_pdf)
    for fact in (case["parent_a"]["full_name"], case["parent_b"]["full_name"], *(c["full_name"] for c in case["children"]),
                 case["court"]["case_number"], case["mediator"]["full_name"]):
        assert fact in text, f"{fact!r} missing from the draft PDF"
    assert "DRAFT" in text.upper()
    # docassemble's own attachment panel (`attachment: manual:`) offers the same files, to download or e-mail.
    panel = page.locator(".da-attachment-download-wrapper")
    assert panel.count() == 1 and "Draft agreement" in screen_text(page)
    href = panel.locator("p.da-attachment-tab-download-pdf a").get_attribute("href") or ""  # opens in a new tab
    from_panel = download_dir / "draft-from-panel.pdf"
    from_panel.write_bytes(page.request.get(href if href.startswith("http") else da_server.url + href).body())
    assert pdf_text(from_panel) == text

    # The case file the interview saves is the example, answer for answer: the command line
    # assembles the same agreement from both.
    saved = download(page, "case file", download_dir, "case.yml")
    cli = MediatorCli(da_server)
    assert cli_draft_text(cli, saved, tmp_path / "from-interview") == cli_draft_text(cli, JOINT, tmp_path / "from-example")
    assert text == cli_draft_text(cli, saved, tmp_path / "again"), "the PDF the interview made differs from the CLI's"

    # Continue from that case file in a fresh session, as a mediator would the next day, in Chromium
    # (which refused .yml files when the field had an ``accept`` list), as .yml and as a .json copy.
    as_json = download_dir / "case.json"
    as_json.write_text(json.dumps(load(saved), default=str), encoding="utf-8")
    for upload in (saved, as_json):
        again = new_context().new_page()
        sign_in(again, da_server.url, da_server.admin_email, da_server.admin_password)
        again.goto(da_server.interview_url(MEDIATOR))
        assert submit(again, "Continue from a case file") == "Upload the case file"
        again.locator("#daform input[type=file]").first.set_input_files(str(upload))
        shots.take(again, f"upload-{upload.suffix[1:]}")
        after = submit(again)
        assert after != "Upload the case file", f"{upload.name} was refused: {screen_text(again)[:300]}"
        assert after == "Review the answers", after
        assert submit(again).startswith("Draft:")
        resumed = download(again, "PDF", download_dir, f"draft-from-{upload.suffix[1:]}.pdf")
        assert pdf_text(resumed) == text, f"the draft from the uploaded {upload.suffix} differs"


def test_review_round_from_the_interview_parents_sign_on_their_phones_and_download_the_sealed_agreement(
    new_context: ContextFactory, da_server: Server, shots: Shots, download_dir: Path, tmp_path: Path
) -> None:
    # The mediator, signed in as office staff, answers the interview and sends the draft to the parents.
    desk, links = send_joint_draft(new_context, da_server, shots, "mediator-")
    shots.take(desk, "mediator-round-sent")
    assert "Draft 1 is ready for the parents." in screen_text(desk)
    assert desk.locator("a.parent-link").count() == 0  # staff get no clickable parent links (issue 16)
    # Opened by signed-in staff, a parent's link is a read-only preview that records nothing (issue 16).
    peek = desk.context.new_page()
    peek.goto(links["a"])
    assert "(office staff preview)" in heading(peek), heading(peek)
    peek.close()

    mother = open_parent(new_context, links["a"], parent_answerer("Can the first weekend start on Saturday?"), shots, "a-")
    mother.run_until("read the draft")
    own_copy = download(mother.page, "download it as a PDF", download_dir, "mother-draft.pdf")
    assert "Elena Marisol Ortega" in pdf_text(own_copy)
    mother.run_until(WAITING)  # she approved; the father has not yet

    father = open_parent(new_context, links["b"], parent_answerer("This matches what we agreed."), shots, "b-")
    father.run_until(SIGNED)
    assert [s.id for s in father.screens][:6] == ["welcome", "read the draft", "any comments", "comment", "another comment", "decision"]

    submit(mother.page, "Check again")
    mother.run_until(SIGNED)

    # The mediator sees both comments and signatures, signs last and seals.
    submit(desk, "Check again")
    shots.take(desk, "mediator-round-signed")
    round_text = screen_text(desk)
    assert "Can the first weekend start on Saturday?" in round_text and "This matches what we agreed." in round_text
    assert round_text.count("(drawn)") == 2, round_text
    executed = sign_and_seal(desk, shots, download_dir, "round")

    cli = MediatorCli(da_server)
    verified = cli.run("verify", executed, "--trust", da_server.info["seal_ca"], "--store", cli.env["MEDIATION_STORE_URL"], check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "result: verified" in verified.stdout
    assert "Elena Marisol Ortega (drawn" in verified.stdout and "Daniel James Ortega (drawn" in verified.stdout

    # A parent's link, spent by signing, now offers the same sealed agreement on the phone.
    again = new_context(phone=True).new_page()
    again.goto(links["a"])
    assert heading(again) == FINAL
    shots.take(again, "a-final")
    hers = download(again, "Download the signed agreement (PDF)", download_dir, "mother-executed.pdf")
    assert hers.read_bytes() == executed.read_bytes()


def test_a_parents_link_cannot_open_another_case(
    new_context: ContextFactory, da_server: Server, shots: Shots, tmp_path: Path
) -> None:
    cli = MediatorCli(da_server)
    first = cli.open_case(JOINT)
    second = cli.open_case(SAFETY)
    cli.issue_draft(first.case_id, tmp_path / "first")
    cli.issue_draft(second.case_id, tmp_path / "second")

    page = new_context(phone=True).new_page()
    page.goto(cli.review_url(first, "a", case_id=second.case_id))  # the mother's token, the other case
    shots.take(page, "token-of-another-case")
    assert heading(page) == LINK_PROBLEM
    body = page.content()
    safety = load(SAFETY)
    for secret in (safety["parent_a"]["full_name"], safety["parent_b"]["full_name"], safety["children"][0]["full_name"]):
        assert secret not in body

    page.goto(cli.review_url(first, "a"))  # her own link still works
    assert heading(page).startswith("Hello,")


# --------------------------------------------------------------------------- the safety path


def test_safety_path_hides_excluded_choices_and_the_confidential_address(
    new_context: ContextFactory, da_server: Server, shots: Shots, download_dir: Path, tmp_path: Path
) -> None:
    case = load(SAFETY)
    address = case["parent_a"]["address"]
    assert address["confidential"] is True
    secrets = [address["street"], address["postal_code"]]

    mediator = run_mediator(new_context, da_server, shots, SAFETY)
    seen = [s.id for s in mediator.screens]
    assert "decision making" in seen and "safety screening" in seen
    offered = excluded_choices_offered(mediator.screens)
    assert not offered, f"choices offered after a safety finding: {offered}"

    draft_pdf = pdf_text(download(mediator.page, "PDF", download_dir, "draft.pdf"))
    saved = download(mediator.page, "case file", download_dir, "case.yml")
    assert case["parent_a"]["full_name"] in draft_pdf
    for words in (*secrets, *EXCLUDED_CLAUSE_WORDS):
        assert words.lower() not in draft_pdf.lower(), f"{words!r} is in the draft PDF"

    # The father reviews the draft made from the interview's own case file: none of his pages,
    # and not the PDF he can download, may show the mother's confidential address.
    cli = MediatorCli(da_server)
    opened: OpenedCase = cli.open_case(saved)
    cli.issue_draft(opened.case_id, tmp_path / "drafts")
    father = open_parent(new_context, cli.review_url(opened, "b"),
                         parent_answerer("I want to see the exchange center's hours.", private=False), shots, "b-")
    father.run_until("read the draft")
    his_pdf = pdf_text(download(father.page, "download it as a PDF", download_dir, "father-draft.pdf"))
    father.run_until(WAITING)
    pages = [s.html for s in father.screens] + [father.page.content()]
    for secret in secrets:
        assert all(secret not in html for html in pages), f"{secret!r} reached the father's pages"
        assert secret not in his_pdf, f"{secret!r} is in the PDF the father downloads"


def excluded_choices_offered(screens: list[ScreenRecord]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for screen in screens:
        for variable, values in screen.choices.items():
            bad = EXCLUDED_AFTER_FINDING.get(variable, set()) & set(values)
            if bad:
                found.setdefault(f"{screen.id}: {variable}", []).extend(sorted(bad))
    return found
