"""The review round run from the mediator's interview, through docassemble's engine, on a real case store.

Office staff answer the interview, send the draft to the parents from the
draft screen, follow the round, sign last and seal; each parent uses the
link the round screen shows, in ``parent_review.yml``.  The executed
agreement the mediator downloads is checked with ``mediation-agreement verify``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("docassemble.base")

from . import da_harness as h  # noqa: E402 - first: it stubs the NLTK download docassemble attempts at import

# isort: split

from docassemble.MediationAgreement import da_adapter  # noqa: E402
from docassemble.MediationAgreement.review import case_state, tokens  # noqa: E402
from docassemble.MediationAgreement.store import generate_key, open_store  # noqa: E402

from .conftest import EXAMPLES, run_cli  # noqa: E402
from .test_interviews import drive  # noqa: E402

pytestmark = pytest.mark.slow

MAIN = "mediation_agreement.yml"
PARENT = "parent_review.yml"
JOINT = EXAMPLES / "joint-two-children.yml"


class Office:
    """A case store and an office seal, configured as a server would be."""

    def __init__(self, tmp_path: Path) -> None:
        from pki import make_pki

        self.key = generate_key()
        self.url = f"sqlite:///{tmp_path / 'cases.db'}"
        open_store(self.url, self.key).close()
        self.pki = make_pki().write(tmp_path / "pki")
        h.setup({"mediation agreement": {
            "store url": self.url,
            "store key": self.key,
            "signing key file": str(self.pki["key"]),
            "signing certificate file": str(self.pki["cert"]),
            "signing chain files": [str(self.pki["ca"])],
        }})
        da_adapter.server._LIBRARY_CACHE.clear()

    def cases(self) -> list[Any]:
        with open_store(self.url, self.key) as store:
            return store.cases()


@pytest.fixture(autouse=True)
def reset_config() -> Any:
    yield
    h.setup()


def shown(driver: h.InterviewDriver, screen: h.Screen) -> str:
    """The screen's words as the browser shows them (Markdown turned into HTML, tags dropped)."""
    return html.unescape(re.sub(r"<[^>]+>", "", driver.html(screen)))


def shown_links(screen: h.Screen) -> dict[str, str]:
    """The links a screen shows to copy (made by the action before it; shown once, never kept in the session)."""
    found = re.findall(r'<input type="text" readonly class="parent-link form-control" data-party="(\w)" value="([^"]+)"', screen.subquestion_text)
    return {party: html.unescape(url) for party, url in found}


def parent_driver(url: str) -> h.InterviewDriver:
    query = parse_qs(urlsplit(url).query)
    assert query["i"] == [da_adapter.mediator_round.PARENT_INTERVIEW]
    return h.InterviewDriver(PARENT, url_args={"case": query["case"][0], "token": query["token"][0]})


def parent_walk(driver: h.InterviewDriver, answers: dict[str, dict[str, Any]], until: str) -> list[str]:
    ids = []
    for _ in range(30):
        screen = driver.screen()
        ids.append(screen.id)
        if screen.id == until:
            return ids
        driver.answer(answers.get(screen.id, {}))
    raise AssertionError(f"did not reach {until}: {ids}")


def comment_then_approve(text: str) -> dict[str, dict[str, Any]]:
    return {
        "any comments": {"parent_comments.there_are_any": True},
        "comment": {"parent_comments[0].section": "1.1", "parent_comments[0].text": text, "parent_comments[0].private": False},
        "another comment": {"parent_comments.there_is_another": False},
        "decision": {"decision": "approve"},
    }


def sign_typed(name: str) -> dict[str, dict[str, Any]]:
    return {"sign intent": {"sign_intent": True, "sign_method": "typed"}, "typed signature": {"typed_signature": name}}


