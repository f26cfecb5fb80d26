"""Intake before the session: each parent's agreement to mediate, private screening, facts and issues.

The engine is driven directly (``intake``: open, agree, screen, submit, the
board, the prefill) against a real case store; the parent's interview
(``parent_intake.yml``) is driven by docassemble's own engine (tests/da_harness.py)
against the same kind of store, for both parents, one with a positive screen.
Privacy is tested by searching everything the other parent can open and
every output the court could see for the first parent's private words.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("docassemble.base")

from . import da_harness as h  # noqa: E402 - first: it stubs the NLTK download docassemble attempts at import

# isort: split

import yaml  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from docassemble.MediationAgreement.errors import CaseFileError, CaseValidationError, StoreError  # noqa: E402
from docassemble.MediationAgreement.intake import (  # noqa: E402
    IntakeAnswers,
    IntakeSetup,
    ScreeningAnswers,
    agree_to_mediate,
    agreement_for,
    board_lines,
    instrument,
    intake_for_token,
    intake_record,
    issues_board,
    load_agreement,
    open_intake,
    own_agreement_pdf,
    parse_answers,
    prefill_case_data,
    screen,
    signed_agreement_pdf,
    submit_intake,
    submit_screening,
)
from docassemble.MediationAgreement.intake.files import load_answers_file  # noqa: E402
from docassemble.MediationAgreement.review import case_state, issue_draft, open_case  # noqa: E402
from docassemble.MediationAgreement.signing.signatures import capture_signature  # noqa: E402
from docassemble.MediationAgreement.store import CaseStore, generate_key, open_store  # noqa: E402

from .conftest import ROOT, run_cli  # noqa: E402

SETUP = ROOT / "examples" / "intake" / "setup.yml"
SECRET_NOTE = "Zanzibar-note: he checks my phone every night"
SECRET_FEAR = "Quokka-fear: he said he would take the kids"
SECRET_PROPOSAL = "Narwhal-proposal: every other weekend only"


def load_setup() -> IntakeSetup:
    data, lines = load_answers_file(SETUP)
    return parse_answers(IntakeSetup, data, source=str(SETUP), lines=lines)


class Intake:
    """One case opened for intake in a temporary store."""

    def __init__(self, tmp_path: Path) -> None:
        self.key = generate_key()
        self.url = f"sqlite:///{tmp_path / 'cases.db'}"
        self.store = open_store(self.url, self.key)
        self.opened = open_intake(self.store, load_setup())
        self.case_id = self.opened.case_id

    def token(self, party: str) -> str:
        return self.opened.tokens[party].token

    def agree(self, party: str) -> Any:
        return sign_agreement(self.store, self.case_id, self.token(party))


def sign_agreement(store: Any, case_id: str, token: str) -> Any:
    """The link's parent signs the agreement to mediate with their typed name."""
    view = intake_for_token(store, case_id, token)
    agreement = agreement_for(view)
    capture = capture_signature(view.party, method="typed", typed_name=view.full_name, intent_confirmed=True, consent_text=agreement.text, intent_statement=agreement.statement)
    return agree_to_mediate(store, case_id, token, capture)


MARIA_ANSWERS = {
    "contact": {"email": "maria.private@example.com", "phone": "602-555-0143", "address": {"street": "12 Hidden Lane", "city": "Mesa", "state": "AZ", "postal_code": "85201"}, "share_phone": True},
    "children": [{"full_name": "Sofia Lopez", "date_of_birth": "2018-04-02", "lives_with": "me"}, {"full_name": "Mateo Lopez", "date_of_birth": "2020-09-15", "lives_with": "me"}],
    "money": {"monthly_gross_income": "3200.00", "child_care_monthly": "450.00"},
    "current_arrangements": "The children live with me; David sees them some Saturdays.",
    "issues": [{"issue": "parenting_time", "priority": 1, "proposal": SECRET_PROPOSAL}, {"issue": "child_support", "priority": 2}],
    "note_to_mediator": SECRET_NOTE,
}
DAVID_ANSWERS = {
    "contact": {"email": "david@example.com", "share_email": True, "safe_to_email": True},
    "children": [{"full_name": "Sofia Lopez", "date_of_birth": "2018-04-02", "lives_with": "both"}, {"full_name": "Mateo Lopez", "date_of_birth": "2020-09-15", "lives_with": "me"}],
    "money": {"monthly_gross_income": "4100.00", "health_insurance_premium": "180.00"},
    "issues": [{"issue": "parenting_time", "priority": 1, "proposal": "Week on, week off"}, {"issue": "holidays", "priority": 3}],
}
MARIA_SCREENING = ScreeningAnswers(
    answers={"afraid": "yes", "threats": "no", "same_room": "yes", "helps_with_advocate": "yes", "helps_separate_rooms": "no"},
    texts={"what_happened": SECRET_FEAR},
)


def full_intake(tmp_path: Path) -> Intake:
    intake = Intake(tmp_path)
    for party in ("a", "b"):
        intake.agree(party)
    submit_screening(intake.store, intake.case_id, intake.token("a"), MARIA_SCREENING)
    submit_screening(intake.store, intake.case_id, intake.token("b"), ScreeningAnswers(answers={k: "no" for k in ("kept_from_people", "threats", "same_room", "physical", "afraid", "hurt")}))
    submit_intake(intake.store, intake.case_id, intake.token("a"), IntakeAnswers.model_validate(MARIA_ANSWERS))
    submit_intake(intake.store, intake.case_id, intake.token("b"), IntakeAnswers.model_validate(DAVID_ANSWERS))
    return intake


# --------------------------------------------------------------------------- the screening


def test_every_screening_question_quotes_the_form_f_item_it_follows() -> None:
    tool = instrument()
    assert "Form F" in tool.name and tool.url.startswith("https://www.ndcourts.gov/")
    ids = {i.id for i in tool.items}
    for item in tool.items:
        assert item.source, item.id
        assert item.only_if is None or item.only_if in ids
    # the scored questions are the yes/no ones of Form F sections 1 and 2 (and the order question, marked as ours)
    assert {i.id for i in tool.items if i.flags} == {"kept_from_people", "kept_from_money", "threats", "same_room", "physical", "afraid", "hurt", "protective_order"}


