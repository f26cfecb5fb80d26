"""The interviews, driven by docassemble's own engine (see tests/da_harness.py).

Every interview file parses with docassemble's parser; each example case is
answered screen by screen from its case file, through docassemble's
``Interview.assemble``, to the draft screen; the question ids on the way are
asserted; the agreement made inside the interview is the CLI's agreement,
word for word.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("docassemble.base")

from . import da_harness as h  # noqa: E402 - first: it stubs the NLTK download docassemble attempts at import

# isort: split

from docassemble.MediationAgreement import da_adapter  # noqa: E402
from docassemble.MediationAgreement.assembly.assemble import (  # noqa: E402
    assemble_agreement,
    choose_alternative,
)
from docassemble.MediationAgreement.assembly.document import to_plain_text  # noqa: E402
from docassemble.MediationAgreement.case import fields as case_fields  # noqa: E402
from docassemble.MediationAgreement.case.model import (  # noqa: E402
    Case,
    case_from_data,
    dump_case,
    load_case,
)
from docassemble.MediationAgreement.errors import CaseValidationError, MediationError  # noqa: E402
from docassemble.MediationAgreement.library.clauses import default_library_dir, load_library  # noqa: E402
from docassemble.MediationAgreement.library.templating import case_context  # noqa: E402

from .conftest import EXAMPLES, ROOT, example_cases, run_cli  # noqa: E402

pytestmark = pytest.mark.slow

INTERVIEWS = ROOT / "interviews"
MAIN = "mediation_agreement.yml"


@pytest.fixture(autouse=True)
def harness() -> None:
    h.setup()
    da_adapter.server._LIBRARY_CACHE.clear()


def case_data(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def drive(path: Path, *, extra: dict[str, dict[str, Any]] | None = None, driver: h.InterviewDriver | None = None) -> tuple[h.InterviewDriver, list[str], list[h.Screen]]:
    """Answer the mediator interview from the case file at ``path`` until the draft screen."""
    driver = driver or h.InterviewDriver(MAIN)
    answers = h.CaseFileAnswers(case_data(path), driver, extra={"start": {"start_from": "new"}, **(extra or {})})
    screens: list[h.Screen] = []
    for _ in range(300):
        screen = driver.screen()
        screens.append(screen)
        if screen.id == "draft":
            return driver, [s.id for s in screens], screens
        driver.answer(answers(screen))
    raise AssertionError(f"no draft screen: {[s.id for s in screens][-10:]}")


# --------------------------------------------------------------------------- parsing and shape


@pytest.mark.parametrize("name", sorted(p.name for p in INTERVIEWS.glob("*.yml")))
def test_every_interview_file_parses_with_docassembles_parser(name: str) -> None:
    """Each file on its own (an included file too), as the server loads it: a bad block raises DASourceError."""
    from docassemble.base import parse, thread_context

    with thread_context.global_context(thread_context.empty_globals()):
        interview = parse.Interview(source=parse.interview_source_from_string(f"{h.PACKAGE}:data/questions/{name}"))
    assert interview.questions_list
    ids = [q.id for q in interview.questions_list if getattr(q, "id", None)]
    assert len(ids) == len(set(ids)), f"duplicate ids in {name}"


@pytest.mark.parametrize("path", sorted(INTERVIEWS.glob("*.yml")), ids=lambda p: p.name)
def test_interview_files_are_short(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) < 300


TOP_LEVEL = {"mediation_agreement.yml": "staff", "parent_review.yml": "parent", "parent_intake.yml": "parent", "parent_checkin.yml": "parent"}
A11Y = "docassemble.MediationAgreement:a11y.js"
KEEP_ANSWERS = "docassemble.MediationAgreement:keep_answers.js"


def interview_blocks(name: str) -> list[dict[str, Any]]:
    return [block for block in yaml.safe_load_all((INTERVIEWS / name).read_text(encoding="utf-8")) if isinstance(block, dict)]


@pytest.mark.parametrize("name", sorted(TOP_LEVEL))
def test_each_interview_follows_docassembles_conventions(name: str) -> None:
    """Metadata (what, who, when, tags, languages), who may open it, and the accessibility script on every screen."""
    blocks = interview_blocks(name)
    (metadata,) = [b["metadata"] for b in blocks if "metadata" in b]
    for key in ("title", "short title", "description", "authors", "revision_date", "tags", "languages"):
        assert metadata.get(key), f"{name}: metadata has no {key}"
    assert metadata["languages"][0] == "en" and str(metadata["revision_date"]) >= "2026-12-04"
    included = [b for inc in (x for b in blocks for x in b.get("include", [])) for b in interview_blocks(inc)]
    for other in metadata["languages"][1:]:  # a language listed has its own screens (docassemble's `language:` blocks)
        assert any(b.get("language") == other and b.get("question") for b in blocks + included), f"{name}: no screens in {other}"
    features = {k: v for b in blocks if "features" in b for k, v in b["features"].items()}
    scripts = features.get("javascript")
    assert (scripts if isinstance(scripts, list) else [scripts])[0] == A11Y
    if TOP_LEVEL[name] == "staff":
        assert scripts == [A11Y, KEEP_ANSWERS]  # Back keeps the answers given after the screen gone back to (issue 13)
        assert metadata["required privileges"] == ["admin", "advocate"] and not metadata.get("unlisted")
        assert features.get("navigation") is True and features.get("progress bar") is True
        (sections,) = [b["sections"] for b in blocks if "sections" in b]
        section_ids = [next(iter(s)) for s in sections]
        order = next(b["code"] for b in blocks if b.get("id") == "interview order")
        set_in_order = re.findall(r"nav\.set_section\('(\w+)'\)", order)
        assert set_in_order == section_ids[1:], "the interview order moves through every section, in order"
        progress = [int(p) for p in re.findall(r"set_progress\((\d+)\)", order)]
        assert progress == sorted(progress) and progress[-1] == 100
    else:
        assert metadata.get("unlisted") is True and "required privileges" not in metadata  # a parent comes by link, signed out


def test_the_accessibility_script_ships_with_the_package() -> None:
    script = h.resolve_package_file(A11Y.replace(":", ":data/static/"), folder="static", package=None)
    text = script.read_text(encoding="utf-8")
    assert "daPageLoad" in text and "aria-required" in text and "radiogroup" in text
    kept = h.resolve_package_file(KEEP_ANSWERS.replace(":", ":data/static/"), folder="static", package=None).read_text(encoding="utf-8")
    assert "sessionStorage" in kept and "localStorage" not in kept  # answers stay in the tab, gone when it closes


def test_interviews_are_installed_as_package_data() -> None:
    assert h.resolve_package_file(f"{h.PACKAGE}:data/questions/{MAIN}", folder="questions", package=None).is_file()


# --------------------------------------------------------------------------- the examples, start to finish

INTAKE = ["start", "office", "mediator"] + ["parent name", "parent contact", "parent address", "parent counsel"] * 2 + ["court"]


def items(first: str, another: str, count: int, *, ask_any: str | None = None) -> list[str]:
    """A list gathered one item per screen: [any?] item, another?, item, another?..."""
    sequence = [ask_any] if ask_any else []
    return sequence + [first, another] * count if count else sequence


GUIDELINE_STATES = {"WI", "WA", "NY"}
"""States with a guideline file in guidelines/ (the interview offers to compute the amount there)."""


def expected_sequence(path: Path) -> list[str]:
    """The question ids the mediator sees for this case, written out from its data."""
    data = case_data(path)
    pt = data["parenting_time"]
    safety = data.get("safety", {})
    finding = safety.get("domestic_violence") or safety.get("child_abuse") or "protective_order" in safety
    return [
        *INTAKE,
        *items("child", "another child", len(data["children"])),
        "safety privacy",
        "safety screening",
        *(["protective order"] if "protective_order" in safety else []),
        *(["safety finding"] * sum(kind in safety for kind in ("domestic_violence", "child_abuse"))),
        *(["safety plan"] if finding else []),
        "decision making",
        "schedule pattern",
        *(["visit weeks", *items("visit", "another visit", len(pt["pattern"].get("visits", [])))] if pt["pattern"]["kind"] == "visits"
          else ["weekends", "midweek"] if "weekend" in pt["pattern"]["kind"] else ["midweek"]),
        "exchange timing",
        *items("school year", "another school year", len(pt.get("school_years", [])), ask_any="any school years"),
        "summer",
        *items("summer block", "another summer block", len(pt.get("summer", {}).get("blocks", [])), ask_any="any summer blocks"),
        *items("one-time change", "another one-time change", len(pt.get("one_off_changes", [])), ask_any="any one-time changes"),
        "supervision and distance",
        *(["supervision terms", *items("supervision step", "another supervision step", len((pt.get("supervision") or {}).get("steps", [])), ask_any="any supervision steps")] if pt.get("supervised") else []),
        "holiday list",
        *items("holiday", "another holiday", len(pt.get("holidays", [])), ask_any="any holidays"),
        "exchanges",
        "any child support",
        *(["support guideline"] if data.get("child_support") and data["court"]["state"] in GUIDELINE_STATES else []),
        *(["support figures", "support worksheet"] if (data.get("child_support") or {}).get("guideline") else []),
        *(["child support"] if data.get("child_support") else []),
        *(["child support agency"] if data.get("child_support") and data["court"].get("iv_d") else []),
        *(["health costs", "other costs", "tax dependency"] if data.get("child_support") else []),
        "moves and travel",
        "upbringing",
        "communication",
        "dispute resolution",
        "additional terms",
        "review answers",
        "draft",
    ]


@pytest.fixture(scope="module", params=example_cases(), ids=lambda p: p.stem)
def example_run(request: pytest.FixtureRequest) -> tuple[Path, h.InterviewDriver, list[str], list[h.Screen]]:
    h.setup()
    da_adapter.server._LIBRARY_CACHE.clear()
    driver, ids, screens = drive(request.param)
    return request.param, driver, ids, screens


def test_example_goes_through_the_expected_screens(example_run: tuple[Path, h.InterviewDriver, list[str], list[h.Screen]]) -> None:
    path, _driver, ids, _screens = example_run
    assert ids == expected_sequence(path)


def test_the_joint_example_sequence_written_out() -> None:
    """One sequence spelled out in full, so a reader sees the flow without the helper."""
    ids = expected_sequence(EXAMPLES / "joint-two-children.yml")
    assert ids[:18] == [
        "start", "office", "mediator",
        "parent name", "parent contact", "parent address", "parent counsel",
        "parent name", "parent contact", "parent address", "parent counsel",
        "court", "child", "another child", "child", "another child",
        "safety privacy", "safety screening",
    ]
    assert ids[-3:] == ["additional terms", "review answers", "draft"]


def test_review_screen_lists_every_section_with_an_edit_button(example_run: tuple[Path, h.InterviewDriver, list[str], list[h.Screen]]) -> None:
    path, _driver, _ids, screens = example_run
    review = next(s for s in screens if s.id == "review answers")
    assert review.question_type == "review"
    data = case_data(path)
    text = "\n".join(review.review_items)
    for value in (data["parent_a"]["full_name"], data["parent_b"]["full_name"], data["children"][0]["full_name"], data["court"]["name"], data["mediator"]["full_name"]):
        assert value in text
    actions = [getattr(f, "action", None) for f in review.status.question.fields]
    assert sum(1 for a in actions if a) >= 18


INTERNAL_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|: [ab]\b|\bIv d\b|\bParent [ab] percent\b")


def test_review_screen_speaks_in_the_interviews_words(example_run: tuple[Path, h.InterviewDriver, list[str], list[h.Screen]]) -> None:
    """Labels and chosen options in words, parents by name: no ``split_by_child``, ``Payer: b`` or ``Iv d: yes`` (issue 13)."""
    path, _driver, _ids, screens = example_run
    review = next(s for s in screens if s.id == "review answers")
    data = case_data(path)
    text = "\n".join(review.review_items)
    found = sorted({m.group(0) for m in INTERNAL_CODE.finditer(text)} - {"e_mail"})
    codes = [f for f in found if not any(f in str(v) for v in _leaf_strings(data))]
    assert codes == [], f"{path.name}: internal codes on the review screen: {codes}"
    assert "Parent who pays" in text or "child_support" not in data


def _leaf_strings(value: Any) -> list[str]:
    """Every free-text answer in a case file (a code that is also an answer, like an e-mail address, is fine)."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _leaf_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _leaf_strings(v)]
    return [str(value)] if isinstance(value, str) and (" " in value or "@" in value or "/" in value) else []


