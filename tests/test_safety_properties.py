"""Safety rules on generated cases (issue 12): whatever the mediator chooses after a finding.

Hypothesis varies who a finding concerns and protects, which finding it is,
what it rests on, and every choice the rules look at: decision-making (kind,
sole parent, each subject, tie-breaker), supervision, the exchange method,
its place and third party, consent for moves and travel, who keeps the
passports, and the dispute method.  For every generated case the case model
either refuses it with a message naming a field, or accepts it, and then:

* the restrained parent gets no decision-making and no tie-breaking vote;
* the restrained parent has no say over the protected parent's moves or
  trips abroad, and does not keep the children's passports;
* the protected parent is never the supervised one;
* exchanges have a named place, and a third party where no center's staff
  hand the children over;
* the assembled agreement has every required part (decision-making, the
  regular schedule, the dispute steps, the support amount).

Cases are drawn as a safe case plus up to two unsafe changes from a list
(joint decisions, a subject or the tie-breaker for the restrained parent,
supervision of the protected parent, no exchange place, curbside without a
third party, each parent's consent for moves, passports with the restrained
parent, joint mediation): a case with any change must be refused, and a case
with none must be accepted and assembled, so the rules can neither miss an
unsafe change nor pass by refusing everything.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docassemble.MediationAgreement.assembly.assemble import assemble
from docassemble.MediationAgreement.case.model import Case, case_from_data, dump_case, load_case
from docassemble.MediationAgreement.errors import CaseValidationError
from docassemble.MediationAgreement.library.clauses import load_case_library

from .conftest import ROOT

PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BASE = dump_case(load_case(ROOT / "tests" / "cases" / "minimal.yml"))
REQUIRED = {"decision_making.kind", "parenting_time.regular", "dispute_resolution.steps", "support.amount"}
LIBRARY = load_case_library(None, "AZ")

parties = st.sampled_from(["a", "b"])


def other(party: str) -> str:
    return "b" if party == "a" else "a"


@st.composite
def findings(draw: Any) -> tuple[dict[str, Any], str]:
    """A safety section with one restrained parent, and that parent."""
    restrained = draw(parties)
    safety: dict[str, Any] = {}
    order = draw(st.booleans())
    if order:
        safety["protective_order"] = {"court": "Superior Court", "case_number": "PO2026-1", "protected_party": other(restrained), "expires": "2027-09-14"}
    kinds = draw(st.sampled_from([("domestic_violence",), ("child_abuse",), ("domestic_violence", "child_abuse"), () if order else ("domestic_violence",)]))
    for kind in kinds:
        basis = draw(st.sampled_from(["screening", "court_finding"] + (["protective_order"] if order else [])))
        finding = {"concerns": restrained, "protects": draw(st.sampled_from(["other_parent", "children", "other_parent_and_children"])), "basis": basis}
        if basis == "court_finding":
            finding["court"] = "Juvenile Court"
        safety[kind] = finding
    return safety, restrained


def safe_choices(draw: Any, restrained: str) -> dict[str, Any]:
    """The parts of a case the safety rules read, drawn from the values they allow."""
    protected = other(restrained)
    schedule = dict(BASE["parenting_time"])
    if draw(st.booleans()):
        schedule.update(supervised=True, supervisor="Valley Family Exchange Center", supervised_parent=restrained)
    method = draw(st.sampled_from(["exchange_center", "curbside", "school"]))
    exchanges = {"method": method, "location": "Valley Family Exchange Center", **({} if method == "exchange_center" else {"third_party": "Grandmother Ruth Rivera"})}
    provisions: dict[str, Any] = {"travel": {"passport_holder": protected} if draw(st.booleans()) else {}}
    if draw(st.booleans()):
        provisions["moves_and_travel_consent"] = "restrained_parent"
    return {
        "decision_making": draw(st.sampled_from([
            {"kind": "sole", "sole_parent": protected},
            {"kind": "sole", "sole_parent": protected, "tie_breaker": protected},
            {"kind": "divided", "education": protected, "health": protected, "religion": protected},
        ])),
        "parenting_time": schedule,
        "exchanges": exchanges,
        "provisions": provisions,
        "dispute_resolution": {"method": draw(st.sampled_from(["court", "parenting_coordinator"]))},
    }


def _divided(data: dict[str, Any], subject: str, value: str) -> None:
    protected = data["decision_making"].get("sole_parent") or data["decision_making"].get("education")
    data["decision_making"] = {"kind": "divided", "education": protected, "health": protected, "religion": protected, subject: value}


UNSAFE = {
    # name: change(data, restrained) -- one way of giving the restrained parent a say, or the protected parent a burden
    "joint decisions": lambda d, r: d.update(decision_making={"kind": "joint"}),
    "sole decisions to the restrained parent": lambda d, r: d.update(decision_making={"kind": "sole", "sole_parent": r}),
    "a subject to the restrained parent": lambda d, r: _divided(d, "health", r),
    "a joint subject": lambda d, r: _divided(d, "education", "joint"),
    "the tie-breaker to the restrained parent": lambda d, r: d["decision_making"].update(tie_breaker=r),
    "supervision of the protected parent": lambda d, r: d["parenting_time"].update(supervised=True, supervisor="Valley Family Exchange Center", supervised_parent=other(r)),
    "no exchange place": lambda d, r: d["exchanges"].pop("location"),
    "curbside without a third party": lambda d, r: d.update(exchanges={"method": "curbside", "location": "Valley Mall, north entrance"}),
    "each parent's moves wait for the other": lambda d, r: d["provisions"].update(moves_and_travel_consent="each_parent"),
    "passports with the restrained parent": lambda d, r: d["provisions"].update(travel={"passport_holder": r}),
    "joint mediation of disputes": lambda d, r: d.update(dispute_resolution={"method": "mediation"}),
}


@st.composite
def safety_cases(draw: Any, *, changes: int) -> tuple[dict[str, Any], str, list[str]]:
    """A safe case after a finding, with up to ``changes`` unsafe changes (and their names)."""
    safety, restrained = draw(findings())
    data = {**BASE, "safety": safety, **safe_choices(draw, restrained)}
    unsafe = draw(st.lists(st.sampled_from(sorted(UNSAFE)), max_size=changes, unique=True))
    for name in unsafe:
        UNSAFE[name](data, restrained)
    return data, restrained, unsafe


def assert_safe(case: Case, restrained: str) -> None:
    protected = other(restrained)
    dm = case.decision_making
    assert dm.kind != "joint"
    assert not (dm.kind == "sole" and dm.sole_parent == restrained)
    if dm.kind == "divided":
        assert {dm.education, dm.health, dm.religion} <= {protected}
    assert dm.tie_breaker != restrained
    assert case.consent_for_moves == "restrained_parent"
    assert case.provisions.travel.passport_holder != restrained
    pt = case.parenting_time
    assert not (pt.supervised and pt.supervised_parent == protected)
    assert case.exchanges.location
    assert case.exchanges.method == "exchange_center" or case.exchanges.third_party
    assert case.dispute_resolution.method != "mediation"
    doc = assemble(case, LIBRARY, draft=True)
    present = {c.clause_id for s in doc.sections for c in s.clauses}
    assert REQUIRED <= present, f"required parts missing: {sorted(REQUIRED - present)}"


@PROFILE
@given(safety_cases(changes=2))
def test_every_unsafe_change_is_refused_naming_a_field(generated: tuple[dict[str, Any], str, list[str]]) -> None:
    data, restrained, unsafe = generated
    try:
        case = case_from_data(data)
    except CaseValidationError as exc:
        assert unsafe, f"a safe case was refused: {exc}"
        assert all(p.field_path for p in exc.problems)
        return
    assert not unsafe, f"accepted after: {', '.join(unsafe)}"
    assert_safe(case, restrained)


@PROFILE
@given(safety_cases(changes=0))
def test_safe_choices_are_accepted_and_assembled_with_every_required_part(generated: tuple[dict[str, Any], str, list[str]]) -> None:
    data, restrained, _unsafe = generated
    case = case_from_data(data)
    assert case.safety.restrained == restrained
    assert_safe(case, restrained)