@pytest.mark.parametrize(
    ("answers", "positive", "session"),
    [
        ({}, False, "joint"),
        ({"afraid": "no", "threats": "no"}, False, "joint"),
        ({"threats": "yes"}, True, "separate_sessions"),
        ({"hurt": "prefer_not"}, True, "separate_sessions"),
        ({"same_room": "yes", "helps_with_advocate": "no", "helps_separate_rooms": "no"}, True, "joint_with_support_person"),
        ({"same_room": "yes", "helps_with_advocate": "yes", "helps_separate_rooms": "no"}, True, "separate_sessions"),
        ({"same_room": "yes", "helps_with_advocate": "yes", "helps_separate_rooms": "yes"}, True, "mediator_review"),
        ({"same_room": "yes"}, True, "mediator_review"),  # unanswered follow-ups read as "still worried"
        ({"same_room": "yes", "helps_with_advocate": "no", "helps_separate_rooms": "no", "kept_from_money": "yes"}, True, "separate_sessions"),
    ],
)
def test_a_positive_screen_changes_how_the_sessions_are_held(answers: dict[str, str], positive: bool, session: str) -> None:
    result = screen(ScreeningAnswers.model_validate({"answers": answers}))
    assert (result.positive, result.session_format) == (positive, session)


def test_answers_to_questions_the_screening_does_not_have_are_refused(tmp_path: Path) -> None:
    intake = Intake(tmp_path)
    intake.agree("a")
    with pytest.raises(CaseValidationError) as caught:
        submit_screening(intake.store, intake.case_id, intake.token("a"), ScreeningAnswers(answers={"afriad": "yes"}))
    assert caught.value.problems[0].field_path == "answers.afriad"


# --------------------------------------------------------------------------- the agreement to mediate


def test_the_agreement_to_mediate_covers_every_promised_point() -> None:
    agreement = load_agreement(office="Test Office", mediator="Jordan Ellis", parent="Maria Elena Lopez")
    text = agreement.text.lower()
    for words in ("voluntary", "stop at any time", "private", "abused", "threatens to hurt", "neutral", "not a lawyer", "legal advice", "talk to a lawyer", "electronically"):
        assert words in text, words
    assert "Maria Elena Lopez" in agreement.statement


def test_an_office_wording_that_drops_a_required_point_is_refused(tmp_path: Path) -> None:
    source = (ROOT / "docassemble/MediationAgreement/data/sources/intake/agreement_to_mediate.yml").read_text()
    data = yaml.safe_load(source)
    data["points"] = [p for p in data["points"] if p["id"] != "confidential"]
    mine = tmp_path / "ours.yml"
    mine.write_text(yaml.safe_dump(data))
    with pytest.raises(CaseFileError, match=r"the point 'confidential' is required") as caught:
        load_agreement(office="O", mediator="M", parent="P", path=mine)
    assert caught.value.path == str(mine) and caught.value.line is not None


def test_an_office_wording_with_an_unknown_name_is_refused_not_blank(tmp_path: Path) -> None:
    data = yaml.safe_load((ROOT / "docassemble/MediationAgreement/data/sources/intake/agreement_to_mediate.yml").read_text())
    data["points"][0]["text"] = "Ask {{ ofice }} anything."
    mine = tmp_path / "ours.yml"
    mine.write_text(yaml.safe_dump(data))
    with pytest.raises(CaseFileError, match="ofice"):
        load_agreement(office="O", mediator="M", parent="P", path=mine)


def test_signing_the_agreement_to_mediate_stores_a_pdf_both_parent_and_office_can_download(tmp_path: Path) -> None:
    intake = Intake(tmp_path)
    own = intake.agree("a")
    assert own.agreed_at is not None
    mine = own_agreement_pdf(intake.store, intake.case_id, intake.token("a"))
    office = signed_agreement_pdf(intake.store, intake.case_id, "a")
    assert mine == office
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(mine)).pages)
    assert "Agreement to mediate" in text and "Maria Elena Lopez" in text and "Typed electronic signature" in text
    with pytest.raises(StoreError, match="has not signed"):
        signed_agreement_pdf(intake.store, intake.case_id, "b")


def test_a_second_signature_of_the_agreement_to_mediate_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    intake = Intake(tmp_path)
    intake.agree("a")
    before = intake.store.events(intake.case_id)
    with pytest.raises(StoreError, match="already signed the agreement to mediate"):
        intake.agree("a")
    assert intake.store.events(intake.case_id) == before


def test_a_typed_name_that_is_not_the_parents_is_refused(tmp_path: Path) -> None:
    intake = Intake(tmp_path)
    view = intake_for_token(intake.store, intake.case_id, intake.token("a"))
    agreement = agreement_for(view)
    capture = capture_signature("a", method="typed", typed_name="Mickey Mouse", intent_confirmed=True, consent_text=agreement.text)
    with pytest.raises(Exception, match="Maria Elena Lopez"):
        agree_to_mediate(intake.store, intake.case_id, intake.token("a"), capture)


