"""After the agreement, the whole cycle on a clock the test sets: referrals and next-steps sheets at the seal,
filing recorded, check-ins falling due at 30 and 90 days (a real SMTP server on 127.0.0.1, the cron command),
a parent reporting a problem, ``case amend``, the modification signed and sealed, both records verified; and
nothing one parent keeps private (check-in answers, referrals) in anything the other parent or the court sees."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

pytest.importorskip("docassemble.base")

from . import da_harness as h  # noqa: E402 - first: it stubs the NLTK download docassemble attempts at import

# isort: split

from docassemble.MediationAgreement.errors import CaseFileError, ReferralError, StoreError  # noqa: E402
from docassemble.MediationAgreement.followup import answer_checkin, build_next_steps, followup_lines, followups, next_steps_for, next_steps_html, record_filing, timeline  # noqa: E402
from docassemble.MediationAgreement.referrals import give_referrals, lint_directory, load_directory, referrals_given  # noqa: E402
from docassemble.MediationAgreement.review import current_case, finalize, issue_draft, redline_for, redline_html, state_for_token, stored_final  # noqa: E402
from docassemble.MediationAgreement.review.report import state_lines  # noqa: E402
from docassemble.MediationAgreement.signing.verify import verify_pdf  # noqa: E402

from .conftest import ROOT, run_cli  # noqa: E402
from .smtp_mailbox import SmtpServer  # noqa: E402
from .test_amendment import sign_all  # noqa: E402
from .test_followup import BASE, HOW_IT_GOES, PRIVATE, Sealed  # noqa: E402
from .test_parent_intake import SECRET_NOTE  # noqa: E402
from .test_parent_review import grade  # noqa: E402

pytestmark = pytest.mark.slow

# Office resources written for the test (the package ships only national ones with a quoted source).
OFFICE_RESOURCES = {
    "maricopa-parenting-class": """
id: maricopa-parenting-class
name: Maricopa Co-Parenting Class
kind: parenting_education
serves: Parents who live apart and share children.
languages: [en, es]
area: {state: AZ, counties: [Maricopa]}
contact: {phone: "(602) 555-0100", address: "100 W Main St, Mesa AZ"}
cost: Free
checked: "2026-11-01"
""",
    "pima-legal-clinic": """
id: pima-legal-clinic
name: Pima Family Law Clinic
kind: legal_aid
serves: Parents with a family court case in Pima County.
languages: [en]
area: {state: AZ, counties: [Pima]}
contact: {phone: "(520) 555-0100"}
cost: Free for low incomes
checked: "2026-11-01"
""",
    "arizona-fathers-counseling": """
