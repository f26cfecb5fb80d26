"""A parent's review interview, driven by docassemble's engine against a real case store.

The mediator's side is the review-round engine itself (``open_case``,
``issue_draft``); each parent then opens their own link in
``parent_review.yml``: reads the draft, comments on a numbered part,
approves or asks for changes, and signs once both have approved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("docassemble.base")

from . import da_harness as h  # noqa: E402 - first: it stubs the NLTK download docassemble attempts at import

# isort: split

from docassemble.MediationAgreement.case.model import load_case  # noqa: E402
from docassemble.MediationAgreement.review import case_state, finalize, issue_draft, open_case, sign  # noqa: E402
from docassemble.MediationAgreement.signing.signatures import capture_signature  # noqa: E402
from docassemble.MediationAgreement.store import generate_key, open_store  # noqa: E402

from .conftest import EXAMPLES  # noqa: E402

pytestmark = pytest.mark.slow

INTERVIEW = "parent_review.yml"
Answers = dict[str, Any] | Callable[[h.Screen], dict[str, Any]]


class Round:
    """One case in a temporary store, with draft 1 issued and a link for each parent."""

    def __init__(self, tmp_path: Path, example: str = "joint-two-children.yml") -> None:
        self.key = generate_key()
        self.url = f"sqlite:///{tmp_path / 'cases.db'}"
        self.store = open_store(self.url, self.key)
        self.opened = open_case(self.store, load_case(EXAMPLES / example))
        issue_draft(self.store, self.opened.case_id)
        h.setup({"mediation agreement": {"store url": self.url, "store key": self.key}})

    def driver(self, party: str) -> h.InterviewDriver:
        return h.InterviewDriver(INTERVIEW, url_args={"case": self.opened.case_id, "token": self.opened.tokens[party].token})

    def state(self) -> Any:
        return case_state(self.store, self.opened.case_id)


def walk(driver: h.InterviewDriver, answers: dict[str, Answers], *, until: set[str], screens: list[h.Screen] | None = None) -> list[str]:
    ids = []
    for _ in range(40):
        screen = driver.screen()
        ids.append(screen.id)
        if screens is not None:
            screens.append(screen)
        if screen.id in until:
            return ids
        given = answers.get(screen.id, {})
        driver.answer(given(screen) if callable(given) else given)
    raise AssertionError(f"did not reach {until}: {ids}")


def comment_on(part: int, text: str, *, private: bool = False) -> Callable[[h.Screen], dict[str, Any]]:
    def answer(screen: h.Screen) -> dict[str, Any]:
        variable = next(v for v in screen.variables if v.endswith(".section"))
        prefix = variable.rsplit(".", 1)[0]
        return {variable: screen.choices(variable)[part], f"{prefix}.text": text, f"{prefix}.private": private}

    return answer


NO_COMMENTS = {"any comments": {"parent_comments.there_are_any": False}}
APPROVE = {"decision": {"decision": "approve"}}


@pytest.fixture(autouse=True)
def reset_config() -> Any:
    yield
    h.setup()


def test_parents_comment_approve_and_sign_in_order(tmp_path: Path) -> None:
    review = Round(tmp_path)
    a = review.driver("a")
    ids_a = walk(
        a,
        {
            "any comments": {"parent_comments.there_are_any": True},
            "comment": comment_on(3, "Could exchanges be at 5 p.m. on Sundays?"),
            "another comment": {"parent_comments.there_is_another": False},
            **APPROVE,
        },
        until={"waiting for the other parent"},
    )
    assert ids_a == ["welcome", "read the draft", "any comments", "comment", "another comment", "decision", "waiting for the other parent"]
    assert a.screen().id == "waiting for the other parent"  # still waiting: B has not approved

    b = review.driver("b")
    ids_b = walk(
        b,
        {**NO_COMMENTS, **APPROVE, "sign intent": {"sign_intent": True, "sign_method": "typed"}, "typed signature": {"typed_signature": "Daniel James Ortega"}},
        until={"signed"},
    )
    assert ids_b == ["welcome", "read the draft", "any comments", "decision", "sign intent", "typed signature", "signed"]

    ids_a2 = walk(a, {"sign intent": {"sign_intent": True, "sign_method": "typed"}, "typed signature": {"typed_signature": "Elena Marisol Ortega"}}, until={"signed"})
    assert ids_a2 == ["sign intent", "typed signature", "signed"]

    state = review.state()
    assert state.approved_by == ["a", "b"]
    assert set(state.signatures) == {"a", "b"}
    assert [c.text for c in state.comments] == ["Could exchanges be at 5 p.m. on Sundays?"]
    assert state.next_step().endswith("waiting for the mediator's signature")


def test_a_parent_cannot_sign_before_both_approve(tmp_path: Path) -> None:
    review = Round(tmp_path)
    a = review.driver("a")
    walk(a, {**NO_COMMENTS, **APPROVE}, until={"waiting for the other parent"})
    for _ in range(2):
        assert a.screen().id == "waiting for the other parent"
    assert "a" not in review.state().signatures


def test_asking_for_changes_ends_the_round_for_that_parent(tmp_path: Path) -> None:
    review = Round(tmp_path)
    b = review.driver("b")
    ids = walk(b, {**NO_COMMENTS, "decision": {"decision": "changes"}, "changes reason": {"changes_reason": "Please add the children's spring concert."}}, until={"changes sent"})
    assert ids == ["welcome", "read the draft", "any comments", "decision", "changes reason", "changes sent"]
    decision = review.state().decisions["b"]
    assert not decision.approved and "spring concert" in (decision.reason or "")


def test_private_comment_is_not_shown_to_the_other_parent(tmp_path: Path) -> None:
    from docassemble.MediationAgreement.review import state_for_token

    review = Round(tmp_path)
    a = review.driver("a")
    walk(
        a,
        {"any comments": {"parent_comments.there_are_any": True}, "comment": comment_on(0, "I do not feel safe at exchanges.", private=True), "another comment": {"parent_comments.there_is_another": False}},
        until={"decision"},
    )
    assert [c.text for c in review.state().comments] == ["I do not feel safe at exchanges."]
    assert state_for_token(review.store, review.opened.case_id, review.opened.tokens["b"].token).comments == ()


def test_an_empty_comment_is_refused_with_the_engines_message_on_the_field(tmp_path: Path) -> None:
    review = Round(tmp_path)
    a = review.driver("a")
    walk(a, {"any comments": {"parent_comments.there_are_any": True}}, until={"comment"})
    screen = a.screen()
    answer = comment_on(0, " ")(screen)
    with pytest.raises(h.Rejected) as caught:
        a.answer(answer)
    assert "empty" in caught.value.message
    assert caught.value.field == "parent_comments[0].text"


def test_a_typed_signature_must_be_the_parents_own_name(tmp_path: Path) -> None:
    """Issue 13: the father's link typing the mother's name (or "Mickey Mouse") is refused on the field, in plain words."""
    review = Round(tmp_path)
    walk(review.driver("a"), {**NO_COMMENTS, **APPROVE}, until={"waiting for the other parent"})
    b = review.driver("b")
    walk(b, {**NO_COMMENTS, **APPROVE, "sign intent": {"sign_intent": True, "sign_method": "typed"}}, until={"typed signature"})
    for wrong in ("Elena Marisol Ortega", "Mickey Mouse"):
        with pytest.raises(h.Rejected) as caught:
            b.answer({"typed_signature": wrong})
        assert caught.value.message == "Type your full name exactly as it appears in the agreement: Daniel James Ortega"
        assert caught.value.field == "typed_signature"
    assert review.state().signatures == {}
    b.answer({"typed_signature": "daniel  james ORTEGA"})
    assert b.screen().id == "signed"
    assert review.state().signatures["b"].method == "typed"


def test_drawn_signature_is_recorded(tmp_path: Path) -> None:
    pytest.importorskip("PIL")
    from .signing_fixtures import signature_png

    review = Round(tmp_path)
    walk(review.driver("b"), {**NO_COMMENTS, **APPROVE}, until={"waiting for the other parent"})
    a = review.driver("a")
    walk(a, {**NO_COMMENTS, **APPROVE, "sign intent": {"sign_intent": True, "sign_method": "drawn"}}, until={"drawn signature"})
    a.answer({"drawn_signature": a.signature("drawn_signature", signature_png())})
    assert a.screen().id == "signed"
    assert review.state().signatures["a"].method == "drawn"


def test_a_bad_or_missing_link_gets_a_plain_message(tmp_path: Path) -> None:
    review = Round(tmp_path)
    driver = h.InterviewDriver(INTERVIEW, url_args={"case": review.opened.case_id, "token": "mat_not-a-real-token"})
    screen = driver.screen()
    assert screen.id == "link problem"
    assert "not valid" in screen.subquestion_text
    assert h.InterviewDriver(INTERVIEW, url_args={}).screen().id == "link problem"


def exchanges_at_five() -> Any:
    """The example, revised: exchanges at 5 p.m. (what a parent asked for)."""
    case = load_case(EXAMPLES / "joint-two-children.yml")
    return case.model_copy(update={"parenting_time": case.parenting_time.model_copy(update={"exchange_time": time(17, 0)})})


def both_sign(review: Round) -> None:
    typed = {"sign intent": {"sign_intent": True, "sign_method": "typed"}}
    b = review.driver("b")
    walk(b, {**NO_COMMENTS, **APPROVE}, until={"waiting for the other parent"})
    walk(review.driver("a"), {**NO_COMMENTS, **APPROVE, **typed, "typed signature": {"typed_signature": "Elena Marisol Ortega"}}, until={"signed"})
    walk(b, {**typed, "typed signature": {"typed_signature": "Daniel James Ortega"}}, until={"signed"})


def mediator_signs_and_seals(review: Round) -> bytes:
    mediator = capture_signature("mediator", method="typed", typed_name="Dana Whitfield", intent_confirmed=True, consent_text="I sign as the mediator.")
    sign(review.store, review.opened.case_id, mediator, token=None, draft=1)
    final, _ = finalize(review.store, review.opened.case_id, config=object(), build=lambda *a: b"%PDF-1.7 sealed agreement\n%%EOF\n")
    return final.pdf


def test_a_signed_parent_returning_with_the_link_sees_it_is_signed_then_gets_the_final_copy(tmp_path: Path) -> None:
    review = Round(tmp_path)
    both_sign(review)

    returning = review.driver("a")  # a new session with the same link, spent by signing
    screen = returning.screen()
    assert screen.id == "signed", screen.subquestion_text
    assert "Check again" in [label for _value, label in screen.buttons]

    executed = mediator_signs_and_seals(review)
    returning.answer({})  # Check again
    final = returning.screen()
    assert final.id == "final"
    assert "Download the signed agreement (PDF)" in final.subquestion_text
    assert returning.file_path("executed_pdf").read_bytes() == executed
    # The other parent's link, in a session of its own, offers the same file.
    other = review.driver("b")
    assert other.screen().id == "final"
    assert other.file_path("executed_pdf").read_bytes() == executed


def test_a_new_draft_starts_the_parents_review_again_in_the_same_session(tmp_path: Path) -> None:
    review = Round(tmp_path)
    a = review.driver("a")
    walk(a, {**NO_COMMENTS, "decision": {"decision": "changes"}, "changes reason": {"changes_reason": "Exchanges at 5 p.m., please."}}, until={"changes sent"})
    issue_draft(review.store, review.opened.case_id, case=exchanges_at_five())

    ids = walk(a, {**NO_COMMENTS, **APPROVE}, until={"waiting for the other parent"})
    assert ids == ["welcome", "read the draft", "any comments", "decision", "waiting for the other parent"]
    assert a.value("parent_link.draft") == 2
    assert review.state().approved_by == ["a"]


def test_from_draft_2_the_parent_first_sees_what_changed(tmp_path: Path) -> None:
    """Issue 13, defect 3: the changes since the last draft, word by word, with the comments they answer; no private notes."""
    review = Round(tmp_path)
    a = review.driver("a")
    walk(a, {"any comments": {"parent_comments.there_are_any": True}, "comment": comment_on(0, "Exchanges at 5 p.m., please.")}, until={"another comment"})
    a.answer({"parent_comments.there_is_another": True})
    a.answer(comment_on(0, "A note for the mediator only.", private=True)(a.screen()))
    walk(a, {"another comment": {"parent_comments.there_is_another": False}, "decision": {"decision": "changes"}, "changes reason": {"changes_reason": "See my comment."}}, until={"changes sent"})
    first: list[h.Screen] = []
    walk(review.driver("b"), {}, until={"read the draft"}, screens=first)
    assert "What changed" not in first[-1].subquestion_text  # draft 1 has nothing to compare with

    issue_draft(review.store, review.opened.case_id, case=exchanges_at_five())
    for party in ("a", "b"):
        screens: list[h.Screen] = []
        walk(review.driver(party), {}, until={"read the draft"}, screens=screens)
        text = screens[-1].subquestion_text
        assert "What changed since draft 1" in text
        assert "<ins>5:00</ins>" in text.replace(" p.m.", "") or "<ins>5:00 p.m." in text, text[:2000]
        assert "<del>6:00" in text
        assert "Exchanges at 5 p.m., please." in text
        assert "A note for the mediator only." not in text
        assert "sha256" not in text.lower() and "SHA-256" not in text
        assert text.index("What changed") < text.index("mediation-agreement-preview")


def test_a_link_used_to_sign_an_earlier_draft_says_to_ask_for_a_new_one(tmp_path: Path) -> None:
    review = Round(tmp_path)
    both_sign(review)
    issue_draft(review.store, review.opened.case_id, case=exchanges_at_five())
    screen = review.driver("a").screen()
    assert screen.id == "link problem"
    assert "new draft (2)" in screen.subquestion_text and "new link" in screen.subquestion_text


# --------------------------------------------------------------------------- plain language, phones, labels


def visible_text(screen: h.Screen) -> str:
    """What a parent reads on a screen, without the agreement itself or the office's consent text."""
    parts = [screen.question_text, screen.subquestion_text]
    parts += [f.label or "" for f in screen.fields] + [f.help or "" for f in screen.fields]
    parts += [label for f in screen.fields for _value, label in f.choices if not re.match(r"^\d+\.\d+ ", label)]
    parts += [label for _value, label in screen.buttons]
    text = "\n".join(p for p in parts if p)
    text = re.sub(r'<div class="mediation-agreement-preview">.*?</div>\s*$', "", text, flags=re.DOTALL)
    text = re.sub(r'<div class="signing-consent">.*?</div>', "", text, flags=re.DOTALL)  # the office's own consent words
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # markdown links
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"[*_`#]", "", text)