def test_agreement_in_the_interview_is_the_clis_agreement(example_run: tuple[Path, h.InterviewDriver, list[str], list[h.Screen]]) -> None:
    path, driver, _ids, _screens = example_run
    inside = to_plain_text(driver.value("agreement"))
    assert inside == to_plain_text(assemble_agreement(load_case(path)))


def test_agreement_matches_the_cli_output_file(example_run: tuple[Path, h.InterviewDriver, list[str], list[h.Screen]], tmp_path: Path) -> None:
    path, driver, _ids, _screens = example_run
    result = run_cli("assemble", path, "--out", tmp_path, "--format", "txt")
    assert result.code == 0, result.err
    assert to_plain_text(driver.value("agreement")) == (tmp_path / "agreement.txt").read_text(encoding="utf-8")


def test_answers_become_the_same_case_as_the_file(example_run: tuple[Path, h.InterviewDriver, list[str], list[h.Screen]]) -> None:
    path, driver, _ids, _screens = example_run
    from_interview = case_from_data(da_adapter.answers_to_data(driver.value("case")))
    assert dump_case(from_interview) == dump_case(load_case(path))


def test_draft_screen_shows_the_html_and_offers_pdf_docx_and_case_file(example_run: tuple[Path, h.InterviewDriver, list[str], list[h.Screen]], tmp_path: Path) -> None:
    path, driver, _ids, screens = example_run
    draft = screens[-1]
    html = driver.html(draft)
    assert html.count('<article class="agreement"') == 1 and html.count("</article>") == 1
    assert "<style>" in html and "<p>.agreement" not in html  # the stylesheet survives Markdown
    assert "agreement.pdf" in draft.subquestion_text and "agreement.docx" in draft.subquestion_text and "case.yml" in draft.subquestion_text
    assert driver.file_path("agreement_files['pdf']").read_bytes().startswith(b"%PDF")
    assert driver.file_path("agreement_files['docx']").read_bytes().startswith(b"PK")
    # The same files as docassemble's own attachment (`manual:`), so its download and e-mail controls offer them.
    (attachment,) = draft.attachments
    assert attachment["valid_formats"] == ["pdf", "docx"] and attachment["filename"] == "agreement"
    assert attachment["file"] == {ext: driver.value(f"agreement_files[{ext!r}].number") for ext in ("pdf", "docx")}
    saved = driver.file_path("case_file")
    copy = tmp_path / "case.yml"
    shutil.copyfile(saved, copy)
    assert dump_case(load_case(copy)) == dump_case(load_case(path))  # the CLI reads the interview's case file


