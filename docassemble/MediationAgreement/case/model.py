"""The case: everything a mediated parenting agreement needs, as typed data.

A case file is YAML or JSON (the same format the interviews save and load).
:func:`load_case` reads one and reports every problem with its line and
field path; :meth:`Case.model_json_schema` is what ``mediation-agreement
schema`` prints.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..errors import CaseFileError, CaseValidationError, Problem
from .limits import ADDITIONAL_TERMS_CHARS, EMAIL_CHARS, ID_CHARS, MAX_CHILDREN, MAX_CHOICES, MAX_LIST, MAX_MILES, NAME_CHARS, TEXT_CHARS, Name
from .phones import Phone
from .prebuilt import ready
from .safety import ProtectiveOrder, SafetyFinding, SafetyScreening
from .safety_rules import safety_problems
from .schedule import ParentingTimeSchedule, Party, StrictModel
from .validation import validation_problems
from .yamlsource import LineMap, load_with_lines, parse_yaml
from .zones import state_time_zone, zone_problem

CASE_FORMAT = 1
"""Version of the case-file format written into every file as ``case_format``."""

Money = Annotated[Decimal, Field(ge=0, lt=1_000_000_000, max_digits=12, decimal_places=2, description="US dollars, e.g. 412.50")]
Percent = Annotated[int, Field(ge=0, le=100)]


class Address(StrictModel):
    """A postal address.  ``confidential: true`` keeps it out of everything the
    other parent or the court sees (only the mediator's own record holds it)."""

    street: str = Field(max_length=NAME_CHARS)
    unit: str | None = Field(default=None, max_length=ID_CHARS)
    city: str = Field(max_length=NAME_CHARS)
    state: str = Field(min_length=2, max_length=2, description="Two-letter state code")
    postal_code: str = Field(pattern=r"^\d{5}(-\d{4})?$")
    confidential: bool = False

    def one_line(self) -> str:
        if self.confidential:
            return "address kept confidential"
        unit = f", {self.unit}" if self.unit else ""
        return f"{self.street}{unit}, {self.city}, {self.state} {self.postal_code}"


class Parent(StrictModel):
    """One parent.  ``short_name`` is how the agreement refers to them after the
    first mention ("Mother", "Ms. Rivera", "Parent A")."""

    full_name: str = Field(min_length=1, max_length=NAME_CHARS)
    short_name: str = Field(min_length=1, max_length=NAME_CHARS)
    role: Literal["mother", "father", "parent"] = "parent"
    pronouns: Literal["she", "he", "they"] = "they"
    email: str | None = Field(default=None, max_length=EMAIL_CHARS, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: Phone | None = None
    address: Address | None = None
    represented_by_counsel: bool = False
    attorney_name: str | None = Field(default=None, max_length=NAME_CHARS)
    attorney_bar_number: str | None = Field(default=None, max_length=ID_CHARS)
    interpreter_language: str | None = Field(default=None, max_length=NAME_CHARS)
    language: Literal["en", "es"] = Field(default="en", description="The language this parent reads: their messages, check-ins and next-steps sheet use it (the agreement itself stays in English)")

    @model_validator(mode="after")
    def _counsel(self) -> Parent:
        if self.represented_by_counsel and not self.attorney_name:
            raise ValueError("represented_by_counsel is true but attorney_name is missing")
        return self


class Child(StrictModel):
    """A child of the parties covered by the agreement."""

    full_name: str = Field(min_length=1, max_length=NAME_CHARS)
    short_name: str | None = Field(default=None, max_length=NAME_CHARS)
    date_of_birth: date
    pronouns: Literal["she", "he", "they"] = "they"

    @field_validator("date_of_birth")
    @classmethod
    def _born(cls, value: date) -> date:
        if value > date.today():
            raise ValueError(f"{value} is in the future")
        return value

    @property
    def name(self) -> str:
        return self.short_name or self.full_name.split()[0]


class Mediator(StrictModel):
    """The neutral mediator who prepared the agreement."""

    full_name: str = Field(max_length=NAME_CHARS)
    organization: str = Field(max_length=NAME_CHARS)
    email: str | None = Field(default=None, max_length=EMAIL_CHARS)
    phone: Phone | None = None
    credential: str | None = Field(default=None, max_length=NAME_CHARS)


class Court(StrictModel):
    """Where the agreement would be filed."""

    name: str = Field(max_length=NAME_CHARS, description="e.g. 'Superior Court of Arizona'")
    county: str = Field(max_length=NAME_CHARS)
    state: str = Field(min_length=2, max_length=2)
    case_number: str | None = Field(default=None, max_length=ID_CHARS)
    judge: str | None = Field(default=None, max_length=NAME_CHARS)
    petitioner: Party = "a"
    related_cases: list[Name] = Field(default_factory=list, max_length=MAX_LIST)
    iv_d: bool = Field(default=False, description="A IV-D child support enforcement case")


class DecisionMaking(StrictModel):
    """Legal decision-making (legal custody)."""

    kind: Literal["joint", "sole", "divided"]
    sole_parent: Party | None = None
    education: Party | Literal["joint"] | None = None
    health: Party | Literal["joint"] | None = None
    religion: Party | Literal["joint"] | None = None
    tie_breaker: Party | None = Field(default=None, description="Joint: who decides after good-faith consultation fails")

    @model_validator(mode="after")
    def _complete(self) -> DecisionMaking:
        if self.kind == "sole" and self.sole_parent is None:
            raise ValueError("sole decision-making needs sole_parent")
        if self.kind == "divided":
            missing = [d for d in ("education", "health", "religion") if getattr(self, d) is None]
            if missing:
                raise ValueError(f"divided decision-making needs a decision-maker for: {', '.join(missing)}")
        return self


class Exchanges(StrictModel):
    """How the children pass between households."""

    method: Literal["curbside", "school", "exchange_center"]
    location: str | None = Field(default=None, description="Public place or exchange center name; never a confidential address")
    transport: Literal["receiving_parent", "delivering_parent", "shared"] = "receiving_parent"
    third_party: str | None = Field(default=None, max_length=NAME_CHARS, description="Adult who may do the exchange instead of a parent")
    wait_minutes: int = Field(default=30, ge=0, le=240)

    @model_validator(mode="after")
    def _place(self) -> Exchanges:
        if self.method in ("curbside", "exchange_center") and not self.location:
            raise ValueError(f"{self.method} exchanges need a location")
        return self


class Split(StrictModel):
    """How a cost is shared, in whole percentages that must add to 100."""

    parent_a_percent: Percent
    parent_b_percent: Percent

    @model_validator(mode="after")
    def _hundred(self) -> Split:
        total = self.parent_a_percent + self.parent_b_percent
        if total != 100:
            raise ValueError(f"percentages add to {total}, not 100")
        return self

    def percent(self, party: Party) -> int:
        return self.parent_a_percent if party == "a" else self.parent_b_percent


class HealthInsurance(StrictModel):
    provider: Party | Literal["both", "public"]
    premium_split: Split | None = None
    dental_and_vision: bool = True
    # Both above 0, so a blank the browser posts as 0 stays blank (da_adapter.answers._blank_number).
    monthly_premium: Decimal | None = Field(
        default=None, gt=0, lt=1_000_000_000, max_digits=12, decimal_places=2,
        description="What covering the children costs the providing parent each month (US dollars)",
    )
    reasonable_cost_percent: Decimal | None = Field(
        default=None, gt=0, le=100, max_digits=5, decimal_places=2,
        description="The state's reasonable-cost test: the most the premium may be, as a percentage of the providing parent's gross income",
    )

    @field_validator("reasonable_cost_percent")
    @classmethod
    def _plain_percent(cls, value: Decimal | None) -> Decimal | None:
        """``5.0`` (an interview's number) and ``5`` print the same: "5 percent"."""
        return None if value is None else Decimal(format(value.normalize(), "f"))


# --------------------------------------------------------------------------- enforceable support terms (IV-D)
# Issue 12, part 5: what a child support office's order needs beyond the amount.
# Every rule that spans fields is in support_terms_problems() below.


class SupportAgency(StrictModel):
    """The state child support agency (IV-D) and its payment center, for a IV-D case."""

    name: str = Field(min_length=1, max_length=NAME_CHARS, description="e.g. 'Dane County Child Support Agency'")
    case_number: str | None = Field(default=None, max_length=ID_CHARS, description="The agency's IV-D case number")
    payment_center: str | None = Field(default=None, max_length=NAME_CHARS, description="The state payment center (disbursement unit) support is paid to, by name")
    representative: str | None = Field(default=None, max_length=NAME_CHARS, description="Who signs for the agency, when it signs the agreement")


class Arrears(StrictModel):
    """Past-due (back) support the payer owes, and the plan to pay it."""

    amount: Money
    period_from: date = Field(description="First day of the period the back support is for")
    period_to: date = Field(description="Last day of that period")
    monthly_payment: Money = Field(description="Paid each month on top of current support until the back support is paid")
    payments_start: date
    owed_to: Literal["payee", "state"] = Field(default="payee", description="'state' when the back support is owed to the state (assigned, e.g. for public assistance)")


class WithholdingException(StrictModel):
    """Why a IV-D order is not paid by immediate income withholding: only a written agreement the state allows."""

    written_agreement: bool = Field(description="Both parents signed a written agreement for another way to pay")
    state_law_allows: bool = Field(description="The state's law allows that exception for this order")


class CashMedicalSupport(StrictModel):
    """Money the payer adds each month toward the children's medical costs (when insurance is not at reasonable cost)."""

    monthly_amount: Money


class ChildCareCosts(StrictModel):
    """Work-related child care each month, and the tax credits that reduce it; the parents share the net."""

    monthly_cost: Money
    monthly_tax_credit: Money = Field(default=Decimal(0), description="The child care tax credit, per month, the paying household can claim")

    @property
    def net(self) -> Decimal:
        return self.monthly_cost - self.monthly_tax_credit


class LifeInsurance(StrictModel):
    """Life insurance the payer keeps while support is owed, so support is paid if the payer dies."""

    amount: Money
    beneficiary: Literal["payee", "children", "trustee"] = "payee"


class ParentIncome(StrictModel):
    """One parent's monthly figures for the guideline worksheet (every amount is per month)."""

    monthly_gross_income: Money
    deductions: dict[str, Money] = Field(
        default_factory=dict,
        max_length=MAX_LIST,
        description="Monthly deductions from gross income, by the names the guideline file lists (for a guideline that works on net income)",
    )
    other_children: int = Field(default=0, ge=0, le=20, description="Children of this parent not in this case whom the parent is legally bound to support")
    health_insurance_premium: Money = Field(default=Decimal(0), description="The children's share of the health insurance premium this parent pays")
    child_care: Money = Field(default=Decimal(0), description="Work-related child care this parent pays")
    long_distance_transportation: Money = Field(default=Decimal(0), description="Long-distance transportation for parenting time this parent pays")


class OvernightsOverride(StrictModel):
    """Overnights for the worksheet given by hand instead of computed from the schedule, with the reason."""

    parent_a: int = Field(ge=0, le=366)
    parent_b: int = Field(ge=0, le=366)
    reason: str = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _year(self) -> OvernightsOverride:
        total = self.parent_a + self.parent_b
        if total not in (365, 366):
            raise ValueError(f"overnights add up to {total}, not to a year (365, or 366 in a leap year)")
        return self


class GuidelineInputs(StrictModel):
    """What the state's child support guideline is computed from (``mediation-agreement support``)."""

    id: str = Field(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9.\-]*$", description="The guideline's id, e.g. wa-rcw-26.19 (a folder in guidelines/)")
    parent_a: ParentIncome
    parent_b: ParentIncome
    overnights: OvernightsOverride | None = Field(default=None, description="Leave out to use the schedule's own two-year average")
    primary_residence: Party | None = Field(default=None, description="The parent the children mainly live with, where the overnights are equal")


class ChildSupport(StrictModel):
    """The support order the parties propose."""

    payer: Party
    amount: Money
    frequency: Literal["weekly", "biweekly", "semimonthly", "monthly"] = "monthly"
    start_date: date
    payment_method: Literal["income_withholding", "disbursement_unit", "direct"]
    guideline: GuidelineInputs | None = Field(default=None, description="Incomes and costs: the guideline amount is then computed")
    guideline_amount: Money | None = Field(default=None, description="Only for a state without a guideline file: the amount from a worksheet done elsewhere")
    deviation_reason: str | None = None
    health_insurance: HealthInsurance
    uninsured_medical: Split
    child_care: Split | None = None
    extracurricular: Split | None = None
    extracurricular_cap: Money | None = Field(default=None, description="Yearly cap per child without written agreement")
    tax_dependency: Party | Literal["alternate", "split_by_child"]
    tax_even_years: Party | None = None
    # Enforceable terms (issue 12, part 5): optional; checked by support_terms_problems().
    agency: SupportAgency | None = Field(default=None, description="The child support agency and payment center (IV-D cases)")
    arrears: Arrears | None = None
    withholding_exception: WithholdingException | None = Field(default=None, description="IV-D cases not paid by income withholding: the written agreement the state allows")
    cash_medical_support: CashMedicalSupport | None = None
    child_care_costs: ChildCareCosts | None = Field(default=None, description="Monthly child care and tax credits, when child_care is shared")
    life_insurance: LifeInsurance | None = None
    tax_release_if_current: bool = Field(default=False, description="IRS Form 8332 is signed only if support for the year was paid in full by December 31")

    @model_validator(mode="after")
    def _deviation(self) -> ChildSupport:
        if self.guideline is not None and self.guideline_amount is not None:
            raise ValueError("give either guideline (the amount is then computed) or guideline_amount, not both")
        if self.guideline_amount is not None and self.amount != self.guideline_amount and not self.deviation_reason:
            raise ValueError("amount differs from guideline_amount: give deviation_reason (courts require the reason for a deviation)")
        if self.tax_dependency == "alternate" and self.tax_even_years is None:
            raise ValueError("tax_dependency 'alternate' needs tax_even_years")
        return self

    @property
    def payee(self) -> Party:
        return "b" if self.payer == "a" else "a"

    @property
    def deviates(self) -> bool:
        return self.guideline_amount is not None and self.amount != self.guideline_amount


class Travel(StrictModel):
    notice_days_domestic: int = Field(default=7, ge=0, le=90)
    international_consent: bool = True
    passport_holder: Party | None = None


class Provisions(StrictModel):
    """Parenting-plan provisions beyond the schedule."""

    relocation_notice_days: int = Field(default=60, ge=0, le=365)
    relocation_distance_miles: int = Field(default=50, ge=0, le=MAX_MILES)
    right_of_first_refusal: bool = False
    right_of_first_refusal_hours: int = Field(default=4, ge=1, le=72)
    travel: Travel = Field(default_factory=Travel)
    school: str | None = None
    religion: str | None = Field(default=None, description="What the parents agree about religious upbringing")
    new_partners_months: int | None = Field(default=None, ge=0, le=36, description="Months of a relationship before a new partner meets the children")
    no_disparagement: bool = True
    records_access: bool = True
    # Issue 12, part 1: after a safety finding only the restrained parent's moves and travel wait for consent.
    moves_and_travel_consent: Literal["each_parent", "restrained_parent"] | None = Field(
        default=None,
        description="Whose moves and trips abroad wait for the other parent's consent or the court: each_parent, or restrained_parent "
        "(only the parent a safety finding concerns). Leave out for the default: each_parent, or restrained_parent after a finding",
    )


class Communication(StrictModel):
    """How the parents communicate about the children."""

    channel: Literal["app", "email", "text"]
    app_name: str | None = Field(default=None, max_length=NAME_CHARS)
    response_hours: int = Field(default=48, ge=1, le=168)
    emergency_by_phone: bool = True
    child_calls: Literal["reasonable", "scheduled"] = "reasonable"
    child_call_times: str | None = Field(default=None, description="e.g. 'Tuesdays and Thursdays at 7:00 p.m.'")

    @model_validator(mode="after")
    def _app(self) -> Communication:
        if self.channel == "app" and not self.app_name:
            raise ValueError("channel 'app' needs app_name (e.g. OurFamilyWizard, TalkingParents)")
        if self.child_calls == "scheduled" and not self.child_call_times:
            raise ValueError("scheduled calls need child_call_times")
        return self


class DisputeResolution(StrictModel):
    method: Literal["mediation", "parenting_coordinator", "court"]
    provider: str | None = Field(default=None, max_length=NAME_CHARS)
    review_months: int | None = Field(default=None, ge=1, le=60, description="Periodic review of the plan")


class Office(StrictModel):
    """The mediation office's settings for this agreement."""

    name: str = Field(max_length=NAME_CHARS)
    document_kind: Literal["memorandum", "stipulated_agreement"] = Field(
        default="stipulated_agreement",
        description="'memorandum': memorandum of understanding for review by counsel; 'stipulated_agreement': executed agreement for filing",
    )
    state_overnights: bool = True
    initials_each_page: bool = True
    notary_acknowledgment: bool = Field(default=False, description="The state or office requires the parents' signatures to be acknowledged before a notary (adds the notary block)")

    @model_validator(mode="before")
    @classmethod
    def _no_jurisdiction(cls, data: Any) -> Any:
        """``office.jurisdiction`` was accepted and ignored by earlier versions: say what replaced it."""
        if isinstance(data, dict) and "jurisdiction" in data:
            raise ValidationError.from_exception_data("Office", [InitErrorDetails(type=PydanticCustomError("value_error", (
                "office.jurisdiction is not used: the state overlay follows court.state, and an office overlay is given with "
                "--library (or the server's `mediation agreement: libraries`); remove this line"
            )), loc=("jurisdiction",), input=data["jurisdiction"])])
        return data


class Modifies(StrictModel):
    """The executed agreement this one amends (``mediation-agreement case amend`` sets it)."""

    agreement_date: date = Field(description="The date of the agreement being amended")
    executed_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the executed (sealed) agreement being amended")
    case_number: str | None = Field(default=None, max_length=ID_CHARS, description="Its court case number, when it had one")
    store_case_id: str | None = Field(default=None, max_length=ID_CHARS, description="Its case in the office's case store")


class ScheduleOption(StrictModel):
    """A parenting-time schedule the parents are weighing (``mediation-agreement options`` compares up to three)."""

    label: str = Field(min_length=1, max_length=120, description="What the parents call it, e.g. 'Week on, week off'")
    parenting_time: ParentingTimeSchedule


class Case(StrictModel):
    """A mediation case as the agreement sees it."""

    case_format: Literal[1] = CASE_FORMAT
    agreement_date: date | None = None
    modifies: Modifies | None = Field(default=None, description="An amended agreement: the executed agreement it replaces")
    office: Office
    mediator: Mediator
    court: Court
    parent_a: Parent
    parent_b: Parent
    children: list[Child] = Field(min_length=1, max_length=MAX_CHILDREN)
    safety: SafetyScreening = Field(default_factory=SafetyScreening)
    decision_making: DecisionMaking
    parenting_time: ParentingTimeSchedule
    exchanges: Exchanges
    child_support: ChildSupport | None = None
    provisions: Provisions = Field(default_factory=Provisions)
    communication: Communication
    dispute_resolution: DisputeResolution
    choices: dict[Name, Name] = Field(default_factory=dict, max_length=MAX_CHOICES, description="Clause id -> alternative chosen by the mediator")
    excluded_clauses: list[Name] = Field(default_factory=list, max_length=MAX_CHOICES)
    additional_terms: list[str] = Field(default_factory=list, max_length=MAX_LIST, description=f"Each at most {TEXT_CHARS:,} characters, together at most {ADDITIONAL_TERMS_CHARS:,}")
    options: list[ScheduleOption] = Field(default_factory=list, max_length=3, description="Schedules to compare before choosing one (not part of the agreement)")

    @model_validator(mode="before")
    @classmethod
    def _family_time_zone(cls, data: Any) -> Any:
        """No ``parenting_time.time_zone``: the court's state (and county) gives it (case/zones.py), or the case must."""
        if not isinstance(data, dict) or not isinstance(data.get("parenting_time"), dict) or "time_zone" in data["parenting_time"]:
            return data
        court = data.get("court") if isinstance(data.get("court"), dict) else {}
        state, county = court.get("state"), court.get("county")
        zone = state_time_zone(state if isinstance(state, str) else None, county if isinstance(county, str) else None)
        if zone is None:
            message = zone_problem(str(state), county if isinstance(county, str) else None) or "give parenting_time.time_zone"
            raise ValidationError.from_exception_data(
                "Case", [InitErrorDetails(type=PydanticCustomError("missing", message), loc=("parenting_time", "time_zone"), input=None)]
            )
        return {**data, "parenting_time": {**data["parenting_time"], "time_zone": zone}}

    @field_validator("additional_terms")
    @classmethod
    def _terms_fit(cls, value: list[str]) -> list[str]:
        total = sum(len(term) for term in value)
        if total > ADDITIONAL_TERMS_CHARS:
            raise ValueError(f"additional terms add up to {total:,} characters; the limit is {ADDITIONAL_TERMS_CHARS:,}")
        return value

    _origin: tuple[str, LineMap] = PrivateAttr(default_factory=lambda: ("<case>", LineMap()))
    """Where the case was read from, so checks made after loading can name the file and line."""

    def __eq__(self, other: object) -> bool:
        """Two cases are equal when their answers are; where each was read from does not count."""
        return isinstance(other, Case) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def parent(self, party: Party) -> Parent:
        return self.parent_a if party == "a" else self.parent_b

    def invalid(self, problems: list[tuple[str, str]]) -> CaseValidationError:
        """An error for rules checked after loading (the guideline amount, say), pointing at the case file's lines."""
        source, lines = self._origin
        return CaseValidationError(
            [Problem(message, path=source, line=lines.line_for(field_key(path)), field_path=path) for path, message in problems],
            path=source,
        )

    def other(self, party: Party) -> Parent:
        return self.parent_b if party == "a" else self.parent_a

    @property
    def consent_for_moves(self) -> Literal["each_parent", "restrained_parent"]:
        """Whose moves and trips abroad wait for consent: the case's answer, else each parent, or only the restrained one after a finding."""
        chosen = self.provisions.moves_and_travel_consent
        if chosen is not None:
            return chosen
        return "restrained_parent" if self.safety.restrained is not None else "each_parent"


# --------------------------------------------------------------------------- loading


def load_case(path: str | Path) -> Case:
    """Read and validate a case file; raise :class:`CaseFileError` naming file, line and field."""
    data, lines = load_with_lines(path, error=CaseFileError)
    return case_from_data(data, source=str(path), lines=lines)


def parse_case_text(text: str, *, source: str = "<case>") -> Case:
    """Validate a case given as YAML/JSON text (the interviews' upload path)."""
    data, lines = parse_yaml(text, source=source, error=CaseFileError)
    return case_from_data(data, source=source, lines=lines)


def case_from_data(data: Any, *, source: str = "<case>", lines: LineMap | None = None) -> Case:
    """Validate already-parsed data as a :class:`Case`."""
    lines = lines or LineMap()
    if not isinstance(data, dict):
        raise CaseFileError("a case file must be a mapping of fields (see `mediation-agreement schema`)", path=source, line=1)
    ready(Case)  # its validator: from the one kept on disk when the code is unchanged (prebuilt.py)
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise CaseValidationError(validation_problems(exc, Case, source, lines), path=source) from None
    case._origin = (source, lines)
    cross = cross_field_problems(case)
    if cross:
        raise case.invalid(cross)
    return case


def field_key(path: str) -> tuple[str | int, ...]:
    """``children[0].name`` -> ``("children", 0, "name")``, the key the line map uses."""
    key: list[str | int] = []
    for part in path.split("."):
        name, *indexes = part.split("[")
        if name:
            key.append(name)
        key += [int(i.rstrip("]")) for i in indexes]
    return tuple(key)


def cross_field_problems(case: Case) -> list[tuple[str, str]]:
    """Rules that span sections, as (field path, message).

    Safety logic (DOMAIN.md): after a finding of domestic violence or abuse,
    terms that put the parents face to face are not available.
    """
    problems: list[tuple[str, str]] = []
    problems += safety_problems(case)  # case/safety_rules.py: who a finding concerns and protects (issue 12, part 1)
    if case.child_support and case.child_support.tax_dependency == "split_by_child" and len(case.children) < 2:
        problems.append(("child_support.tax_dependency", "split_by_child needs at least two children"))
    problems += support_terms_problems(case)
    return problems


def support_terms_problems(case: Case) -> list[tuple[str, str]]:
    """Enforceable support terms (issue 12, part 5): each rule names the fields it reads."""
    cs = case.child_support
    if cs is None:
        return []
    problems: list[tuple[str, str]] = []
    where = "child_support"
    if cs.arrears is not None:
        ar = cs.arrears
        if ar.period_from > ar.period_to:
            problems.append((f"{where}.arrears.period_to", f"the back-support period ends ({ar.period_to}) before it starts ({ar.period_from})"))
        if ar.amount == 0:
            problems.append((f"{where}.arrears.amount", "back support of 0.00: leave arrears out when nothing is owed"))
        elif ar.monthly_payment == 0:
            problems.append((f"{where}.arrears.monthly_payment", "a payment plan for back support needs a monthly payment above 0.00"))
        elif ar.monthly_payment > ar.amount:
            problems.append((f"{where}.arrears.monthly_payment", f"the monthly payment ({ar.monthly_payment:,.2f}) is more than the whole back support ({ar.amount:,.2f})"))
    exception = cs.withholding_exception
    if exception is not None and cs.payment_method == "income_withholding":
        problems.append((f"{where}.withholding_exception", "support is paid by income withholding, so there is no exception to state: leave withholding_exception out"))
    elif case.court.iv_d and cs.payment_method == "direct":
        if exception is None:
            problems.append((f"{where}.payment_method", "a IV-D order is paid by immediate income withholding unless the parents agree in writing to another way and the state allows it: give withholding_exception, or choose income_withholding"))
        elif not exception.written_agreement:
            problems.append((f"{where}.withholding_exception.written_agreement", "the exception to income withholding needs the parents' written agreement; without it choose income_withholding"))
        elif not exception.state_law_allows:
            problems.append((f"{where}.withholding_exception.state_law_allows", "the state's law does not allow this exception to income withholding: choose income_withholding"))
    hi = cs.health_insurance
    if hi.reasonable_cost_percent is not None and hi.monthly_premium is None:
        problems.append((f"{where}.health_insurance.monthly_premium", "the reasonable-cost test needs the monthly premium"))
    if hi.monthly_premium is not None and hi.reasonable_cost_percent is not None and hi.provider in ("a", "b") and cs.guideline is not None:
        income = (cs.guideline.parent_a if hi.provider == "a" else cs.guideline.parent_b).monthly_gross_income
        limit = (income * hi.reasonable_cost_percent / 100).quantize(Decimal("0.01"))
        if hi.monthly_premium > limit:
            problems.append((
                f"{where}.health_insurance.monthly_premium",
                f"the premium ({hi.monthly_premium:,.2f} a month) is more than {hi.reasonable_cost_percent}% of parent {hi.provider}'s gross income "
                f"({limit:,.2f} of {income:,.2f}), so it is not at reasonable cost: choose other coverage or cash_medical_support",
            ))
    if cs.cash_medical_support is not None and hi.provider == cs.payer:
        problems.append((f"{where}.cash_medical_support", f"parent {cs.payer} pays support and already provides the health insurance (health_insurance.provider): cash medical support is for a payer who does not"))
    if cs.child_care_costs is not None:
        if cs.child_care is None:
            problems.append((f"{where}.child_care_costs", "child_care_costs needs child_care (how the parents share the net cost)"))
        if cs.child_care_costs.monthly_tax_credit > cs.child_care_costs.monthly_cost:
            problems.append((f"{where}.child_care_costs.monthly_tax_credit", f"the tax credit ({cs.child_care_costs.monthly_tax_credit:,.2f}) is more than the child care cost ({cs.child_care_costs.monthly_cost:,.2f})"))
    if cs.life_insurance is not None and cs.life_insurance.amount == 0:
        problems.append((f"{where}.life_insurance.amount", "life insurance securing support needs an amount above 0.00"))
    return problems


def dump_case(case: Case) -> dict[str, Any]:
    """The case as plain JSON-compatible data, in the case-file format."""
    return case.model_dump(mode="json", exclude_none=True)


__all__ = [
    "CASE_FORMAT",
    "Address",
    "Arrears",
    "Case",
    "CashMedicalSupport",
    "ChildCareCosts",
    "ChildSupport",
    "Child",
    "Communication",
    "Court",
    "DecisionMaking",
    "DisputeResolution",
    "Exchanges",
    "GuidelineInputs",
    "HealthInsurance",
    "LifeInsurance",
    "Mediator",
    "Office",
    "OvernightsOverride",
    "Parent",
    "ParentIncome",
    "ProtectiveOrder",
    "Provisions",
    "ScheduleOption",
    "SafetyFinding",
    "SafetyScreening",
    "Split",
    "SupportAgency",
    "Travel",
    "WithholdingException",
    "case_from_data",
    "dump_case",
    "load_case",
    "parse_case_text",
]