def grade(text: str) -> float:
    """Flesch-Kincaid grade with textstat.

    textstat counts English syllables with NLTK's CMU dictionary, a download
    this offline machine cannot make; without it textstat falls back, word by
    word, to its own hyphenation-based count (pyphen), which is what is used
    then.
    """
    import nltk
    import textstat
    from textstat.backend.counts import _count_syllables

    try:
        nltk.data.find("corpora/cmudict")
    except LookupError:
        _count_syllables.get_cmudict = lambda lang: None  # type: ignore[assignment]
    return float(textstat.flesch_kincaid_grade(text))


def all_parent_screens(tmp_path: Path) -> list[h.Screen]:
    review = Round(tmp_path)
    screens: list[h.Screen] = []
    b = review.driver("b")
    walk(b, {**NO_COMMENTS, **APPROVE}, until={"waiting for the other parent"}, screens=screens)
    walk(
        review.driver("a"),
        {
            "any comments": {"parent_comments.there_are_any": True},
            "comment": comment_on(1, "A question about holidays."),
            "another comment": {"parent_comments.there_is_another": False},
            **APPROVE,
            "sign intent": {"sign_intent": True, "sign_method": "typed"},
            "typed signature": {"typed_signature": "Elena Marisol Ortega"},
        },
        until={"signed"},
        screens=screens,
    )
    walk(b, {"sign intent": {"sign_intent": True, "sign_method": "typed"}, "typed signature": {"typed_signature": "Daniel James Ortega"}}, until={"signed"})
    mediator_signs_and_seals(review)
    screens.append(review.driver("a").screen())  # the final copy
    screens.append(h.InterviewDriver(INTERVIEW, url_args={}).screen())
    return screens