# --------------------------------------------------------------------------- safety


def test_safety_example_is_never_offered_an_excluded_choice() -> None:
    """Every choice offered on the way is one the library and the case model allow for this case."""
    path = EXAMPLES / "safety-sole-supervised.yml"
    _driver, ids, screens = drive(path)
    final = load_case(path)
    library = load_library(None)
    selects = {c.select: c for c in library.ordered() if c.select}
    checked = 0
    for screen in screens:
        for f in screen.fields:
            if not f.variable or not f.variable.startswith("case.") or f.hidden:
                continue
            field_path = f.variable[len("case."):]
            clause = selects.get(f"case.{field_path}")
            if clause is None:
                continue
            for value, _label in f.choices:
                candidate = case_fields.with_value(dump_case(final), field_path, value)
                try:
                    case = case_from_data(candidate)
                except CaseValidationError as exc:
                    # A choice that needs another answer of the same screen (school exchanges
                    # after a finding need a place and a third party) is a fair offer.
                    on_screen = {v.variable[len("case."):] for v in screen.fields if v.variable and not v.hidden}
                    others = [p.field_path for p in exc.problems if p.field_path != field_path]
                    if len(others) == len(exc.problems) and set(others) <= on_screen:
                        continue
                    raise AssertionError(f"{screen.id}: offered {field_path}={value!r}, which the case model refuses: {exc}") from None
                assert choose_alternative(clause, case, case_context(case)) == value, f"{screen.id}: offered {field_path}={value!r}, which the library conditions out"
                checked += 1
    assert checked >= 5
    decision = next(s for s in screens if s.id == "decision making")
    assert "joint" not in decision.choices("case.decision_making.kind")
    disputes = next(s for s in screens if s.id == "dispute resolution")
    assert "mediation" not in disputes.choices("case.dispute_resolution.method")
    moves = next(s for s in screens if s.id == "moves and travel")
    assert "case.provisions.right_of_first_refusal" in moves.hidden_variables
    assert "safety plan" in ids