def test_the_steps_come_in_order_and_the_screening_is_answered_once(tmp_path: Path) -> None:
    intake = Intake(tmp_path)
    with pytest.raises(StoreError, match="sign the agreement to mediate first"):
        submit_screening(intake.store, intake.case_id, intake.token("a"), MARIA_SCREENING)
    with pytest.raises(StoreError, match="sign the agreement to mediate first"):
        submit_intake(intake.store, intake.case_id, intake.token("a"), IntakeAnswers.model_validate(MARIA_ANSWERS))
    intake.agree("a")
    submit_screening(intake.store, intake.case_id, intake.token("a"), MARIA_SCREENING)
    with pytest.raises(StoreError, match="already answered the safety questions"):
        submit_screening(intake.store, intake.case_id, intake.token("a"), ScreeningAnswers())
    submit_intake(intake.store, intake.case_id, intake.token("a"), IntakeAnswers.model_validate(MARIA_ANSWERS))
    changed = {**MARIA_ANSWERS, "current_arrangements": "Changed my mind."}
    submit_intake(intake.store, intake.case_id, intake.token("a"), IntakeAnswers.model_validate(changed))
    assert intake_record(intake.store, intake.case_id).parents["a"].answers.current_arrangements == "Changed my mind."  # type: ignore[union-attr]


def test_revoked_expired_and_foreign_links_open_nothing(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from docassemble.MediationAgreement.review import revoke_token

    intake = Intake(tmp_path)
    (tmp_path / "other").mkdir()
    other = Intake(tmp_path / "other")
    with pytest.raises(StoreError, match="different case|not valid"):
        intake_for_token(intake.store, intake.case_id, other.token("a"))
    revoke_token(intake.store, intake.case_id, intake.opened.tokens["b"].token_id)
    with pytest.raises(StoreError, match="revoked"):
        intake_for_token(intake.store, intake.case_id, intake.token("b"))
    later = CaseStore(intake.url, intake.key, clock=lambda: datetime.now(UTC) + timedelta(days=30))
    with pytest.raises(StoreError, match="expired"):
        intake_for_token(later, intake.case_id, intake.token("a"))


# --------------------------------------------------------------------------- the board and the prefill


def test_the_issues_board_puts_the_parents_side_by_side_with_the_safety_flag(tmp_path: Path) -> None:
    intake = full_intake(tmp_path)
    board = issues_board(intake_record(intake.store, intake.case_id))
    assert board.safety_flag and board.session_format == "separate_sessions"
    assert [r.issue for r in board.rows] == ["parenting_time", "child_support", "holidays"]  # both parents' first, then by how much it matters
    assert board.rows[0].raised_by_both and not board.rows[1].raised_by_both
    assert any("where Sofia Lopez lives now" in d for d in board.differences)
    text = "\n".join(board_lines(board))
    assert "SAFETY: a screening was positive" in text and "Do you ever feel afraid of David?" in text
    assert SECRET_PROPOSAL in text and SECRET_NOTE in text  # the board is the mediator's


def test_the_board_says_who_has_not_started(tmp_path: Path) -> None:
    intake = Intake(tmp_path)
    intake.agree("a")
    board = issues_board(intake_record(intake.store, intake.case_id))
    assert board.progress == {"a": "done: agreement to mediate", "b": "not started"}
    assert not board.safety_flag and not board.rows


def test_prefill_copies_shared_facts_and_nothing_private(tmp_path: Path) -> None:
    intake = full_intake(tmp_path)
    data = prefill_case_data(intake_record(intake.store, intake.case_id))
    a, b = data["parent_a"], data["parent_b"]
    assert "email" not in a and a["phone"] == "(602) 555-0143"  # Maria shared her phone, not her e-mail
    assert a["address"]["confidential"] is True  # not shared: kept confidential
    assert b["email"] == "david@example.com"
    assert [c["full_name"] for c in data["children"]] == ["Sofia Lopez", "Mateo Lopez"]
    assert data["child_support"]["guideline"]["parent_a"] == {"monthly_gross_income": "3200.00", "child_care": "450.00"}
    dumped = yaml.safe_dump(data)
    for secret in (SECRET_NOTE, SECRET_FEAR, SECRET_PROPOSAL, "afraid", "maria.private@example.com", "safety"):
        assert secret not in dumped


def test_a_case_file_finished_from_the_prefill_drafts_without_anything_private(tmp_path: Path) -> None:
    """The whole path to the court's document: prefill, the mediator's decisions, draft 1; then search it."""
    from docassemble.MediationAgreement.case.model import case_from_data

    intake = full_intake(tmp_path)
    data = prefill_case_data(intake_record(intake.store, intake.case_id))
    example = yaml.safe_load((ROOT / "examples/cases/joint-two-children.yml").read_text())
    decided = {k: v for k, v in example.items() if k not in data or k in ("court",)}
    decided["court"] = {**example["court"], "state": "AZ"}
    decided.pop("child_support", None)
    case = case_from_data({**decided, **{k: v for k, v in data.items() if k not in ("court", "child_support")}}, source="finished")
    assert case.parent_a.address is not None and case.parent_a.address.confidential
    version = issue_draft(intake.store, intake.case_id, case=case)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(version.pdf)).pages)
    for secret in (SECRET_NOTE, SECRET_FEAR, SECRET_PROPOSAL, "12 Hidden Lane", "maria.private@example.com", "Form F", "afraid"):
        assert secret not in text
    assert "Sofia Lopez" in text and "Mateo Lopez" in text


def test_answers_stop_once_a_draft_exists(tmp_path: Path) -> None:
    from docassemble.MediationAgreement.case.model import load_case

    intake = full_intake(tmp_path)
    issue_draft(intake.store, intake.case_id, case=load_case(ROOT / "examples/cases/joint-two-children.yml"))
    with pytest.raises(StoreError, match="already written a draft"):
        submit_intake(intake.store, intake.case_id, intake.token("a"), IntakeAnswers.model_validate(MARIA_ANSWERS))


def test_the_review_state_counts_intake_steps_but_holds_no_answers(tmp_path: Path) -> None:
    intake = full_intake(tmp_path)
    state = case_state(intake.store, intake.case_id, viewer="b")
    assert state.intake_steps == {"a": 3, "b": 3}
    assert SECRET_NOTE not in repr(state) and SECRET_FEAR not in repr(state)