def test_parent_screens_read_at_grade_8_or_below(tmp_path: Path) -> None:
    pytest.importorskip("textstat")
    screens = all_parent_screens(tmp_path)
    seen = {s.id for s in screens}
    assert {"welcome", "read the draft", "comment", "decision", "waiting for the other parent", "sign intent", "typed signature", "signed", "final", "link problem"} <= seen
    combined = "\n".join(visible_text(s) for s in screens)
    assert grade(combined) <= 8.0, combined
    for screen in screens:
        text = visible_text(screen)
        if len(text.split()) >= 15:  # a grade for a handful of words means little
            assert grade(text) <= 8.5, f"{screen.id}: grade {grade(text)}: {text}"


def test_every_input_has_a_label_a_phone_can_show(tmp_path: Path) -> None:
    """Accessible names: every field has a visible label (no 'no label'), short enough for a phone."""
    checked = 0
    for screen in all_parent_screens(tmp_path):
        if screen.question_type not in ("fields",):
            continue  # buttons, continue buttons and the signature pad carry their own text
        for f in screen.fields:
            label = (f.label or "").strip()
            assert label and label.lower() != "no label", f"{screen.id}: {f.variable} has no label"
            assert len(label) <= 60, f"{screen.id}: label too long for a phone: {label}"
            checked += 1
    assert checked >= 6