def test_without_a_finding_the_joint_and_face_to_face_choices_are_offered() -> None:
    _driver, _ids, screens = drive(EXAMPLES / "joint-two-children.yml")
    decision = next(s for s in screens if s.id == "decision making")
    assert "joint" in decision.choices("case.decision_making.kind")
    moves = next(s for s in screens if s.id == "moves and travel")
    assert "case.provisions.right_of_first_refusal" in moves.variables
    assert "safety plan" not in [s.id for s in screens]


def test_safety_section_warns_to_fill_it_in_private() -> None:
    driver = h.InterviewDriver(MAIN)
    answers = h.CaseFileAnswers(case_data(EXAMPLES / "safety-sole-supervised.yml"), driver, extra={"start": {"start_from": "new"}})
    ids = driver.run(answers, until=lambda s: s.id == "safety privacy")
    assert ids[-1] == "safety privacy"
    assert "in private" in driver.screen().subquestion_text


@pytest.mark.parametrize(("court", "zone"), [
    ({"name": "Superior Court of Washington", "county": "King", "state": "WA"}, "America/Los_Angeles"),
    ({"name": "District Court of Travis County", "county": "Travis", "state": "TX"}, ""),
    ({"name": "Circuit Court", "county": "Escambia", "state": "FL"}, ""),
])
def test_the_time_zone_question_starts_from_the_courts_state(court: dict[str, Any], zone: str) -> None:
    """Issue 13, defect 7: no America/Phoenix outside Arizona; a state in two zones leaves it for the mediator."""
    driver = h.InterviewDriver(MAIN)
    data = case_data(EXAMPLES / "joint-two-children.yml")
    data["court"] = {**data["court"], **court}
    answers = h.CaseFileAnswers(data, driver, extra={"start": {"start_from": "new"}})
    driver.run(answers, until=lambda s: s.id == "exchange timing")
    assert driver.value("family_time_zone(case)") == zone


# --------------------------------------------------------------------------- validation, review, resume


def test_screens_name_the_parents_instead_of_parent_a_and_b() -> None:
    """Issue 13, defect 9: "Costs insurance does not pay, Elena Marisol Ortega (%)", not "parent A"."""
    _driver, _ids, screens = drive(EXAMPLES / "joint-two-children.yml")
    data = case_data(EXAMPLES / "joint-two-children.yml")
    names = (data["parent_a"]["full_name"], data["parent_b"]["full_name"])
    labels = [f.label for s in screens for f in s.fields if f.label]
    assert not [label for label in labels if re.search(r"\b[Pp]arent [AB]\b", label)]
    health = next(s for s in screens if s.id == "health costs")
    shares = [f.label for f in health.fields if f.variable and re.search(r"parent_[ab]_percent$", f.variable)]
    assert shares and all(any(name in label for name in names) for label in shares), shares


@pytest.mark.parametrize(("screen_id", "field", "typed", "words"), [
    ("parent contact", "case.parent_a.phone", "abc", "like (602) 555-0143"),
    ("office", "case.agreement_date", "9920-09-09", "more than a year from today"),
])
def test_a_typo_is_refused_on_its_own_field(screen_id: str, field: str, typed: str, words: str) -> None:
    """Issue 13, defect 8: "abc" for a phone number and a date picker's 9920 no longer get through."""
    driver = h.InterviewDriver(MAIN)
    answers = h.CaseFileAnswers(case_data(EXAMPLES / "joint-two-children.yml"), driver, extra={"start": {"start_from": "new"}})
    driver.run(answers, until=lambda s: s.id == screen_id)
    screen = driver.screen()
    with pytest.raises(h.Rejected) as caught:
        driver.answer({**answers(screen), field: typed})
    assert caught.value.field == field
    assert words in caught.value.message
    assert driver.screen().id == screen_id


def test_engine_message_is_shown_on_the_field_it_names() -> None:
    driver = h.InterviewDriver(MAIN)
    data = case_data(EXAMPLES / "joint-two-children.yml")
    answers = h.CaseFileAnswers(data, driver, extra={"start": {"start_from": "new"}})
    driver.run(answers, until=lambda s: s.id == "parent address")
    screen = driver.screen()
    bad = {**answers(screen), "case.parent_a.address.postal_code": "8522"}
    with pytest.raises(h.Rejected) as caught:
        driver.answer(bad)
    assert caught.value.field == "case.parent_a.address.postal_code"
    assert caught.value.message == "ZIP code: 5 digits, like 85004 (or 9, like 85004-1234)"  # words, not a regular expression (issue 13, defect 5)
    assert driver.screen().id == "parent address"  # still on the same screen


def test_percentages_that_do_not_add_to_100_are_refused_with_the_engines_words() -> None:
    driver = h.InterviewDriver(MAIN)
    answers = h.CaseFileAnswers(case_data(EXAMPLES / "joint-two-children.yml"), driver, extra={"start": {"start_from": "new"}})
    driver.run(answers, until=lambda s: s.id == "health costs")
    screen = driver.screen()
    with pytest.raises(h.Rejected) as caught:
        driver.answer({**answers(screen), "case.child_support.uninsured_medical.parent_a_percent": 50})
    assert "add to 110, not 100" in caught.value.message


def test_edit_from_review_returns_to_the_screen_then_to_review() -> None:
    path = EXAMPLES / "joint-two-children.yml"
    driver = h.InterviewDriver(MAIN)
    answers = h.CaseFileAnswers(case_data(path), driver, extra={"start": {"start_from": "new"}})
    driver.run(answers, until=lambda s: s.id == "review answers")
    driver.edit(f"**{case_data(path)['parent_a']['full_name']}**")  # the review screen names the parents
    screen = driver.screen()
    assert screen.id == "parent name"
    driver.answer({**answers(screen), "case.parent_a.short_name": "Mom"})
    ids = driver.run(answers, until=lambda s: s.id == "review answers")
    assert ids == ["parent contact", "parent address", "parent counsel", "review answers"]
    review = driver.screen()
    assert any("Called in the agreement: Mom" in item for item in review.review_items)
    driver.edit("**Children**")
    assert driver.screen().id == "revisit children"
    driver.answer()
    assert driver.screen().id == "review answers"
    driver.answer()
    assert driver.screen().id == "draft"
    assert "“Mom”" in to_plain_text(driver.value("agreement"))