def test_a_parent_view_holds_only_their_own_answers(tmp_path: Path) -> None:
    intake = full_intake(tmp_path)
    david = intake_for_token(intake.store, intake.case_id, intake.token("b"))
    assert david.party == "b" and david.own.answers is not None
    text = repr(david)
    for secret in (SECRET_NOTE, SECRET_FEAR, SECRET_PROPOSAL, "maria.private@example.com", "12 Hidden Lane"):
        assert secret not in text


# --------------------------------------------------------------------------- the parent's interview

INTERVIEW = "parent_intake.yml"


def setup_server(intake: Intake) -> None:
    h.setup({"mediation agreement": {"store url": intake.url, "store key": intake.key}})


def driver(intake: Intake, party: str) -> h.InterviewDriver:
    return h.InterviewDriver(INTERVIEW, url_args={"case": intake.case_id, "token": intake.token(party)})


def screen_text(screen: h.Screen) -> str:
    parts = [screen.question_text, screen.subquestion_text]
    parts += [f.label or "" for f in screen.fields] + [f.help or "" for f in screen.fields]
    parts += [label for f in screen.fields for _value, label in f.choices]
    parts += [label for _value, label in screen.buttons]
    return "\n".join(p for p in parts if p)


def answers_for(party: str, *, positive: bool) -> dict[str, Any]:
    """What each screen gets: a positive screen for Maria (a), a negative one for David (b)."""
    me = {"a": ("Maria Elena Lopez", MARIA_ANSWERS), "b": ("David James Lopez", DAVID_ANSWERS)}[party]
    facts = me[1]

    def control(screen: h.Screen) -> dict[str, Any]:
        return {v: "no" for v in screen.variables} | ({"screening_answers['same_room']": "yes"} if positive else {})

    def harm(screen: h.Screen) -> dict[str, Any]:
        return {v: "no" for v in screen.variables} | ({"screening_answers['afraid']": "yes"} if positive else {})

    def told(screen: h.Screen) -> dict[str, Any]:
        return {"screening_texts['what_happened']": SECRET_FEAR if positive else "", "wants_support_person": False}

    children = iter(facts["children"])

    def child(screen: h.Screen) -> dict[str, Any]:
        prefix = screen.variables[0].rsplit(".", 1)[0]
        c = next(children)
        return {f"{prefix}.full_name": c["full_name"], f"{prefix}.date_of_birth": c["date_of_birth"], f"{prefix}.lives_with": c["lives_with"]}

    count = {"n": 0}

    def another(screen: h.Screen) -> dict[str, Any]:
        count["n"] += 1
        return {"intake_children.there_is_another": count["n"] < len(facts["children"])}

    def details(screen: h.Screen) -> dict[str, Any]:
        issue = screen.variables[0].split("'")[1]
        entry = next(e for e in facts["issues"] if e["issue"] == issue)
        given = {f"issue_importance['{issue}']": entry["priority"], f"issue_proposal['{issue}']": entry.get("proposal") or ""}
        for name in ("choice", "for_children", "could_accept"):
            if f"issue_{name}['{issue}']" in screen.variables:
                given[f"issue_{name}['{issue}']"] = entry.get(name)
        return given

    contact = facts["contact"]
    address = contact.get("address") or {}
    return {
        "agreement to mediate": {"agree_to_mediate": True, "sign_method": "typed"},
        "typed signature": {"typed_signature": me[0]},
        "screening control": control,
        "screening same room": {"screening_answers['helps_with_advocate']": "yes", "screening_answers['helps_separate_rooms']": "no", "screening_texts['same_room_concerns']": ""},
        "screening harm": harm,
        "screening told": told,
        "contact": {
            "contact.email": contact.get("email", ""),
            "contact.phone": contact.get("phone", ""),
            "contact.street": address.get("street", ""),
            "contact.city": address.get("city", ""),
            "contact.state": address.get("state", ""),
            "contact.postal_code": address.get("postal_code", ""),
            "contact.share_email": contact.get("share_email", False),
            "contact.share_phone": contact.get("share_phone", False),
            "contact.share_address": False,
            "contact.safe_to_email": contact.get("safe_to_email", False),
        },
        "any children": {"intake_children.there_are_any": True},
        "child": child,
        "another child": another,
        "money": {f"money.{k}": facts["money"].get(k) for k in ("monthly_gross_income", "health_insurance_premium", "child_care_monthly")},
        "arrangements": {"current_arrangements": facts.get("current_arrangements", "")},
        "issues": {"chosen_issues": [e["issue"] for e in facts["issues"]]},
        "issue details": details,
        "note to mediator": {"note_to_mediator": facts.get("note_to_mediator", "")},
    }


def walk(d: h.InterviewDriver, answers: dict[str, Any], *, until: str = "done", screens: list[h.Screen] | None = None) -> list[str]:
    ids = []
    for _ in range(40):
        screen = d.screen()
        ids.append(screen.id)
        if screens is not None:
            screens.append(screen)
        if screen.id == until:
            return ids
        given = answers.get(screen.id, {})
        d.answer(given(screen) if callable(given) else given)
    raise AssertionError(f"did not reach {until}: {ids}")


@pytest.fixture
def both_walked(tmp_path: Path) -> tuple[Intake, dict[str, list[h.Screen]]]:
    intake = Intake(tmp_path)
    setup_server(intake)
    screens: dict[str, list[h.Screen]] = {"a": [], "b": []}
    walk(driver(intake, "a"), answers_for("a", positive=True), screens=screens["a"])
    walk(driver(intake, "b"), answers_for("b", positive=False), screens=screens["b"])
    return intake, screens