def test_staff_send_the_draft_follow_the_round_sign_last_and_seal(tmp_path: Path) -> None:
    office = Office(tmp_path)
    mediator, _ids, screens = drive(JOINT, driver=h.InterviewDriver(MAIN, roles=["advocate"]))
    assert "send it to the parents for review" in screens[-1].subquestion_text

    mediator.action("send_draft")
    round_screen = mediator.screen()
    assert round_screen.id == "review round"
    assert "Draft 1 is ready for the parents." in round_screen.subquestion_text
    (case,) = office.cases()
    links = shown_links(round_screen)
    assert "mat_" not in repr(mediator.value("review_round"))  # shown once, never kept in the session (issue 16)
    assert "[QR " in round_screen.subquestion_text  # for a parent in the room
    assert sorted(links) == ["a", "b"] and all(f"case={case.case_id}" in url for url in links.values()), links
    assert "waiting for Mother (Elena Marisol Ortega) and Father (Daniel James Ortega) to approve" in shown(mediator, round_screen)

    # Sending the same answers again is refused, and said on the round screen.
    mediator.action("send_draft")
    assert "identical" in mediator.screen().subquestion_text

    # A parent's words reach the mediator's screen as text, never as markup.
    a = parent_driver(links["a"])
    parent_walk(a, comment_then_approve("<script>alert(1)</script> Is *this* [ok](http://x)?"), until="waiting for the other parent")
    b = parent_driver(links["b"])
    parent_walk(b, {"any comments": {"parent_comments.there_are_any": False}, "decision": {"decision": "approve"}, **sign_typed("Daniel James Ortega")}, until="signed")
    parent_walk(a, sign_typed("Elena Marisol Ortega"), until="signed")

    mediator.action("round_screen")
    screen = mediator.screen()
    page = mediator.html(screen)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="http://x"' not in page and "<em>this</em>" not in page
    assert "Is *this* [ok](http://x)?" in shown(mediator, screen)
    assert "Sign as the mediator" in screen.subquestion_text and "Seal" not in screen.subquestion_text
    # The refusal said before the parents acted is not left standing (issue 13, defect 9).
    assert "identical" not in screen.subquestion_text
    # The round screen is for people (issue 13): what each parent typed, times in the family's
    # zone (the joint example is in America/Phoenix: MST all year), no hashes, link ids or commands.
    report = shown(mediator, screen)
    assert "typed “Daniel James Ortega”" in report and "typed “Elena Marisol Ortega”" in report
    assert " MST" in report and "Z " not in report + " " and not re.search(r"\d{4}-\d\d-\d\dT", report)
    assert "sha256" not in report.lower() and not re.search(r"\b[0-9a-f]{16,}\b", report)
    with open_store(office.url, office.key) as store:
        assert all(t.token_id not in report for t in tokens(store, case.case_id))
    assert "mediation-agreement" not in report

    mediator.action("mediator_sign")
    signing = mediator.screen()
    assert signing.id == "mediator signature"
    assert "electronic" in signing.subquestion_text.lower()  # the draft's own consent clause
    mediator.answer({"mediator_sign_intent": True, "mediator_typed_signature": "Dana Whitfield"})
    after = mediator.screen()
    assert after.id == "review round" and "Seal the executed agreement" in after.subquestion_text

    mediator.action("seal_agreement")
    sealed = mediator.screen()
    assert "The executed agreement is sealed" in sealed.subquestion_text
    assert "Download the executed agreement (PDF)" in sealed.subquestion_text
    executed = mediator.file_path("executed_agreement")
    # After the seal: check-ins (issue 19), set from the round screen.
    assert "None set." in sealed.subquestion_text
    mediator.action("checkins_set")
    with_checkins = mediator.screen()
    assert "Check-ins are set at 30 and 90 days" in with_checkins.subquestion_text
    assert "check-in 1 (30 days) for Mother: due" in with_checkins.subquestion_text.replace("\\", "")
    assert "The case so far" in with_checkins.subquestion_text and "the executed agreement was sealed" in with_checkins.subquestion_text
    with open_store(office.url, office.key) as store:
        assert case_state(store, case.case_id).finalized is not None

    verified = run_cli("verify", executed, "--trust", office.pki["ca"], "--store", office.url, env={"MEDIATION_STORE_KEY": office.key})
    assert verified.code == 0, verified.out + verified.err
    assert "Dana Whitfield" in verified.out

    # Each parent's link (spent by signing) now offers the same sealed file.
    for url in links.values():
        parent = parent_driver(url)
        assert parent.screen().id == "final"
        assert parent.file_path("executed_pdf").read_bytes() == executed.read_bytes()