def test_uploading_a_case_file_resumes_at_review() -> None:
    path = EXAMPLES / "long-distance-summer.yml"
    driver = h.InterviewDriver(MAIN)
    assert driver.screen().id == "start"
    driver.answer({"start_from": "upload"})
    assert driver.screen().id == "upload case file"
    driver.answer({"case_upload": driver.uploaded("case_upload", path)})
    assert driver.screen().id == "review answers"
    driver.answer()
    assert driver.screen().id == "draft"
    assert to_plain_text(driver.value("agreement")) == to_plain_text(assemble_agreement(load_case(path)))


def at_the_upload_screen() -> h.InterviewDriver:
    driver = h.InterviewDriver(MAIN)
    driver.screen()
    driver.answer({"start_from": "upload"})
    assert driver.screen().id == "upload case file"
    return driver


def test_a_bad_case_file_is_refused_on_the_upload_screen(tmp_path: Path) -> None:
    bad = tmp_path / "case.yml"
    bad.write_text((ROOT / "tests" / "cases" / "bad" / "percent-not-100" / "case.yml").read_text(encoding="utf-8"), encoding="utf-8")
    driver = at_the_upload_screen()
    with pytest.raises(h.Rejected) as caught:
        driver.answer({"case_upload": driver.uploaded("case_upload", bad)})
    assert "100" in caught.value.message
    assert driver.screen().id == "upload case file"


def test_the_upload_field_leaves_file_types_to_the_server() -> None:
    """docassemble turns ``accept:`` into a browser check against the MIME type, and Chromium reports
    "" or application/x-yaml for a .yml file: it refused the interview's own case.yml (issue 13)."""
    source = yaml.safe_load_all((INTERVIEWS / MAIN).read_text(encoding="utf-8"))
    upload = next(block for block in source if isinstance(block, dict) and block.get("id") == "upload case file")
    assert all("accept" not in field for field in upload["fields"])