def test_both_parents_complete_intake_in_the_interview(both_walked: tuple[Intake, dict[str, list[h.Screen]]]) -> None:
    intake, screens = both_walked
    ids_a = [s.id for s in screens["a"]]
    assert ids_a[:4] == ["welcome", "agreement to mediate", "typed signature", "screening intro"]
    assert "screening same room" in ids_a and "screening same room" not in [s.id for s in screens["b"]]  # its follow-ups only after a yes
    record = intake_record(intake.store, intake.case_id)
    maria, david = record.parents["a"], record.parents["b"]
    assert maria.done and david.done
    assert maria.result is not None and maria.result.positive and david.result is not None and not david.result.positive
    assert [c.full_name for c in maria.answers.children] == ["Sofia Lopez", "Mateo Lopez"]  # type: ignore[union-attr]
    assert maria.answers.contact.phone == "(602) 555-0143" and maria.answers.contact.address.street == "12 Hidden Lane"  # type: ignore[union-attr]
    board = issues_board(record)
    assert board.safety_flag and [r.issue for r in board.rows][0] == "parenting_time"
    assert prefill_case_data(record)["parent_a"]["address"]["confidential"] is True


def test_every_intake_screen_has_a_quick_exit(both_walked: tuple[Intake, dict[str, list[h.Screen]]]) -> None:
    _, screens = both_walked
    for shown in screens["a"] + screens["b"]:
        pre = shown.status.extras.get("pre text") or ""
        assert "Quick exit" in pre and "location.replace" in pre, shown.id


def test_nothing_the_other_parent_sees_holds_the_first_parents_private_answers(both_walked: tuple[Intake, dict[str, list[h.Screen]]], tmp_path: Path) -> None:
    intake, screens = both_walked
    again = driver(intake, "b").screen()  # David's link, after both are done
    assert again.id == "done"
    seen = "\n".join(screen_text(s) for s in [*screens["b"], again])
    pdf = PdfReader(io.BytesIO(own_agreement_pdf(intake.store, intake.case_id, intake.token("b"))))
    seen += "\n".join(page.extract_text() or "" for page in pdf.pages)
    for secret in (SECRET_NOTE, SECRET_FEAR, SECRET_PROPOSAL, "12 Hidden Lane", "555-0143", "3200", "afraid of David", "Alternate"):
        assert secret not in seen, secret


def test_coming_back_after_intake_goes_straight_to_the_end_with_the_download(both_walked: tuple[Intake, dict[str, list[h.Screen]]]) -> None:
    intake, _ = both_walked
    done = driver(intake, "a").screen()
    assert done.id == "done" and "agreement to mediate (PDF)" in done.subquestion_text


def test_a_bad_link_shows_a_plain_problem(tmp_path: Path) -> None:
    from docassemble.MediationAgreement.review import revoke_token

    intake = Intake(tmp_path)
    setup_server(intake)
    revoke_token(intake.store, intake.case_id, intake.opened.tokens["b"].token_id)
    revoked = driver(intake, "b").screen()
    assert revoked.id == "link problem" and "revoked" in revoked.subquestion_text
    cut = h.InterviewDriver(INTERVIEW, url_args={"case": intake.case_id}).screen()
    assert cut.id == "link problem" and "not complete" in cut.subquestion_text
    wrong = h.InterviewDriver(INTERVIEW, url_args={"case": intake.case_id, "token": intake.token("a")[:-2] + "xx"}).screen()
    assert wrong.id == "link problem"


def test_a_bad_phone_number_is_refused_on_its_own_field(tmp_path: Path) -> None:
    intake = Intake(tmp_path)
    setup_server(intake)
    d = driver(intake, "a")
    answers = answers_for("a", positive=False)
    walk(d, answers, until="contact")
    with pytest.raises(h.Rejected) as caught:
        d.answer({**answers["contact"], "contact.phone": "abc"})
    assert caught.value.field == "contact.phone" and "phone number" in caught.value.message
    with pytest.raises(h.Rejected) as caught:
        d.answer({**answers["contact"], "contact.street": "1 Main St", "contact.city": "", "contact.state": "", "contact.postal_code": ""})
    assert "whole address" in caught.value.message


def test_staff_opening_a_parents_intake_link_records_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docassemble.MediationAgreement.da_adapter import intake as adapter
    from docassemble.MediationAgreement.da_adapter import parent

    intake = Intake(tmp_path)
    setup_server(intake)
    monkeypatch.setattr(parent, "is_office_staff", lambda: True)
    monkeypatch.setattr(adapter, "staff_session", lambda: True)
    before = intake.store.events(intake.case_id)
    preview = driver(intake, "a").screen()
    assert preview.id == "staff preview" and "only the parent" in preview.subquestion_text.lower()
    assert intake.store.events(intake.case_id) == before


def test_intake_screens_read_at_grade_8_or_below(both_walked: tuple[Intake, dict[str, list[h.Screen]]]) -> None:
    pytest.importorskip("textstat")
    from .test_parent_review import grade

    _, screens = both_walked
    text = "\n".join(re.sub(r"<[^>]+>|[*_`#]|\$\{[^}]*\}", " ", screen_text(s)) for s in screens["a"])
    assert grade(text) <= 8.0, grade(text)


# --------------------------------------------------------------------------- the mediator's side