def test_a_new_link_for_a_parent_replaces_the_one_shown(tmp_path: Path) -> None:
    Office(tmp_path)
    mediator, _ids, _screens = drive(JOINT, driver=h.InterviewDriver(MAIN, roles=["admin"]))
    mediator.action("send_draft")
    first = shown_links(mediator.screen())
    mediator.action("new_link", party="b")
    screen = mediator.screen()
    assert "has a new link" in screen.subquestion_text
    now = shown_links(screen)
    assert sorted(now) == ["b"] and now["b"] != first["b"]  # only the new link is shown, once
    mediator.action("round_screen")
    assert shown_links(mediator.screen()) == {}  # and not again
    for url in (first["b"], now["b"]):  # the old link works until it expires or is revoked
        assert parent_driver(url).screen().id == "welcome"


def test_from_draft_2_the_round_screen_links_the_redline(tmp_path: Path) -> None:
    """Issue 13, defect 3: the mediator sees what changed too (with private notes, which only the mediator may read)."""
    from datetime import time

    from docassemble.MediationAgreement.case.model import load_case
    from docassemble.MediationAgreement.review import add_comment, issue_draft

    office = Office(tmp_path)
    mediator, _ids, _screens = drive(JOINT, driver=h.InterviewDriver(MAIN, roles=["admin"]))
    mediator.action("send_draft")
    sent = mediator.screen()
    assert "redline" not in sent.subquestion_text  # draft 1: nothing to compare with
    links = shown_links(sent)
    (case,) = office.cases()
    revised = load_case(JOINT)
    revised = revised.model_copy(update={"parenting_time": revised.parenting_time.model_copy(update={"exchange_time": time(17, 0)})})
    token = parse_qs(urlsplit(links["a"]).query)["token"][0]
    with open_store(office.url, office.key) as store:
        add_comment(store, case.case_id, token=token, draft=1, section="4.1", text="Only the mediator should read this.", private=True)
        issue_draft(store, case.case_id, case=revised)
    mediator.action("round_screen")
    screen = mediator.screen()
    assert "What changed in draft 2 (redline)" in screen.subquestion_text
    page = Path(mediator.value("redline_file(review_round).path()")).read_text(encoding="utf-8")
    assert "Changes in draft 2 compared with draft 1" in page and "<ins>5:00</ins>" in page and "<del>6:00 </del>" in page
    assert "Only the mediator should read this." in page


def test_staff_opening_a_parents_link_see_it_read_only_and_nothing_is_recorded(tmp_path: Path) -> None:
    """Issue 16: a staff member who clicks a parent's link is not recorded as the parent, and cannot act as the parent."""
    office = Office(tmp_path)
    mediator, _ids, _screens = drive(JOINT, driver=h.InterviewDriver(MAIN, roles=["admin"]))
    mediator.action("send_draft")
    sent = mediator.screen()
    page = mediator.html(sent)
    assert re.search(r'<input [^>]*class="parent-link', page) and not re.search(r"<a [^>]*parent-link", page)  # copy, not click
    links = shown_links(sent)
    (case,) = office.cases()
    query = parse_qs(urlsplit(links["a"]).query)
    staff = h.InterviewDriver(PARENT, url_args={"case": query["case"][0], "token": query["token"][0]}, roles=["admin"])
    screen = staff.screen()
    assert screen.id == "staff preview"
    assert "only the parent can comment, answer or sign" in screen.subquestion_text
    assert "Elena Marisol Ortega" in screen.subquestion_text  # the draft itself is shown
    with open_store(office.url, office.key) as store, store.session(case.case_id) as session:
        assert "draft_viewed" not in [e.kind for e in session.events()]
    # The parent, with the same link and no staff sign-in, is recorded as having read it.
    parent = parent_driver(links["a"])
    assert parent.screen().id == "welcome"
    with open_store(office.url, office.key) as store, store.session(case.case_id) as session:
        assert [e.actor for e in session.events() if e.kind == "draft_viewed"] == ["a"]