def test_a_json_copy_of_the_case_file_is_taken(tmp_path: Path) -> None:
    path = EXAMPLES / "long-distance-summer.yml"
    as_json = tmp_path / "case.JSON"
    as_json.write_text(json.dumps(case_data(path), default=str), encoding="utf-8")
    driver = at_the_upload_screen()
    driver.answer({"case_upload": driver.uploaded("case_upload", as_json)})
    assert driver.screen().id == "review answers"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("agreement.pdf", b"%PDF-1.7", "ends in .yml, .yaml or .json"),
        ("case.yml", b"\xff\xfe\x00c\x00a", "is not a case file"),
    ],
)
def test_a_file_that_is_not_a_case_file_is_refused_in_plain_words(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    driver = at_the_upload_screen()
    with pytest.raises(h.Rejected) as caught:
        driver.answer({"case_upload": driver.uploaded("case_upload", bad)})
    assert expected in caught.value.message and name in caught.value.message
    assert "Traceback" not in caught.value.message
    assert driver.screen().id == "upload case file"


# --------------------------------------------------------------------------- clause libraries from configuration


def overlay(tmp_path: Path) -> Path:
    """An office overlay: relabels joint decision-making and adds a clause with wording options."""
    folder = tmp_path / "office-overlay"
    (folder / "decision_making").mkdir(parents=True)
    (folder / "general").mkdir()
    (folder / "library.yml").write_text("name: Test office overlay\n", encoding="utf-8")
    base = yaml.safe_load((default_library_dir() / "decision_making" / "kind.yml").read_text(encoding="utf-8"))
    base["alternatives"]["joint"]["label"] = "Joint legal decision-making (office wording)"
    (folder / "decision_making" / "kind.yml").write_text(yaml.safe_dump(base, sort_keys=False), encoding="utf-8")
    (folder / "general" / "copies.yml").write_text(
        textwrap.dedent(
            """\
            id: general.copies
            title: Copies
            topic: general
            default: each_parent
            alternatives:
              each_parent:
                label: Each parent keeps a signed copy
                text: Each parent keeps a signed copy of this agreement.
              office:
                label: The office keeps the only signed copy
                text: The office keeps the signed original and gives each parent a copy.
            """
        ),
        encoding="utf-8",
    )
    return folder


def test_clause_libraries_come_from_the_server_configuration(tmp_path: Path) -> None:
    folder = overlay(tmp_path)
    h.setup({"mediation agreement": {"libraries": [f"{h.PACKAGE}:data/sources/clauses", str(folder)]}})
    try:
        path = EXAMPLES / "joint-two-children.yml"
        driver, ids, screens = drive(path, extra={"clause options": {"case.choices['general.copies']": "office"}})
        decision = next(s for s in screens if s.id == "decision making")
        labels = dict(decision.field("case.decision_making.kind").choices)
        assert labels["joint"] == "Joint legal decision-making (office wording)"
        options = next(s for s in screens if s.id == "clause options")
        assert options.choices("case.choices['general.copies']") == ["each_parent", "office"]
        assert ids.index("clause options") == ids.index("additional terms") + 1
        text = to_plain_text(driver.value("agreement"))
        assert "The office keeps the signed original" in text
        data = dump_case(load_case(path))
        data["choices"] = {"general.copies": "office"}
        assert text == to_plain_text(assemble_agreement(case_from_data(data), [default_library_dir(), folder]))
    finally:
        h.setup()


def test_interview_metadata_overrides_the_server_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = overlay(tmp_path)
    h.setup({"mediation agreement": {"libraries": ["/nonexistent/server/library"]}})
    try:
        monkeypatch.setattr(da_adapter.server, "all_variables", lambda special=None: {"mediation agreement": {"libraries": [str(folder)]}})
        assert da_adapter.configured_libraries() == [folder]
        monkeypatch.setattr(da_adapter.server, "all_variables", lambda special=None: {})
        assert da_adapter.configured_libraries() == [Path("/nonexistent/server/library")]
    finally:
        h.setup()
    assert da_adapter.configured_libraries() == [default_library_dir()]


def test_a_library_package_that_is_not_installed_is_named() -> None:
    with pytest.raises(MediationError, match="docassemble.NoSuchOverlay"):
        da_adapter.server.resolve_library("docassemble.NoSuchOverlay:data/sources/clauses")


# --------------------------------------------------------------------------- the interview and the case model agree

NOT_ASKED = {
    "case_format": "a constant the adapter does not need (the model's default)",
    "excluded_clauses": "kept in the case file; the mediator picks wording with 'clause options'",
    "parenting_time.child_patterns": "per-child schedules are rare; set them in the case file and upload it",
    "choices": "set through the 'clause options' screens (case.choices[...] fields built from the library)",
    "modifies": "set from the executed agreement by `case amend` or the round screen's 'open a modification', never typed in",
    "options": "schedules to compare come in a case file (as for `mediation-agreement options`); the 'compare options' screen shows them side by side and takes the one chosen",
}


GENERIC_OBJECTS = {"ParentAnswers": ("parent_a", "parent_b"), "FindingAnswers": ("safety.domestic_violence", "safety.child_abuse")}
"""The answers objects each ``generic object:`` class of the interviews stands for."""


def interview_fields() -> dict[str, dict[str, Any]]:
    """Case field path (indices removed) -> the YAML field that asks it."""
    found: dict[str, dict[str, Any]] = {}
    for path in INTERVIEWS.glob("*.yml"):
        for block in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not isinstance(block, dict):
                continue
            generic = block.get("generic object")
            for item in block.get("fields") or []:
                if not isinstance(item, dict):
                    continue
                for key, value in item.items():
                    if key in ("datatype", "required", "code", "show if", "help", "default", "js show if", "js hide if", "min", "accept", "choices"):
                        continue
                    if not isinstance(value, str):
                        continue
                    variables = [value.replace("x.", f"case.{p}.", 1) for p in GENERIC_OBJECTS[generic]] if generic and value.startswith("x.") else [value]
                    for variable in variables:
                        if variable.startswith("case."):
                            found[_strip_indices(variable[len("case."):])] = item
    return found


def _strip_indices(path: str) -> str:
    import re

    return re.sub(r"\[[^\]]*\]", "", path)


def model_leaves() -> dict[str, Any]:
    leaves: dict[str, Any] = {}

    def walk(model: Any, prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}.{name}" if prefix else name
            if any(path == skip or path.startswith(skip + ".") for skip in NOT_ASKED):
                continue
            sub = case_fields.model_of(info.annotation) or case_fields.model_of(case_fields.list_element(info.annotation))
            if sub is not None:
                walk(sub, path)
            else:
                leaves[path] = info

    walk(Case, "")
    return leaves


def test_every_field_of_the_case_model_is_asked() -> None:
    from docassemble.MediationAgreement.da_adapter.support import FIGURE_PATHS

    asked = {**interview_fields(), **{path: {"code": "income_fields(case)"} for path in FIGURE_PATHS}}
    missing = sorted(set(model_leaves()) - set(asked))
    assert not missing, f"case fields no interview screen asks (add them, or list them in NOT_ASKED with a reason): {missing}"


def test_interview_asks_nothing_the_case_model_lacks() -> None:
    leaves = model_leaves()
    flags = {p for p in interview_fields() if p.rsplit(".", 1)[-1].startswith("has_") or p.endswith((".there_are_any", ".there_is_another"))}
    unknown = sorted(set(interview_fields()) - set(leaves) - flags)
    assert not unknown


def test_optional_in_the_model_is_optional_on_screen() -> None:
    """A field the model lets be blank is not required on screen, and the other way round."""
    leaves = model_leaves()
    for path, item in interview_fields().items():
        if path not in leaves:
            continue
        info = leaves[path]
        on_screen_required = item.get("required", True) is not False
        if info.is_required():
            assert on_screen_required, f"{path} is required by the case model but optional on screen"
        elif info.default is None and on_screen_required and "show if" not in item:
            # (a field shown only in some cases, e.g. the supervisor when time is supervised, may be
            # required there: the case model's own rule requires it in that case)
            raise AssertionError(f"{path} may be blank in the case model but is required on screen")


def test_labels_that_drift_from_the_case_model_are_an_error() -> None:
    driver = h.InterviewDriver(MAIN)
    driver.screen()
    with driver._context():
        from docassemble.base.thread_context import user_dict_context

        with user_dict_context(driver.user_dict):
            case = driver.user_dict.get("case") or da_adapter.CaseAnswers("case")
            with pytest.raises(MediationError, match="unlabelled: they"):
                da_adapter.offered_choices(case, "parent_a.pronouns", she="she", he="he")
            with pytest.raises(MediationError, match="unknown: ze"):
                da_adapter.offered_choices(case, "parent_a.pronouns", she="she", he="he", they="they", ze="ze")


# --------------------------------------------------------------------------- case_fields (what the adapter relies on)


def test_partial_answers_are_not_blamed_for_fields_not_asked_yet() -> None:
    data = {"parent_a": {"full_name": "Ana Ruiz"}}
    assert case_fields.section_problems(data, [], "parent_a") == []
    problems = case_fields.section_problems(data, ["parent_a.short_name"], "parent_a")
    assert [(p.field_path, p.message) for p in problems] == [("parent_a.short_name", "Called in the agreement: this is required")]


def test_cross_section_rules_apply_to_partial_answers() -> None:
    finding = {"safety": {"domestic_violence": {"concerns": "b", "protects": "other_parent", "basis": "screening"}}}
    assert not case_fields.value_allowed(finding, "decision_making.kind", "joint")
    assert case_fields.value_allowed(finding, "decision_making.kind", "sole")
    assert case_fields.value_allowed({**finding, "decision_making": {"kind": "sole"}}, "decision_making.sole_parent", "a")
    assert not case_fields.value_allowed({**finding, "decision_making": {"kind": "sole"}}, "decision_making.sole_parent", "b")
    assert not case_fields.value_allowed(finding, "dispute_resolution.method", "mediation")
    assert case_fields.value_allowed({"safety": {}}, "provisions.right_of_first_refusal", True)
    assert not case_fields.value_allowed(finding, "provisions.right_of_first_refusal", True)
    problems = case_fields.section_problems({**finding, "decision_making": {"kind": "joint"}}, [], "decision_making")
    assert problems and problems[0].field_path == "decision_making.kind"


def test_allowed_values_and_defaults_come_from_the_model() -> None:
    assert case_fields.allowed_values("children[0].pronouns") == ["she", "he", "they"]
    assert case_fields.allowed_values("court.name") is None
    assert case_fields.field_default("exchanges.wait_minutes") == 30
    assert case_fields.field_default("mediator.full_name") is None


def test_an_optional_radio_left_unselected_counts_as_not_answered() -> None:
    """A browser posts the string "None" for it (found on the real server: tests/e2e/KNOWN_ISSUES.md)."""
    driver, _ids, _screens = drive(EXAMPLES / "joint-two-children.yml")
    assert driver.value("case.parenting_time.pattern.primary_parent") == "None"
    assert "primary_parent" not in da_adapter.answers_to_data(driver.value("case"))["parenting_time"]["pattern"]


def test_a_blank_optional_number_posted_as_zero_is_not_an_answer() -> None:
    """A browser posts a blank optional integer as 0; where 0 is not allowed it means "not answered"."""
    from docassemble.MediationAgreement import da_adapter
    from docassemble.MediationAgreement.case.model import Provisions
    from docassemble.MediationAgreement.case.schedule import Summer

    weeks = Summer.model_fields["weeks_each"]  # int | None, at least 1
    assert da_adapter.answers._blank_number(0, weeks) and da_adapter.answers._blank_number(0.0, weeks)
    assert not da_adapter.answers._blank_number(3, weeks)
    assert not da_adapter.answers._blank_number(0, Provisions.model_fields["new_partners_months"])  # 0 months is a real answer
    from docassemble.MediationAgreement.case.model import HealthInsurance

    for name in ("monthly_premium", "reasonable_cost_percent"):  # blank currency/number fields the browser posts as 0.0 (seen on the real server)
        assert da_adapter.answers._blank_number(0.0, HealthInsurance.model_fields[name]), name


# --------------------------------------------------------------------------- child support by the guideline


def test_the_worksheet_screen_shows_the_guideline_before_the_agreed_amount() -> None:
    """The mediator sees what the guideline says (here the DCF 150.035 note's $375.00) before the parents' own terms."""
    _driver, ids, screens = drive(EXAMPLES / "support-wi-shared.yml")
    assert ids.index("support guideline") < ids.index("support figures") < ids.index("support worksheet") < ids.index("child support")
    worksheet = next(s for s in screens if s.id == "support worksheet")
    assert "$375.00 a month" in worksheet.subquestion_text and "Monthly income available for child support" in worksheet.subquestion_text
    figures = next(s for s in screens if s.id == "support figures")
    assert "case.child_support.guideline.parent_a.monthly_gross_income" in figures.variables
    agreed = next(s for s in screens if s.id == "child support")
    assert "case.child_support.guideline_amount" in agreed.hidden_variables, "no typed-in guideline amount when it is computed"


def test_the_washington_figures_screen_asks_the_deductions_the_guideline_lists() -> None:
    _driver, _ids, screens = drive(EXAMPLES / "long-distance-summer.yml")
    figures = next(s for s in screens if s.id == "support figures")
    assert "case.child_support.guideline.parent_b.deductions['fica']" in figures.variables
    assert "case.child_support.guideline.parent_b.deductions['mandatory_pension']" in figures.variables


def test_an_agreed_amount_other_than_the_guideline_needs_a_reason_on_that_screen() -> None:
    data = case_data(EXAMPLES / "support-wi-shared.yml")
    driver = h.InterviewDriver(MAIN)
    answers = h.CaseFileAnswers(data, driver, extra={"start": {"start_from": "new"}})
    while (screen := driver.screen()).id != "child support":
        driver.answer(answers(screen))
    given = answers(screen)
    given["case.child_support.amount"] = 300
    with pytest.raises(h.Rejected) as caught:
        driver.answer(given)
    assert caught.value.field == "case.child_support.deviation_reason"
    assert "The guideline amount is 375.00 a month; 300.00 differs: give the reason for the difference" in caught.value.message
    given["case.child_support.deviation_reason"] = "Father pays the children's school fees"
    driver.answer(given)
    assert driver.screen().id == "child support agency"  # a IV-D case: the agency screen comes next


def test_a_figure_the_guideline_refuses_is_named_on_the_figures_screen() -> None:
    data = case_data(EXAMPLES / "support-wi-shared.yml")
    data["child_support"]["guideline"]["overnights"]["parent_b"] = 100
    driver = h.InterviewDriver(MAIN)
    answers = h.CaseFileAnswers(data, driver, extra={"start": {"start_from": "new"}})
    while (screen := driver.screen()).id != "support figures":
        driver.answer(answers(screen))
    with pytest.raises(h.Rejected) as caught:
        driver.answer(answers(screen))
    assert "overnights add up to 319, not to a year" in caught.value.message


def test_options_in_a_case_file_are_compared_and_the_chosen_one_becomes_the_schedule(tmp_path: Path) -> None:
    data = case_data(EXAMPLES / "support-wi-shared.yml")
    week = {**data["parenting_time"], "pattern": {"kind": "alternating_weeks", "anchor": "2026-11-30", "starts_with": "a"}}
    data["options"] = [{"label": "Week on, week off", "parenting_time": week}, {"label": "As proposed", "parenting_time": data["parenting_time"]}]
    data["child_support"]["guideline"].pop("overnights")  # the figures come from each schedule
    data["child_support"]["amount"] = 184.93  # the guideline amount under week on, week off
    path = tmp_path / "case.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    driver = h.InterviewDriver(MAIN)
    driver.screen()
    driver.answer({"start_from": "upload"})
    driver.screen()
    driver.answer({"case_upload": driver.uploaded("case_upload", path)})
    screen = driver.screen()
    assert screen.id == "compare options"
    assert "Week on, week off" in screen.subquestion_text and "Father pays $184.93 a month" in screen.subquestion_text
    assert screen.choices("schedule_option") == ["keep", "0", "1"]
    driver.answer({"schedule_option": "0"})
    assert driver.screen().id == "review answers"
    driver.answer()
    assert driver.screen().id == "draft"
    assert driver.value("case.parenting_time.pattern.kind") == "alternating_weeks"
    text = to_plain_text(driver.value("agreement"))
    expected = to_plain_text(assemble_agreement(case_from_data({**data, "parenting_time": week})))
    assert text == expected


# --------------------------------------------------------------------------- IV-D support terms (issue 12, part 5)


def test_a_iv_d_case_paid_directly_is_asked_for_the_written_exception(tmp_path: Path) -> None:
    """The exception is asked beside the payment method (the IV-D rule is checked on that screen); the agreement states it."""
    data = case_data(EXAMPLES / "support-wi-shared.yml")
    data["child_support"]["payment_method"] = "direct"
    data["child_support"]["withholding_exception"] = {"written_agreement": True, "state_law_allows": True}
    path = tmp_path / "direct.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    driver, ids, screens = drive(path)
    support = next(s for s in screens if s.id == "child support")
    assert "case.child_support.withholding_exception.written_agreement" in support.variables
    assert da_adapter.answers_to_data(driver.value("case"))["child_support"]["withholding_exception"] == {"written_agreement": True, "state_law_allows": True}
    assert "instead of immediate income withholding, as state law allows" in to_plain_text(driver.value("agreement"))
    # Paid by income withholding, the exception is left out of the case.
    plain, _ids, _screens = drive(EXAMPLES / "support-wi-shared.yml")
    assert "withholding_exception" not in da_adapter.answers_to_data(plain.value("case"))["child_support"]


# --------------------------------------------------------------------------- every rule on its own screen

BAD_CASES = ROOT / "tests" / "cases" / "bad"


def _rule_cases() -> list[Path]:
    """The bad cases an interview can be given: YAML the model reads, each problem on a field some screen asks."""
    asked = set(interview_fields())
    found = []
    for folder in sorted(BAD_CASES.iterdir()):
        path = folder / "case.yml"
        if not path.exists():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, ValueError):  # not YAML, or a date no calendar has: no screen could take it
            continue
        if not isinstance(data, dict):
            continue
        fields = [line.split(": ", 2)[1] for line in (folder / "expected.txt").read_text().splitlines()]
        if all(_strip_indices(f) in asked for f in fields):
            found.append(folder)
    return found