def test_the_mediator_opens_intake_follows_the_board_and_starts_the_agreement_from_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_server: Any) -> None:
    """Open for intake in the mediator's interview; Maria is e-mailed her link (the mediator recorded her
    consent), David is not; both parents use the links; the board has the flag; the agreement starts from
    the facts (nothing private), the safety screen says a screening was positive, and the first draft
    turns the same links into each parent's review (Maria, who then said e-mail is not safe, is not
    e-mailed again)."""
    from urllib.parse import parse_qs, urlsplit

    from docassemble.MediationAgreement import da_adapter
    from docassemble.MediationAgreement.notices import SmtpMailer

    from .test_interviews import case_data
    from .test_mediator_round import shown_links

    smtp = smtp_server
    monkeypatch.setattr(da_adapter.mail, "office_mailer", lambda: SmtpMailer(smtp.url, "office@example.org"))

    store_key = generate_key()
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    open_store(url, store_key).close()
    h.setup({"mediation agreement": {"store url": url, "store key": store_key}})
    da_adapter.server._LIBRARY_CACHE.clear()
    mediator = h.InterviewDriver("mediation_agreement.yml", roles=["advocate"])
    assert mediator.screen().id == "start"
    mediator.answer({"start_from": "intake"})
    assert mediator.screen().id == "intake setup"
    setup = {
        "intake_setup.office": "Maricopa County Child Support Mediation Program",
        "intake_setup.mediator_name": "Jordan Ellis",
        "intake_setup.court_state": "az",
        "intake_setup.a_full_name": "Maria Elena Lopez",
        "intake_setup.a_short_name": "Maria",
        "intake_setup.a_email": "maria@example.com",
        "intake_setup.a_send_by_email": True,
        "intake_setup.b_full_name": "David James Lopez",
        "intake_setup.b_short_name": "David",
    }
    with pytest.raises(h.Rejected) as caught:
        mediator.answer({**setup, "intake_setup.a_full_name": ""})
    assert caught.value.field == "intake_setup.a_full_name"
    mediator.answer(setup)
    board = mediator.screen()
    assert board.id == "issues board" and "not started" in board.subquestion_text
    assert "E-mailed Maria." in board.subquestion_text
    assert [r.recipients for r in smtp.mailbox.received] == [["maria@example.com"]]
    emailed = re.search(r"https?://\S+", smtp.mailbox.received[0].text).group(0)  # type: ignore[union-attr]
    assert parse_qs(urlsplit(emailed).query)["i"] == ["docassemble.MediationAgreement:data/questions/parent_intake.yml"]
    mediator.action("email_link", party="b")
    assert "David is not e-mailed" in mediator.screen().subquestion_text and len(smtp.mailbox.received) == 1
    links = shown_links(board)
    assert "mat_" not in repr(mediator.value("review_round"))  # shown once, never kept in the session
    assert all(parse_qs(urlsplit(u).query)["i"] == ["docassemble.MediationAgreement:data/questions/parent_intake.yml"] for u in links.values())

    def parent(party: str) -> h.InterviewDriver:
        query = parse_qs(urlsplit(links[party]).query)
        return h.InterviewDriver(INTERVIEW, url_args={"case": query["case"][0], "token": query["token"][0]})

    walk(parent("a"), answers_for("a", positive=True))
    walk(parent("b"), answers_for("b", positive=False))
    board = mediator.screen()
    text = board.subquestion_text
    assert "Private screening: positive" in text and "Do you ever feel afraid of David?" in text
    assert "Narwhal" in text and "Zanzibar" in text  # the mediator's board holds the proposals and the private note

    mediator.answer({"intake_board_reviewed": True})
    assert mediator.value("case.parent_a.full_name") == "Maria Elena Lopez"
    assert mediator.value("case.parent_a.address.confidential") is True
    assert [mediator.value(f"case.children[{n}].full_name") for n in (0, 1)] == ["Sofia Lopez", "Mateo Lopez"]
    data = case_data(ROOT / "examples/cases/joint-two-children.yml")
    answers = h.CaseFileAnswers(data, mediator, extra={})
    seen = []
    for _ in range(300):
        screen = mediator.screen()
        seen.append(screen)
        if screen.id == "draft":
            break
        mediator.answer(answers(screen))
    assert seen[-1].id == "draft"
    safety = next(s for s in seen if s.id == "safety screening")
    assert "private screening at intake was positive" in safety.subquestion_text
    mediator.action("send_draft")
    assert mediator.screen().id == "review round"
    # Each parent's intake link now leads to the draft, with the same token.
    ready = parent("b").screen()
    assert ready.id == "draft ready"
    review_url = re.search(r"\((\S+parent_review\.yml\S+)\)", ready.subquestion_text).group(1)  # type: ignore[union-attr]
    assert parse_qs(urlsplit(review_url).query)["token"] == parse_qs(urlsplit(links["b"]).query)["token"]
    # Maria's own intake left "it is safe to e-mail me" unchecked: from then on she is not e-mailed.
    assert "E-mailed" not in mediator.screen().subquestion_text and len(smtp.mailbox.received) == 1


# --------------------------------------------------------------------------- the command line


def test_the_command_line_opens_intake_prints_the_board_and_writes_the_prefill(tmp_path: Path) -> None:
    key = generate_key()
    env = {"MEDIATION_STORE_KEY": key, "MEDIATION_STORE_URL": f"sqlite:///{tmp_path / 'cases.db'}"}
    opened = run_cli("case", "intake", SETUP, env=env)
    assert opened.code == 0, opened.err
    case_id = re.search(r"opened case (\S+) for intake", opened.out).group(1)  # type: ignore[union-attr]
    tokens = re.findall(r"(mat_\S+)", opened.out)
    assert len(tokens) == 2
    store = open_store(env["MEDIATION_STORE_URL"], key)
    sign_agreement(store, case_id, tokens[0])
    submit_screening(store, case_id, tokens[0], MARIA_SCREENING)
    submit_intake(store, case_id, tokens[0], IntakeAnswers.model_validate(MARIA_ANSWERS))
    board = run_cli("case", "issues", case_id, env=env)
    assert board.code == 0, board.err
    assert "Maria: done" in board.out and "David: not started" in board.out and "SAFETY: a screening was positive" in board.out
    shown = run_cli("case", "show", case_id, env=env)
    assert "intake: Maria (Maria Elena Lopez) done; David (David James Lopez) 0 of 3 steps" in shown.out
    out = tmp_path / "case.yml"
    prefill = run_cli("case", "prefill", case_id, "--out", out, env=env)
    assert prefill.code == 0, prefill.err
    written = out.read_text()
    assert "Maria Elena Lopez" in written and SECRET_NOTE not in written and SECRET_FEAR not in written
    checked = run_cli("check", out)
    assert checked.code == 2 and f"{out}:" in checked.err and "decision_making" in checked.err
    again = run_cli("case", "prefill", case_id, "--out", out, env=env)
    assert again.code == 2 and "--force" in again.err
    pdf = tmp_path / "atm.pdf"
    assert run_cli("case", "agreement-to-mediate", case_id, "--parent", "a", "--out", pdf, env=env).code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    refused = run_cli("case", "agreement-to-mediate", case_id, "--parent", "b", "--out", tmp_path / "b.pdf", env=env)
    assert refused.code == 2 and "has not signed" in refused.err and not (tmp_path / "b.pdf").exists()
    log = run_cli("case", "log", case_id, env=env)
    assert "safety questions answered (private)" in log.out and "afraid" not in log.out and SECRET_NOTE not in log.out