def test_without_the_staff_privilege_nothing_is_sent(tmp_path: Path) -> None:
    office = Office(tmp_path)
    mediator, _ids, screens = drive(JOINT, driver=h.InterviewDriver(MAIN, roles=["user"]))
    assert "Office staff who sign in can send this draft" in screens[-1].subquestion_text
    assert "send it to the parents" not in screens[-1].subquestion_text
    mediator.action("send_draft")  # a hand-made link to the action
    screen = mediator.screen()
    assert screen.id == "draft" and "Only signed-in office staff can send drafts" in screen.subquestion_text
    assert office.cases() == []


def test_a_half_configured_office_seal_is_named() -> None:
    from docassemble.MediationAgreement.errors import ConfigError

    h.setup({"mediation agreement": {"signing key file": "/etc/mediation/office.key"}})
    with pytest.raises(ConfigError, match="'mediation agreement: signing certificate file' is not set"):
        da_adapter.server.signing_config()


def sealed_in_the_interview(tmp_path: Path) -> tuple[Office, h.InterviewDriver, dict[str, str], str]:
    """The joint example through the mediator's interview, both parents' links to their signatures, the mediator's
    signature and the seal: the office, the mediator's session (showing the round screen), the links and the case id."""
    from docassemble.MediationAgreement.review import finalize, sign
    from docassemble.MediationAgreement.signing.signatures import SigningConfig, capture_signature

    office = Office(tmp_path)
    mediator, _ids, _screens = drive(JOINT, driver=h.InterviewDriver(MAIN, roles=["admin"]))
    mediator.action("send_draft")
    links = shown_links(mediator.screen())
    drivers = {party: parent_driver(links[party]) for party in ("a", "b")}
    for party, name in (("a", "Elena Marisol Ortega"), ("b", "Daniel James Ortega")):
        answers = {"any comments": {"parent_comments.there_are_any": False}, "decision": {"decision": "approve"}, **sign_typed(name)}
        parent_walk(drivers[party], answers, until="signed" if party == "b" else "waiting for the other parent")
    parent_walk(drivers["a"], sign_typed("Elena Marisol Ortega"), until="signed")
    (original,) = office.cases()
    with open_store(office.url, office.key) as store:
        capture = capture_signature("mediator", method="typed", typed_name="Dana Whitfield", intent_confirmed=True, consent_text="I agree to sign electronically.")
        sign(store, original.case_id, capture, token=None, draft=1)
        finalize(store, original.case_id, config=SigningConfig.from_paths(str(office.pki["key"]), str(office.pki["cert"])))
    mediator.last = None  # the browser reloads the round screen the interview shows
    return office, mediator, links, original.case_id


def test_after_the_seal_the_mediator_opens_a_modification_from_the_round_screen(tmp_path: Path) -> None:
    """Issue 19, part 3: the button opens an amended agreement from the signed one; its first draft goes to the parents."""
    from docassemble.MediationAgreement.review import amended_case, current_case

    office, mediator, _links, original_id = sealed_in_the_interview(tmp_path)
    assert "open a modification" in mediator.screen().subquestion_text
    mediator.action("modification_opened")
    assert mediator.screen().id == "review answers"
    mediator.answer({})
    assert mediator.screen().id == "draft"
    mediator.action("send_draft")
    sent = mediator.screen()
    new_links = shown_links(sent)
    assert sent.id == "review round" and sorted(new_links) == ["a", "b"]
    cases = {c.case_id for c in office.cases()} - {original_id}
    (amendment,) = cases
    with open_store(office.url, office.key) as store:
        assert amended_case(store, amendment) == original_id
        assert current_case(store, amendment).modifies is not None
    parent = parent_driver(new_links["a"])
    walk_to = parent_walk(parent, {}, until="read the draft")
    assert walk_to[-1] == "read the draft"
    assert "What changed since the executed agreement" in parent.screen().subquestion_text  # the amendment's first draft, against what was signed