NOT_TYPED_IN = {
    "unknown-guideline": "the guideline is picked from a list of the court's state's guidelines in force; a file can name one the list never offers",
    "guideline-not-in-force": "the same list offers only guidelines in force",
    "non-numeric-money": "an amount field takes only a number in the browser",
}
"""Bad cases no one can type into the interview, and why."""


@pytest.mark.parametrize("folder", [f for f in _rule_cases() if f.name not in NOT_TYPED_IN], ids=lambda p: p.name)
def test_every_rule_is_refused_on_the_screen_that_asks_its_field(folder: Path) -> None:
    """Issue 13, defect 4: a problem is named on the screen where its answer is given, not screens later."""
    data = case_data(folder / "case.yml")
    expected = (folder / "expected.txt").read_text().splitlines()[0]
    field = expected.split(": ", 2)[1]
    driver = h.InterviewDriver(MAIN)
    answers = h.CaseFileAnswers(data, driver, extra={"start": {"start_from": "new"}})
    with pytest.raises(h.Rejected) as caught:
        drive_until_refused(driver, answers)
    refused = caught.value
    screen = driver.screen()
    # The field the file's message names is on the screen that refuses, and so is the one the refusal
    # points at (a deviation from the guideline may point at the reason, beside the amount).
    assert f"case.{field}" in screen.variables, f"{folder.name}: {field} is not on the screen that refused it ({screen.id}: {refused.field})"
    assert refused.field in screen.variables, f"{folder.name}: refused {refused.field}, which {screen.id!r} does not ask"
    assert "_" not in refused.message.split("(")[0] or "e.g." in refused.message, f"{folder.name}: a field name in the message: {refused.message}"


def drive_until_refused(driver: h.InterviewDriver, answers: h.CaseFileAnswers) -> None:
    for _ in range(300):
        screen = driver.screen()
        if screen.id == "draft":
            raise AssertionError("the interview accepted every answer")
        driver.answer(answers(screen))
    raise AssertionError("no refusal and no draft")