def test_a_bad_setup_file_is_named_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "setup.yml"
    bad.write_text(SETUP.read_text().replace("  email: maria.lopez@example.com\n", "  email: not-an-address\n"))
    env = {"MEDIATION_STORE_KEY": generate_key(), "MEDIATION_STORE_URL": f"sqlite:///{tmp_path / 'cases.db'}"}
    result = run_cli("case", "intake", bad, env=env)
    assert result.code == 2 and "Traceback" not in result.err
    assert re.search(rf"{re.escape(str(bad))}:\d+: parent_a.email", result.err), result.err
    assert run_cli("case", "list", env=env).out.strip() == ""


def test_a_colleague_takes_over_a_stored_case_from_the_cases_list(tmp_path: Path) -> None:
    """Issue 16 part 4: a case lives in the store, not in one session; another staff member continues it."""
    from docassemble.MediationAgreement import da_adapter
    from docassemble.MediationAgreement.case.model import load_case

    intake = full_intake(tmp_path)
    setup_server(intake)
    da_adapter.server._LIBRARY_CACHE.clear()
    other = open_case(intake.store, load_case(ROOT / "examples/cases/joint-two-children.yml"))
    issue_draft(intake.store, other.case_id)

    parent_only = h.InterviewDriver("mediation_agreement.yml")
    assert [v for v, _label in parent_only.screen().buttons] == ["new", "upload"]  # no store, no intake without the staff privilege

    colleague = h.InterviewDriver("mediation_agreement.yml", roles=["advocate"])
    colleague.answer({"start_from": "stored"})
    listing = colleague.screen()
    assert listing.id == "stored case"
    offered = dict(listing.field("stored_case_id").choices)
    assert set(offered) == {intake.case_id, other.case_id}
    assert "intake: Maria" in offered[intake.case_id] and "draft 1" in offered[other.case_id]
    colleague.answer({"stored_case_id": intake.case_id})
    board = colleague.screen()
    assert board.id == "issues board" and "Private screening: positive" in board.subquestion_text

    again = h.InterviewDriver("mediation_agreement.yml", roles=["advocate"])
    again.answer({"start_from": "stored"})
    again.answer({"stored_case_id": other.case_id})
    assert again.value("case.parent_a.full_name") == "Elena Marisol Ortega"
    ids = []
    for _ in range(10):  # the answers are the current draft's: straight to the review screen, then the round
        screen = again.screen()
        ids.append(screen.id)
        if screen.id == "review round":
            break
        again.answer({})
    assert ids == ["review answers", "review round"], ids
    assert "draft 1" in screen.subquestion_text.lower()


# --------------------------------------------------------------------------- same, close, different; what both agree on


def entry(issue: str, **given: Any) -> Any:
    from docassemble.MediationAgreement.intake import IssueEntry

    return IssueEntry.model_validate({"issue": issue, "priority": 1, **given})


@pytest.mark.parametrize(
    ("issue", "a", "b", "status"),
    [
        ("decision_making", {"choice": "me"}, {"choice": "other"}, "same"),  # "I decide" and "the other parent decides": one answer
        ("decision_making", {"choice": "me"}, {"choice": "me"}, "different"),  # each wants to decide
        ("decision_making", {"choice": "joint"}, {"choice": "joint"}, "same"),
        ("exchanges", {"choice": "school"}, {"choice": "curbside", "proposal": "school is fine"}, "different"),  # choices decide
        ("parenting_time", {"proposal": "Week on, week off"}, {"proposal": "week on week off!"}, "same"),
        ("parenting_time", {"proposal": "Alternate weekends and Wednesday dinners"}, {"proposal": "Alternate weekends, Wednesday overnight"}, "close"),
        ("parenting_time", {"proposal": "Alternate weekends"}, {"proposal": "Two weeks each", "could_accept": "alternate weekends"}, "close"),
        ("parenting_time", {"proposal": "Alternate weekends"}, {"proposal": "Two weeks each"}, "different"),
        ("holidays", {}, {}, "not compared"),
    ],
)
def test_the_board_marks_each_issue_same_close_or_different(issue: str, a: dict[str, str], b: dict[str, str], status: str) -> None:
    from docassemble.MediationAgreement.intake import compare

    assert compare(issue, {"a": entry(issue, **a), "b": entry(issue, **b)})[0] == status
    assert compare(issue, {"a": entry(issue, **a)})[0] == "one parent"


def agreeing_intake(tmp_path: Path, *, positive: bool) -> Intake:
    intake = Intake(tmp_path)
    for party, choice in (("a", "me"), ("b", "other")):
        token = intake.token(party)
        sign_agreement(intake.store, intake.case_id, token)
        submit_screening(intake.store, intake.case_id, token, MARIA_SCREENING if positive and party == "a" else ScreeningAnswers())
        issues = [{"issue": "decision_making", "priority": 1, "choice": choice}, {"issue": "exchanges", "priority": 2, "choice": "school"}]
        submit_intake(intake.store, intake.case_id, token, IntakeAnswers.model_validate({"issues": issues}))
    return intake


def test_prefill_fills_in_what_both_parents_already_agree_on(tmp_path: Path) -> None:
    intake = agreeing_intake(tmp_path, positive=False)
    data = prefill_case_data(intake_record(intake.store, intake.case_id))
    assert data["decision_making"] == {"kind": "sole", "sole_parent": "a"}
    assert data["exchanges"] == {"method": "school"}


