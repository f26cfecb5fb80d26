"""Safety rules that know who is protected (DOMAIN.md, "Safety logic"; issue 12).

After a finding, terms that put the parents face to face are not available,
and the direction of the finding matters: the restrained parent never gets
decision-making, a tie-breaking vote, a veto over the protected parent's moves
or travel, or a say in where exchanges happen; the protected parent is never
the supervised one.  Each rule returns (field path, message) and names the
fields it read, so the CLI and the interviews can point at the answer to change.

The rules also run on a partly answered case in an interview
(:func:`..fields.cross_section_problems`), so they read only what is there:
an unanswered section reads as nothing and raises no problem.
"""

from __future__ import annotations

from typing import Any

from .safety import FINDING_WORDS, SafetyScreening

Case = Any
"""A :class:`.model.Case`, or the interview's partly answered one (:mod:`.fields`): the model imports these rules, not the other way."""

SUBJECTS = ("education", "health", "religion")

FINDING = "a domestic-violence or abuse finding"


def safety_problems(case: Case) -> list[tuple[str, str]]:
    """Every safety rule's problems for ``case``, as (field path, message)."""
    safety = case.safety
    if not isinstance(safety, SafetyScreening) or not safety.finding:
        return _without_finding(case)
    problems: list[tuple[str, str]] = []
    problems += _basis(safety)
    problems += _decisions(case, safety)
    problems += _supervision(case, safety)
    problems += _exchanges(case)
    problems += _moves_and_travel(case, safety)
    problems += _disputes(case)
    if case.provisions.right_of_first_refusal is True:
        problems.append(("provisions.right_of_first_refusal", f"right of first refusal is not available after {FINDING} (see safety)"))
    return problems


def _who(safety: SafetyScreening, party: str) -> str:
    """``parent b, whom the finding concerns (safety.domestic_violence.concerns)``: the fields that say so."""
    fields = [f"safety.{kind}.concerns" for kind, f in safety.findings() if f.concerns == party]
    if safety.protective_order is not None and safety.protective_order.restrained_party == party:
        fields.append("safety.protective_order.protected_party")
    return f"parent {party}, whom the safety finding concerns ({', '.join(fields)})"


def _protected_who(safety: SafetyScreening, party: str) -> str:
    fields = [f"safety.{kind}.protects" for kind, f in safety.findings() if f.protected_party == party]
    if safety.protective_order is not None and safety.protective_order.protected_party == party:
        fields.append("safety.protective_order.protected_party")
    return f"parent {party}, whom the safety finding protects ({', '.join(fields)})"


def _basis(safety: SafetyScreening) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    order = safety.protective_order
    for kind, found in safety.findings():
        if found.basis != "protective_order":
            continue
        if order is None:
            problems.append((f"safety.{kind}.basis", f"the {FINDING_WORDS[kind]} rests on a protective order, but safety.protective_order is missing: give the order's court, case number, protected party and expiry"))
        elif order.protected_party == found.concerns:
            problems.append((f"safety.{kind}.concerns", f"the {FINDING_WORDS[kind]} concerns parent {found.concerns}, but the protective order it rests on protects parent {found.concerns} (safety.protective_order.protected_party)"))
    if len(safety.restrained_parties) > 1:
        problems.append((
            "safety",
            "the findings concern both parents (" + ", ".join([f"safety.{k}.concerns" for k, _f in safety.findings()] + (["safety.protective_order.protected_party"] if order else []))
            + "): a mediated plan cannot give either parent decision-making or unsupervised terms; the court decides",
        ))
    return problems