id: arizona-fathers-counseling
name: Quillfeather Fathers Counseling
kind: counseling
serves: Fathers working through a separation.
languages: [en]
area: {state: AZ}
contact: {website: "https://counseling.example.org"}
cost: Sliding scale
checked: "2026-11-01"
private: true
""",
}
FATHERS_PRIVATE = "Quillfeather"  # David's private referral: never in anything Maria or the court sees
HOTLINE = "National Domestic Violence Hotline"  # Maria's (always private)


def office_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "office-referrals"
    folder.mkdir()
    for rid, text in OFFICE_RESOURCES.items():
        (folder / f"{rid}.yml").write_text(text.lstrip())
    return folder


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


def at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def links_printed(out: str) -> list[str]:
    """The tokens ``case amend`` prints, in order (parent A, then B)."""
    return re.findall(r"^  [^:\n]+: (\S+)$", out, flags=re.MULTILINE)


def test_the_whole_cycle_after_the_seal(tmp_path: Path, smtp_server: SmtpServer) -> None:
    case = Sealed(tmp_path, days_ago=120)  # sealed 120 days ago; the test moves its clock on from there
    sealed_at = case.now
    store, case_id = case.store, case.case_id
    folder = office_folder(tmp_path)
    env = {"MEDIATION_STORE_KEY": case.key, "MEDIATION_STORE_URL": case.url, "MEDIATION_SMTP_URL": smtp_server.url, "MEDIATION_MAIL_FROM": "office@example.org"}

    # 1. At the seal: the mediator finds resources for each parent, by county and language, and gives them privately.
    listed = run_cli("referrals", "list", "--referrals", folder, "--state", "AZ", "--county", "Maricopa", "--language", "es", env=env)
    assert listed.code == 0, listed.err
    assert "maricopa-parenting-class" in listed.out and "national-domestic-violence-hotline" in listed.out
    assert "pima-legal-clinic" not in listed.out and "arizona-fathers-counseling" not in listed.out  # Pima only; English only
    for party, ids in (("a", ["national-domestic-violence-hotline", "maricopa-parenting-class"]), ("b", ["arizona-fathers-counseling", "child-care-aware-state-resource-map"])):
        given = run_cli("case", "refer", case_id, "--party", party, *ids, "--referrals", folder, env=env)
        assert given.code == 0 and "2 referral(s)" in given.out, given.err
    unknown = run_cli("case", "refer", case_id, "--party", "a", "no-such-place", "--referrals", folder, env=env)
    assert unknown.code == 2 and "no resource 'no-such-place'" in unknown.err and "Traceback" not in unknown.err

    # ... and both next-steps sheets are written.
    out = tmp_path / "sheets"
    wrote = run_cli("case", "next-steps", case_id, "--out", out, env=env)
    assert wrote.code == 0, wrote.err
    assert sorted(p.name for p in out.iterdir()) == ["next-steps-a.html", "next-steps-a.pdf", "next-steps-b.html", "next-steps-b.pdf"]
    maria = pdf_text((out / "next-steps-a.pdf").read_bytes())
    david = pdf_text((out / "next-steps-b.pdf").read_bytes())
    assert "Daniel James Ortega agreed to pay you $612.00 a month in child support, starting December 1, 2026" in maria
    assert "You agreed to pay $612.00 a month in child support" in david and "taken out of your pay" in david
    assert "7 business days after payday" in david  # 42 U.S.C. 666(b)(6)(A)(i), quoted in next_steps.yml
    assert HOTLINE in maria and "Just for you" in maria and "Maricopa Co-Parenting Class" in maria
    assert FATHERS_PRIVATE in david and "Child Care Aware" in david
    for secret in (HOTLINE, "Maricopa Co-Parenting"):
        assert secret not in david and secret not in (out / "next-steps-b.html").read_text()
    for secret in (FATHERS_PRIVATE, "Child Care Aware"):
        assert secret not in maria and secret not in (out / "next-steps-a.html").read_text()
    html_a = (out / "next-steps-a.html").read_text()
    assert html_a.count("<h1>") == 1 and 'lang="en"' in html_a and "background: #ffffff" in html_a

    # Filing, as the office records it.
    filed = run_cli("case", "filed", case_id, "--on", (sealed_at + timedelta(days=2)).date().isoformat(), "--court-case-number", "FC2026-004821", env=env)
    assert filed.code == 0 and "recorded: filed on" in filed.out, filed.err
    too_soon = run_cli("case", "filed", case_id, "--on", "2020-01-01", env=env)
    assert too_soon.code == 2 and "between the seal" in too_soon.err

    # 2. Check-ins at 30 and 90 days, sent by the cron command on the clock the test gives it.
    assert run_cli("case", "followups", case_id, "--schedule", "30,90", env=env).code == 0
    early = run_cli("case", "remind", "--now", at(sealed_at + timedelta(days=29)), "--base-url", BASE, env=env)
    assert "sent 0 check-ins" in early.out, early.out + early.err
    due = run_cli("case", "remind", "--now", at(sealed_at + timedelta(days=30, hours=1)), "--base-url", BASE, env=env)
    assert "sent 1 check-in" in due.out and "parent A has no e-mail consent" in due.err, due.out + due.err
    (message,) = smtp_server.mailbox.received
    assert message.recipients == ["david@example.com"]
    token_b = parse_qs(urlsplit(re.search(r"https://\S+", message.text).group(0)).query)["token"][0]  # type: ignore[union-attr]

    # 3. David reports a problem, privately.
    case.now = sealed_at + timedelta(days=31)
    answered = answer_checkin(store, case_id, token_b, 1, HOW_IT_GOES, PRIVATE)
    assert answered.problem
    ninety = run_cli("case", "remind", "--now", at(sealed_at + timedelta(days=90, hours=1)), "--base-url", BASE, env=env)
    assert "sent 1 check-in" in ninety.out and len(smtp_server.mailbox.received) == 2
    listed_followups = run_cli("case", "followups", case_id, env=env)
    assert "check-in 1 (30 days)" in listed_followups.out and "answered (problem reported)" in listed_followups.out
    assert "check-in 2 (90 days)" in listed_followups.out and "sent, not answered" in listed_followups.out

    # 4. `case amend` opens a modification (today, on the real clock).
    case.now = datetime.now(UTC).replace(microsecond=0)
    amend = run_cli("case", "amend", case_id, env=env)
    assert amend.code == 0, amend.err
    amendment_id = re.search(r"opened case (\S+):", amend.out).group(1)  # type: ignore[union-attr]
    tokens = dict(zip(("a", "b"), links_printed(amend.out), strict=True))

    # 5. The modification is drafted, signed and sealed.
    start = current_case(store, amendment_id)
    changed = start.model_copy(update={"parenting_time": start.parenting_time.model_copy(update={"exchange_time": time(17, 0)})})
    draft = issue_draft(store, amendment_id, case=changed)
    sign_all(store, amendment_id, tokens, draft.sha256, 1)
    amended_final, _ = finalize(store, amendment_id, config=case.seal)

    # 6. Both records verify: in the library, and with the command line a clerk would use.
    original_final = stored_final(store, case_id)
    assert original_final is not None
    for cid, final in ((case_id, original_final), (amendment_id, amended_final)):
        report = verify_pdf(final.pdf, store.events(cid), trust_roots=[case.pki["ca"]], store_audit=store.audit(cid))
        assert report.ok, report
        pdf = tmp_path / f"{cid}.pdf"
        pdf.write_bytes(final.pdf)
        verified = run_cli("verify", pdf, "--trust", case.pki["ca"], "--store", case.url, env=env)
        assert verified.code == 0, verified.out + verified.err

    # The case's life in one view, in order: intake, drafts, signatures, filing, referrals, check-ins, the modification.
    moments = timeline(store, case_id)
    texts = [m.text for m in moments]
    order = ["the executed agreement was sealed (draft 1)", "2 referrals given to Mother (private)", "filed with the court on", "check-ins set at 30, 90", "Father answered check-in 1 (private)", f"modification opened: case {amendment_id}"]
    found = [next(i for i, t in enumerate(texts) if t.startswith(want)) for want in order]
    assert found == sorted(found), texts
    assert texts.index("case opened for each parent's intake") == 0
    printed = run_cli("case", "timeline", case_id, env=env)
    assert "filing      filed with the court on" in printed.out and f"modification opened: case {amendment_id}" in printed.out
    for secret in (PRIVATE, SECRET_NOTE, "Late or partly", HOTLINE, FATHERS_PRIVATE):
        assert secret not in "\n".join(texts) and secret not in printed.out

    # Privacy: everything Maria sees (her sheet, her view of both cases, the drafts, redline and sealed copies) and
    # everything the court sees, searched for what David keeps private (his check-in, his referrals), and back.
    # (Each parent's final screen in the interview is searched in the mediator-interview test below.)
    seen_by: dict[str, list[str]] = {"a": [], "b": []}
    for party, token, when in (("a", case.tokens["a"], sealed_at + timedelta(days=1)), ("b", token_b, sealed_at + timedelta(days=31))):
        sheet = next_steps_for(store, case_id, party)
        seen_by[party] += [sheet.text, next_steps_html(sheet), pdf_text((out / f"next-steps-{party}.pdf").read_bytes())]
        seen_by[party] += [(out / f"next-steps-{party}.html").read_text()]
        case.now = when  # the moment this parent's link was good
        seen_by[party] += ["\n".join(line for _depth, line in state_lines(state_for_token(store, case_id, token)))]
        case.now = datetime.now(UTC).replace(microsecond=0)
        seen_by[party] += ["\n".join(line for _depth, line in state_lines(state_for_token(store, amendment_id, tokens[party])))]
    seen_by["b"] += [mail.text for mail in smtp_server.mailbox.received]
    court = [pdf_text(original_final.pdf), pdf_text(amended_final.pdf), pdf_text(draft.pdf), redline_html(redline_for(store, amendment_id, 1))]
    maria_sees, david_sees = "\n".join(seen_by["a"] + court), "\n".join(seen_by["b"] + court)
    assert HOTLINE in maria_sees and FATHERS_PRIVATE in david_sees  # the search would find them
    for secret in (PRIVATE, "Late or partly", FATHERS_PRIVATE, "Child Care Aware", "arizona-fathers-counseling"):
        assert secret not in maria_sees, secret
    for secret in (HOTLINE, "Maricopa Co-Parenting", "national-domestic-violence-hotline", SECRET_NOTE):
        assert secret not in david_sees, secret
    for secret in (PRIVATE, HOTLINE, FATHERS_PRIVATE, "Maricopa Co-Parenting", SECRET_NOTE):
        assert secret not in "\n".join(court), secret


def test_referrals_lint_names_each_problem_with_its_file_and_line(tmp_path: Path) -> None:
    folder = office_folder(tmp_path)
    (folder / "bad-kind.yml").write_text("id: bad-kind\nname: A place\nkind: soup_kitchen\nserves: Everyone\nlanguages: [en]\narea: national\ncontact: {phone: \"555\"}\ncost: Free\nchecked: \"2026-01-01\"\n")
    (folder / "renamed.yml").write_text("id: another-name\nname: X\nkind: counseling\nserves: Y\nlanguages: [english]\narea: {state: Arizona}\ncontact: {fax: \"1\"}\ncost: Free\nchecked: \"2026-02-30\"\nlangauges: [en]\n")
    (folder / "unsafe.yml").write_text("id: unsafe\nname: Shelter\nkind: domestic_violence\nserves: Survivors\nlanguages: [en]\narea: national\ncontact: {website: \"http://x.example\"}\ncost: Free\nchecked: \"2026-01-01\"\nprivate: false\n")
    (folder / "gone.yml").write_text("id: gone\nwithdrawn: true\n")
    result = run_cli("referrals", "lint", "--referrals", folder)
    assert result.code == 1 and "Traceback" not in result.err
    lines = result.out.splitlines()

    def finding(name: str, line: int, text: str) -> None:
        assert any(f"{folder / name}:{line}:" in x and text in x for x in lines), (name, line, text, result.out)

    finding("bad-kind.yml", 3, "kind: must be one of: parenting_education")
    finding("renamed.yml", 1, "must match the file's name")
    finding("renamed.yml", 5, "languages: must be a list of language codes")
    finding("renamed.yml", 6, "area: is 'national'")
    finding("renamed.yml", 7, "contact.fax: is not a way to reach a resource")
    finding("renamed.yml", 7, "contact: needs at least a phone, a website or an address")
    finding("renamed.yml", 9, "'2026-02-30' is not a date")
    finding("renamed.yml", 10, "langauges: is not a resource field")
    finding("unsafe.yml", 7, "contact.website: must be a full https:// address")
    finding("unsafe.yml", 10, "always given privately")
    finding("gone.yml", 2, "withdraws 'gone', which no earlier folder lists")
    assert "lint: 11 problem(s)" in result.err
    # A directory with problems is refused where it is used, naming the first problem's file and line.
    listed = run_cli("referrals", "list", "--referrals", folder)
    assert listed.code == 2 and f"{folder / 'bad-kind.yml'}:3" in listed.err and "and 10 more" in listed.err
    with pytest.raises(ReferralError):
        load_directory([folder])
    assert not lint_directory().problems  # the package's own directory is clean
    assert run_cli("referrals", "lint").code == 0


def test_an_office_folder_replaces_and_withdraws_resources_and_filters_by_area(tmp_path: Path) -> None:
    folder = office_folder(tmp_path)
    (folder / "child-care-aware-state-resource-map.yml").write_text("id: child-care-aware-state-resource-map\nwithdrawn: true\n")
    (folder / "national-domestic-violence-hotline.yml").write_text(
        "id: national-domestic-violence-hotline\nname: Valley Safe House\nkind: domestic_violence\nserves: Survivors in the Valley\n"
        "languages: [en, es]\narea: {state: AZ, counties: [Maricopa County]}\ncontact: {phone: \"(480) 555-0199\"}\ncost: Free\nchecked: \"2026-11-01\"\n"
    )
    directory = load_directory([folder])
    assert "child-care-aware-state-resource-map" not in directory.resources
    replaced = directory.get("national-domestic-violence-hotline")
    assert replaced.name == "Valley Safe House" and replaced.private  # private without saying so: its kind
    assert [r.id for r in directory.find(state="az", county="maricopa")] == ["maricopa-parenting-class", "national-domestic-violence-hotline", "arizona-fathers-counseling"]
    assert [r.id for r in directory.find(state="AZ", county="Pima", kind="legal_aid")] == ["pima-legal-clinic"]
    assert directory.find(state="TX") == [] and [r.id for r in directory.find(language="es")] == ["maricopa-parenting-class", "national-domestic-violence-hotline"]
    with pytest.raises(ReferralError, match="not a kind"):
        directory.find(kind="soup")


def test_the_sheet_follows_the_case_and_an_office_may_reword_but_not_drop_a_required_part(tmp_path: Path) -> None:
    from docassemble.MediationAgreement.case.model import load_case

    case = load_case(ROOT / "examples/cases/joint-two-children.yml")
    made = datetime(2026, 12, 4, tzinfo=UTC)
    direct = case.model_copy(update={"child_support": case.child_support.model_copy(update={"payment_method": "direct"})})  # type: ignore[union-attr]
    sheet = build_next_steps(direct, "a", [], checkin_days=[30, 90], made=made)
    assert "pays you directly" in sheet.text and "withholding" not in sheet.text
    assert "check in with you 30 days and 90 days after" in sheet.text and "did not add any places" in sheet.text
    memo = case.model_copy(update={"office": case.office.model_copy(update={"document_kind": "memorandum"})})
    memo_text = build_next_steps(memo, "b", [], made=made).text
    assert "memorandum of understanding" in memo_text and "A judge reads" not in memo_text
    # Plain language: each sheet's words at or below grade 8 (Flesch-Kincaid).
    for party in ("a", "b"):
        words = build_next_steps(case, party, list(load_directory().resources.values()), checkin_days=[30], made=made)
        sentences = [*words.now, *words.help, words.referrals_intro, words.private_intro]
        assert grade(" ".join(sentences)) <= 8.0, sentences

    office = tmp_path / "next_steps.yml"
    text = (ROOT / "docassemble/MediationAgreement/data/sources/next_steps.yml").read_text()
    office.write_text(text.replace("    - id: help\n", "    - id: help_reworded\n"))
    with pytest.raises(CaseFileError, match="'help' is required and missing") as caught:
        build_next_steps(case, "a", [], made=made, path=office)
    assert caught.value.path == str(office) and caught.value.line is not None
    office.write_text(text.replace("when: [stipulated]\n      text: >-\n        The signed", "when: [stipulated, sunny]\n      text: >-\n        The signed"))
    with pytest.raises(CaseFileError, match="unknown condition sunny"):
        build_next_steps(case, "a", [], made=made, path=office)
    office.write_text(text.replace("{{ court }} in {{ county }}", "{{ courthouse }}"))
    with pytest.raises(CaseFileError, match="cannot be filled in"):
        build_next_steps(case, "a", [], made=made, path=office)


def test_no_sheet_and_no_filing_before_the_seal_and_referrals_stay_with_their_parent(tmp_path: Path) -> None:
    from docassemble.MediationAgreement.intake import open_intake

    from .test_parent_intake import load_setup

    case = Sealed(tmp_path)
    opened = open_intake(case.store, load_setup())
    with pytest.raises(StoreError, match="not sealed yet"):
        next_steps_for(case.store, opened.case_id, "a")
    with pytest.raises(StoreError, match="not sealed yet"):
        record_filing(case.store, opened.case_id, date.today())
    directory = load_directory()
    hotline = directory.get("national-domestic-violence-hotline")
    give_referrals(case.store, case.case_id, "a", [hotline])
    give_referrals(case.store, case.case_id, "a", [directory.get("child-care-aware-state-resource-map")])  # replaces
    assert [r.id for r in referrals_given(case.store, case.case_id, "a")] == ["child-care-aware-state-resource-map"]
    assert referrals_given(case.store, case.case_id, "b") == []
    with pytest.raises(ReferralError, match="picked twice"):
        give_referrals(case.store, case.case_id, "b", [hotline, hotline])
    event = [e for e in case.store.events(case.case_id) if e.kind == "referrals_given"][-1]
    assert len(event.payload["salt"]) == 32  # salted like every private event
    lines = "\n".join(followup_lines(followups(case.store, case.case_id), {"a": "Maria", "b": "David"}))
    assert "Child Care" not in lines


def test_the_mediator_picks_referrals_reads_the_sheets_and_records_the_filing_in_the_interview(tmp_path: Path) -> None:
    """The round screen's "Referrals, next-steps sheets and filing", driven through docassemble's own engine."""
    from docassemble.MediationAgreement.store import open_store

    from .test_mediator_round import parent_driver, sealed_in_the_interview

    office, mediator, links, case_id = sealed_in_the_interview(tmp_path)
    assert "Referrals, next-steps sheets and filing" in mediator.screen().subquestion_text
    mediator.action("after_screen")
    after = mediator.screen()
    assert after.id == "after the agreement" and "none yet" in after.subquestion_text and "Not recorded yet" in after.subquestion_text

    mediator.action("referrals_picked", party="a")
    picks = mediator.screen()
    assert picks.id == "referral picks" and "Maricopa County" in picks.subquestion_text
    offered = {value: label for field in picks.fields for value, label in field.choices}
    assert set(offered) == {"national-domestic-violence-hotline", "child-care-aware-state-resource-map"}  # those serving the county
    assert "always private" in offered["national-domestic-violence-hotline"] and "en, es" in offered["national-domestic-violence-hotline"]
    mediator.answer({"referral_ids": ["national-domestic-violence-hotline"]})
    mediator.action("referrals_picked", party="b", language="es")
    spanish = mediator.screen()
    assert "Spanish speakers" in spanish.subquestion_text
    assert {value for field in spanish.fields for value, _label in field.choices} == {"national-domestic-violence-hotline"}  # Child Care Aware's map is English
    mediator.answer({"referral_ids": []})
    mediator.action("after_screen")
    back = mediator.screen()
    assert back.id == "after the agreement" and "Mother: National Domestic Violence Hotline (private)" in back.subquestion_text.replace("\\", "")
    with open_store(office.url, office.key) as store:
        assert [r.id for r in referrals_given(store, case_id, "a")] == ["national-domestic-violence-hotline"]
        assert referrals_given(store, case_id, "b") == []
    assert HOTLINE in pdf_text(mediator.file_path("next_steps_file(review_round, 'a')").read_bytes())
    assert HOTLINE not in pdf_text(mediator.file_path("next_steps_file(review_round, 'b')").read_bytes())

    mediator.action("filing_recorded")
    assert mediator.screen().id == "filing"
    with pytest.raises(h.Rejected, match="between the seal"):
        mediator.answer({"filing_date": "2020-01-01", "filing_number": ""})
    mediator.answer({"filing_date": date.today().isoformat(), "filing_number": "FC2026-004821"})
    mediator.action("after_screen")
    done = mediator.screen()
    assert done.id == "after the agreement" and "Filed with the court on" in done.subquestion_text and "FC2026-004821" in done.subquestion_text.replace("\\", "")

    # Each parent's final screen shows their own sheet: Mother's has the hotline, Father's does not.
    shown = {party: parent_driver(links[party]).screen().subquestion_text for party in ("a", "b")}
    assert HOTLINE in shown["a"] and "Just for you" in shown["a"]
    assert HOTLINE not in shown["b"] and "What happens now" in shown["b"]