def test_after_a_positive_screen_nothing_agreed_is_filled_in(tmp_path: Path) -> None:
    intake = agreeing_intake(tmp_path, positive=True)
    data = prefill_case_data(intake_record(intake.store, intake.case_id))
    assert "decision_making" not in data and "exchanges" not in data
    board = issues_board(intake_record(intake.store, intake.case_id))
    assert [r.status for r in board.rows] == ["same", "same"]  # the board still says where they stand


def test_a_choice_the_issue_does_not_offer_is_refused_by_its_field(tmp_path: Path) -> None:
    intake = Intake(tmp_path)
    intake.agree("a")
    bad = IntakeAnswers.model_validate({"issues": [{"issue": "exchanges", "priority": 1, "choice": "helicopter"}]})
    with pytest.raises(CaseValidationError) as caught:
        submit_intake(intake.store, intake.case_id, intake.token("a"), bad)
    assert caught.value.problems[0].field_path == "issues[0].choice" and "school" in caught.value.problems[0].message


def test_the_board_as_json(tmp_path: Path) -> None:
    import json

    intake = agreeing_intake(tmp_path, positive=True)
    env = {"MEDIATION_STORE_KEY": intake.key, "MEDIATION_STORE_URL": intake.url}
    result = run_cli("case", "issues", intake.case_id, "--json", env=env)
    assert result.code == 0, result.err
    board = json.loads(result.out)
    assert board["safety"]["flag"] is True and board["safety"]["session_format"] == "separate_sessions"
    first = board["issues"][0]
    assert first["issue"] == "decision_making" and first["status"] == "same"
    assert first["agreed"] == {"decision_making.kind": "sole", "decision_making.sole_parent": "a"}
    assert first["parents"]["b"]["choice"] == "other"


def test_a_parent_picks_a_choice_on_their_phone_and_the_board_has_it(tmp_path: Path) -> None:
    intake = Intake(tmp_path)
    setup_server(intake)
    answers = answers_for("b", positive=False)
    answers["issues"] = {"chosen_issues": ["decision_making"]}

    def details(screen: h.Screen) -> dict[str, Any]:
        labels = dict(screen.field("issue_choice['decision_making']").choices)
        assert labels["other"] == "Maria decides, after telling me"  # the other parent by name
        return {"issue_importance['decision_making']": 1, "issue_choice['decision_making']": "joint", "issue_could_accept['decision_making']": "Maria decides school"}

    answers["issue details"] = details
    walk(driver(intake, "b"), answers)
    (mine,) = intake_record(intake.store, intake.case_id).parents["b"].answers.issues  # type: ignore[union-attr]
    assert (mine.choice, mine.could_accept, mine.proposal) == ("joint", "Maria decides school", None)


def test_the_hash_of_a_private_answer_cannot_be_matched_by_guessing_it(tmp_path: Path) -> None:
    """The executed PDF carries every event's payload hash; a private one is salted (issue 16's privacy rule):
    hashing the very answers given, or any other guess, does not find it."""
    import hashlib
    import itertools

    from docassemble.MediationAgreement.store import canonical_json

    intake = full_intake(tmp_path)
    events = {e.kind: e for e in intake.store.events(intake.case_id) if e.actor == "a"}
    screened = events["screening_submitted"]
    assert len(screened.payload["salt"]) == 32
    unsalted = {k: v for k, v in screened.payload.items() if k != "salt"}
    assert hashlib.sha256(canonical_json(unsalted)).hexdigest() != screened.payload_sha256
    flags = [i.id for i in instrument().items if i.flags][:6]
    guesses = (
        {"screening": {**unsalted["screening"], "answers": dict(zip(flags, combo, strict=True))}}
        for combo in itertools.product(("yes", "no", "prefer_not"), repeat=len(flags))
    )
    assert all(hashlib.sha256(canonical_json(g)).hexdigest() != screened.payload_sha256 for g in guesses)
    for kind in ("mediation_agreed", "intake_submitted"):
        assert len(events[kind].payload["salt"]) == 32


def test_the_executed_agreement_and_its_attached_record_hold_nothing_private(tmp_path: Path) -> None:
    """From intake to the sealed PDF the court receives: search its text and its attached record."""
    from pki import make_pki

    from docassemble.MediationAgreement.case.model import load_case
    from docassemble.MediationAgreement.review import approve, finalize, sign
    from docassemble.MediationAgreement.signing.signatures import SigningConfig

    intake = full_intake(tmp_path)
    paths = make_pki().write(tmp_path / "pki")
    case = load_case(ROOT / "examples/cases/joint-two-children.yml")
    version = issue_draft(intake.store, intake.case_id, case=case)
    names = {"a": case.parent_a.full_name, "b": case.parent_b.full_name}
    for party in ("a", "b"):
        approve(intake.store, intake.case_id, intake.token(party), draft=1)
    for party in ("a", "b"):
        capture = capture_signature(party, method="typed", typed_name=names[party], intent_confirmed=True, consent_text="I agree to sign electronically.")
        sign(intake.store, intake.case_id, capture, token=intake.token(party), draft=1, sha256=version.sha256)
    capture = capture_signature("mediator", method="typed", typed_name=case.mediator.full_name, intent_confirmed=True, consent_text="I agree to sign electronically.")
    sign(intake.store, intake.case_id, capture, token=None, draft=1)
    final, _ = finalize(intake.store, intake.case_id, config=SigningConfig.from_paths(paths["key"], paths["cert"]))
    reader = PdfReader(io.BytesIO(final.pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    attached = b"".join(b"".join(contents) for contents in reader.attachments.values()).decode("utf-8", "replace")
    assert "mediation-record.json" in reader.attachments and "screening_submitted" in attached  # the chain is whole
    for secret in (SECRET_NOTE, SECRET_FEAR, SECRET_PROPOSAL, "afraid", "12 Hidden Lane", "maria.private@example.com", "3200"):
        assert secret not in text and secret not in attached, secret