def _decisions(case: Case, safety: SafetyScreening) -> list[tuple[str, str]]:
    dm = case.decision_making
    restrained = safety.restrained_parties
    problems: list[tuple[str, str]] = []
    if dm.kind == "joint":
        problems.append(("decision_making.kind", f"joint decision-making is not available after {FINDING} (see safety)"))
    if dm.kind == "sole" and dm.sole_parent in restrained:
        problems.append(("decision_making.sole_parent", f"sole decision-making cannot go to {_who(safety, dm.sole_parent)}"))
    if dm.kind == "divided":
        for subject in SUBJECTS:
            value = getattr(dm, subject)
            if value == "joint":
                problems.append((f"decision_making.{subject}", f"{subject} decisions made jointly are not available after {FINDING} (see safety): give them to one parent"))
            elif value in restrained:
                problems.append((f"decision_making.{subject}", f"{subject} decisions cannot go to {_who(safety, value)}"))
    if dm.tie_breaker in restrained:
        problems.append(("decision_making.tie_breaker", f"the tie-breaking vote cannot go to {_who(safety, dm.tie_breaker)}"))
    return problems


def _supervision(case: Case, safety: SafetyScreening) -> list[tuple[str, str]]:
    pt = case.parenting_time
    if pt.supervised is not True or pt.supervised_parent not in ("a", "b"):
        return []
    if pt.supervised_parent in safety.protected_parties:
        return [("parenting_time.supervised_parent", f"supervised parenting time cannot be for {_protected_who(safety, pt.supervised_parent)}; only the parent a finding concerns is supervised")]
    if safety.restrained_parties and pt.supervised_parent not in safety.restrained_parties:
        restrained = " and ".join(f"parent {p}" for p in safety.restrained_parties)
        return [("parenting_time.supervised_parent", f"supervised parenting time cannot be for parent {pt.supervised_parent}: only the parent whom a safety finding concerns ({restrained}) is supervised")]
    return []


EXCHANGE_WORDS = {"curbside": "curbside exchanges", "school": "school exchanges (on days without school)", "exchange_center": "exchange-center exchanges"}


def _exchanges(case: Case) -> list[tuple[str, str]]:
    """A safe place named in the agreement, and a third party where no center's staff hand the children over."""
    ex = case.exchanges
    method = ex.method
    if method not in EXCHANGE_WORDS:
        return []
    problems: list[tuple[str, str]] = []
    if not ex.location:
        problems.append((
            "exchanges.location",
            f"{EXCHANGE_WORDS[method]} after {FINDING} need a safe location named in the agreement (an exchange center or a public place), "
            "so the protected parent never has to agree on one with the other parent",
        ))
    if method != "exchange_center" and not ex.third_party:
        problems.append(("exchanges.third_party", f"{EXCHANGE_WORDS[method]} after {FINDING} need a third party to do the exchange"))
    return problems


def _moves_and_travel(case: Case, safety: SafetyScreening) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if case.provisions.moves_and_travel_consent == "each_parent" and safety.restrained is not None:
        problems.append((
            "provisions.moves_and_travel_consent",
            f"'each_parent' would make the other parent's moves and trips abroad with the children wait for the consent of parent {safety.restrained}, "
            "whom the safety finding concerns: use restrained_parent (the default after a finding)",
        ))
    holder = case.provisions.travel.passport_holder
    if holder in safety.restrained_parties:
        problems.append(("provisions.travel.passport_holder", f"the children's passports cannot be kept by {_who(safety, holder)}: that gives them a say over the protected parent's travel"))
    return problems


def _disputes(case: Case) -> list[tuple[str, str]]:
    if case.dispute_resolution.method == "mediation":
        return [("dispute_resolution.method", "joint mediation sessions are not available after a domestic-violence or child-abuse finding or a protective order (see safety); choose a parenting coordinator or the court")]
    return []


def _without_finding(case: Case) -> list[tuple[str, str]]:
    """Terms that only make sense after a finding."""
    provisions: Any = case.provisions
    if getattr(provisions, "moves_and_travel_consent", None) == "restrained_parent":
        return [("provisions.moves_and_travel_consent", "'restrained_parent' needs a safety finding that says whom it concerns (safety); without one use each_parent")]
    return []


__all__ = ["safety_problems"]
