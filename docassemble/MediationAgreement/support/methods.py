"""The named methods.  Each reads its figures from the guideline file, never from code.

* ``percentage_of_income``: a percentage of the paying parent's income
  (Wisconsin ch. DCF 150), with the high-income brackets, shared placement
  and split placement.
* ``income_shares_table``: a table of the basic obligation by combined net
  income and number of children, shared in proportion to income (Washington
  ch. 26.19 RCW), with the statute's lower limits.
* ``percentage_of_combined_income``: a percentage of combined parental income
  up to a cap, pro-rated (New York Child Support Standards Act).

All arithmetic is ``Decimal`` and exact; only the final monthly amount is
rounded (half up, to the cent) unless a guideline file says otherwise.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..errors import GuidelineError
from .context import Context
from .inputs import PARENTS, Parent, other
from .worksheet import Worksheet, WorksheetLine, cents

if TYPE_CHECKING:
    from .data import TableEdition

ZERO = Decimal(0)
TWELVE = Decimal(12)


# -- shared helpers ---------------------------------------------------------------------


def _finish(ctx: Context, lines: list[WorksheetLine], payer: Parent | None, amount: Decimal, bracket: str) -> Worksheet:
    amount = cents(amount) if amount > 0 else Decimal("0.00")
    if amount == 0:
        payer = None
    effective = max([ctx.guideline.start, *ctx.dates_used])
    return Worksheet(
        guideline=ctx.guideline.id,
        model=ctx.guideline.model,
        as_of=ctx.day,
        effective_date=effective,
        lines=tuple(lines),
        payer=payer,
        monthly_amount=amount,
        bracket=bracket,
        rounding=ctx.guideline.rounding,
        notes=tuple(ctx.notes),
    )


def _residential_parent(ctx: Context, rule: str) -> Parent:
    """The parent the children mainly live with: as named, else the one with more overnights."""
    inputs = ctx.inputs
    if inputs.primary_residence is not None:
        return inputs.primary_residence
    homes = {child.lives_with for child in inputs.children}
    if len(homes) == 1 and None not in homes:
        (home,) = homes
        assert home is not None
        return home
    nights = {p: inputs.parent(p).annual_overnights for p in PARENTS}
    if nights["a"] == nights["b"]:
        raise GuidelineError(f"the parents have equal overnights ({nights['a']}); {rule} — name the parent the children mainly live with in inputs.primary_residence", field_path="inputs.primary_residence")
    return "a" if nights["a"] > nights["b"] else "b"


def _net_incomes(ctx: Context) -> tuple[dict[Parent, Decimal], dict[Parent, Decimal]]:
    """Each parent's deductions (checked against the guideline's list) and income after them."""
    deductions: dict[Parent, Decimal] = {}
    net: dict[Parent, Decimal] = {}
    known = ctx.guideline.deductions
    for p in PARENTS:
        parent = ctx.inputs.parent(p)
        for name in parent.deductions:
            item = known.get(name)
            if item is None:
                names = ", ".join(sorted(known)) or "none"
                raise GuidelineError(f"'{name}' is not a deduction guideline '{ctx.guideline.id}' allows (it allows: {names})", field_path=f"inputs.{p}.deductions.{name}")
            if not item.covers(ctx.day):
                raise GuidelineError(f"deduction '{name}' ({item.cite}) is not in force on {ctx.day.isoformat()}", field_path=f"inputs.{p}.deductions.{name}")
        deductions[p] = parent.total_deductions()
        if deductions[p] > parent.monthly_gross_income:
            raise GuidelineError(f"deductions ({deductions[p]}) exceed the gross income ({parent.monthly_gross_income})", field_path=f"inputs.{p}.deductions")
        net[p] = parent.monthly_gross_income - deductions[p]
    return deductions, net


def _pct(fraction: Decimal) -> str:
    """17 for 0.17, 9.67 for 0.0967: a percentage as written in the code."""
    return f"{(fraction * 100).normalize():f}"


def _money(key: str, label: str, a: Decimal | None = None, b: Decimal | None = None, combined: Decimal | None = None, *, number: str | None = None, cite: str | None = None, note: str | None = None) -> WorksheetLine:
    return WorksheetLine(key=key, label=label, a=a, b=b, combined=combined, number=number, kind="money", cite=cite, note=note)


def _ratio(key: str, label: str, a: Decimal | None = None, b: Decimal | None = None, combined: Decimal | None = None, *, cite: str | None = None) -> WorksheetLine:
    return WorksheetLine(key=key, label=label, a=a, b=b, combined=combined, kind="ratio", cite=cite)


def _count(key: str, label: str, a: int | None = None, b: int | None = None, combined: int | None = None, *, cite: str | None = None) -> WorksheetLine:
    def d(value: int | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return WorksheetLine(key=key, label=label, a=d(a), b=d(b), combined=d(combined), kind="count", cite=cite)


# -- Wisconsin: percentage of income -------------------------------------------------------


def percentage_of_income(ctx: Context) -> Worksheet:
    inputs = ctx.inputs
    n = len(inputs.children)
    for p in PARENTS:
        if inputs.parent(p).deductions:
            raise GuidelineError("this guideline works on monthly income available for child support (gross income); it defines no deductions", field_path=f"inputs.{p}.deductions")
    income = {p: inputs.parent(p).monthly_gross_income for p in PARENTS}
    lines = [_money("income", "Monthly income available for child support", income["a"], income["b"], income["a"] + income["b"], cite="DCF 150.03(1)")]
    ctx.notes.append("Low-income payer provisions (DCF 150.04(4), Appendix C) are not applied: the schedule in force could not be transcribed from an official source.")
    if any(inputs.parent(p).child_care or inputs.parent(p).health_insurance_premium or inputs.parent(p).long_distance_transportation for p in PARENTS):
        ctx.notes.append("Child care, health insurance and other variable costs are not part of this amount: DCF 150 has the court assign them separately.")
    homes = [child.lives_with for child in inputs.children]
    if any(h is None for h in homes) and any(h is not None for h in homes):
        raise GuidelineError("give lives_with for every child or for none", field_path="inputs.children")
    if len({h for h in homes if h is not None}) == 2:
        return _wi_split(ctx, income, lines, n)
    nights = {p: Decimal(inputs.parent(p).annual_overnights) for p in PARENTS}
    total = nights["a"] + nights["b"]
    if total > 0:
        share = {p: nights[p] / total for p in PARENTS}
        lines.append(_count("overnights", "Court-ordered overnights (or equivalent care) a year", int(nights["a"]), int(nights["b"]), int(total), cite="DCF 150.035(1)(ag)"))
        lines.append(_ratio("placement_share", "Proportion of the year with each parent", share["a"], share["b"], cite="DCF 150.035(1)(ag)1."))
        minimum_share = ctx.fraction("shared_placement_minimum_percent")
        minimum_nights = ctx.number("shared_placement_minimum_overnights")
        if all(share[p] >= minimum_share or nights[p] >= minimum_nights for p in PARENTS):
            return _wi_shared(ctx, income, share, lines, n)
    primary = _residential_parent(ctx, "DCF 150 needs to know which parent has primary placement")
    payer = other(primary)
    amount, bracket, label = _wi_standard(ctx, income[payer], n)
    std: dict[str, Decimal | None] = {"a": None, "b": None}
    std[payer] = amount
    lines.append(WorksheetLine("standard_amount", label, std["a"], std["b"], cite="DCF 150.035(2)" + (", 150.04(5)" if bracket != "standard" else "")))
    lines.append(_money("amount", "Child support the paying parent owes", combined=amount, cite="DCF 150.035(2)"))
    return _finish(ctx, lines, payer, amount, f"primary:{bracket}")


def _wi_standard(ctx: Context, income: Decimal, n: int) -> tuple[Decimal, str, str]:
    """The percentage standard (DCF 150.035(2)), with the high-income brackets of DCF 150.04(5) when applied."""
    percent = ctx.fraction("percentage_standard", n)
    label = f"Multiply the monthly income by the percentage standard for {n} {'child' if n == 1 else 'children'} ({_pct(percent)}%)"
    if ctx.choice("high_income_provision") == "apply":
        lower = ctx.number("high_income_lower_threshold")
        upper = ctx.number("high_income_upper_threshold")
        if income > lower:
            middle = ctx.fraction("high_income_middle_percentage", n)
            top = ctx.fraction("high_income_top_percentage", n)
            amount = percent * lower + middle * (min(income, upper) - lower) + top * max(income - upper, ZERO)
            bracket = "high_income_over_12500" if income > upper else "high_income_7000_12500"
            label = (
                f"Percentage standard with the high-income percentages: {_pct(percent)}% of the first ${lower:,}, "
                f"{_pct(middle)}% from ${lower:,} to ${upper:,}, {_pct(top)}% above ${upper:,}"
            )
            return amount, bracket, label
    return percent * income, "standard", label


def _wi_shared(ctx: Context, income: dict[Parent, Decimal], share: dict[Parent, Decimal], lines: list[WorksheetLine], n: int) -> Worksheet:
    """DCF 150.035(1): each parent's amount x 150%, times the other parent's share of the year, offset."""
    standard: dict[Parent, Decimal] = {}
    brackets: dict[Parent, str] = {}
    labels: dict[Parent, str] = {}
    for p in PARENTS:
        standard[p], brackets[p], labels[p] = _wi_standard(ctx, income[p], n)
    multiplier = ctx.fraction("shared_placement_multiplier")
    maintenance = {p: standard[p] * multiplier for p in PARENTS}
    owed = {p: maintenance[p] * share[other(p)] for p in PARENTS}
    lines.append(WorksheetLine("standard_amount", labels["a"] if labels["a"] == labels["b"] else "Multiply the monthly income by the percentage standard", standard["a"], standard["b"], number="1", cite="DCF 150.035(1)(b), 150.035(2)"))
    lines.append(_money("household_maintenance", f"Multiply line 1 by {_pct(multiplier)}%", maintenance["a"], maintenance["b"], number="2", cite="DCF 150.035(1)(b)"))
    lines.append(_money("shared_obligation", "Multiply line 2 by the proportion of time the child spends with the other parent", owed["a"], owed["b"], number="3", cite="DCF 150.035(1)(b)"))
    difference = owed["a"] - owed["b"]
    payer: Parent | None = "a" if difference > 0 else "b" if difference < 0 else None
    amount = abs(difference)
    lines.append(_money("offset", "Offset: subtract the lower line 3 amount from the higher", combined=amount, cite="DCF 150.035(1)(b)"))
    bracket = "shared:none"
    if payer is not None:
        bracket = f"shared:{brackets[payer]}"
        if amount > standard[payer]:
            amount = standard[payer]
            bracket += ":capped"
            ctx.notes.append("The offset exceeded the paying parent's percentage standard amount, so the paying parent owes the percentage standard amount (DCF shared-placement calculation, step five).")
    lines.append(_money("amount", "Child support the paying parent owes (not more than that parent's percentage standard amount)", combined=amount, cite="DCF 150.035(1)(b)"))
    return _finish(ctx, lines, payer, amount, bracket)


def _wi_split(ctx: Context, income: dict[Parent, Decimal], lines: list[WorksheetLine], n: int) -> Worksheet:
    """DCF 150.04(3): each parent pays the pro rata percentage for the children placed with the other, offset."""
    with_parent = {p: sum(1 for c in ctx.inputs.children if c.lives_with == p) for p in PARENTS}
    pro_rata = ctx.fraction("split_pro_rata_percentage", n)
    percent = {p: pro_rata * with_parent[other(p)] for p in PARENTS}
    owed = {p: income[p] * percent[p] for p in PARENTS}
    lines.append(_count("children_with_other", "Children placed with the other parent", with_parent["b"], with_parent["a"], n, cite="DCF 150.04(3)(b)"))
    lines.append(WorksheetLine("split_percentage", "Pro rata percentage standard for those children", percent["a"] * 100, percent["b"] * 100, kind="percent", cite="DCF 150.04(3)(b) and Note"))
    lines.append(_money("split_obligation", "Income x pro rata percentage", owed["a"], owed["b"], cite="DCF 150.04(3)(b)"))
    difference = owed["a"] - owed["b"]
    payer: Parent | None = "a" if difference > 0 else "b" if difference < 0 else None
    amount = abs(difference)
    lines.append(_money("amount", "Offset: the parent with the greater obligation is the split-placement payer", combined=amount, cite="DCF 150.04(3)(c)"))
    ctx.notes.append("Split placement uses the pro rata percentages of the DCF 150.04(3) Note on the full income; the high-income percentages (DCF 150.04(5)) are not combined with split placement here.")
    return _finish(ctx, lines, payer, amount, "split")


# -- Washington: income shares by economic table ---------------------------------------------


def income_shares_table(ctx: Context) -> Worksheet:
    inputs = ctx.inputs
    n = len(inputs.children)
    deductions, net = _net_incomes(ctx)
    gross = {p: inputs.parent(p).monthly_gross_income for p in PARENTS}
    combined = net["a"] + net["b"]
    lines = [
        _money("gross_income", "Gross monthly income", gross["a"], gross["b"], cite="RCW 26.19.071(3)"),
        _money("deductions", "Deductions from gross monthly income", deductions["a"], deductions["b"], cite="RCW 26.19.071(5)"),
        _money("net_income", "Monthly net income", net["a"], net["b"], combined, cite="RCW 26.19.071(5)"),
    ]
    ages = [child.age_on(ctx.day) for child in inputs.children]
    lines.append(WorksheetLine("children", f"Children for whom support is owed (ages {', '.join(map(str, ages))})", combined=Decimal(n), kind="count", cite="RCW 26.19.011(1)"))
    edition = ctx.table("economic_table")
    column = f"children_{n}"
    if column not in edition.columns:
        covered = [c.removeprefix("children_") for c in edition.columns if c.startswith("children_")]
        raise GuidelineError(f"the economic table covers {covered[0]} to {covered[-1]} children; this case has {n}", path=edition.file, line=1)
    if combined < edition.bottom:
        raise GuidelineError(
            f"combined monthly net income {cents(combined)} is below the economic table's lowest row ({edition.bottom}); RCW 26.19.020: "
            f"\"For income less than ${edition.bottom:,} the obligation is based upon the resources and living expenses of each household\" — the schedule gives no presumptive amount",
            field_path="inputs",
        )
    per_child, row_note, above = _wa_lookup(ctx, edition, combined, column)
    basic_total = per_child * n
    lines.append(_money("basic_per_child", "Basic support obligation per child, from the economic table", combined=per_child, cite="RCW 26.19.020", note=row_note))
    lines.append(_money("basic_obligation", "Basic child support obligation", combined=basic_total, cite="RCW 26.19.011(1), 26.19.020"))
    share = {p: net[p] / combined for p in PARENTS}
    lines.append(_ratio("income_share", "Proportional share of income", share["a"], share["b"], cite="RCW 26.19.080(1)"))
    basic = {p: basic_total * share[p] for p in PARENTS}
    lines.append(_money("parent_basic", "Each parent's basic child support obligation, before the RCW 26.19.065 limits", basic["a"], basic["b"], cite="RCW 26.19.080(1)"))
    home = _residential_parent(ctx, "the standard calculation needs the parent who pays the transfer payment")
    obligor = other(home)
    limited, bracket = _wa_limits(ctx, net[obligor], basic[obligor], n, inputs.parent(obligor).other_children)
    if bracket == "table" and above:
        bracket = "above_table"
    after = {p: basic[p] for p in PARENTS}
    after[obligor] = limited
    lines.append(_money("parent_basic_limited", "Each parent's basic child support obligation after the limits", after["a"], after["b"], cite="RCW 26.19.065(1), (2)"))
    health = {p: inputs.parent(p).health_insurance_premium for p in PARENTS}
    care = {p: inputs.parent(p).child_care for p in PARENTS}
    travel = {p: inputs.parent(p).long_distance_transportation for p in PARENTS}
    paid = {p: health[p] + care[p] + travel[p] for p in PARENTS}
    total_expenses = paid["a"] + paid["b"]
    lines.append(_money("health_care", "Health care costs: the children's health insurance premiums", health["a"], health["b"], health["a"] + health["b"], cite="RCW 26.19.080(2)"))
    lines.append(_money("day_care", "Day care", care["a"], care["b"], care["a"] + care["b"], cite="RCW 26.19.080(3)"))
    lines.append(_money("long_distance_transportation", "Long-distance transportation for visitation", travel["a"], travel["b"], travel["a"] + travel["b"], cite="RCW 26.19.080(3)"))
    expense_share = {p: total_expenses * share[p] for p in PARENTS}
    lines.append(_money("expense_share", "Each parent's share of health care, day care and special expenses", expense_share["a"], expense_share["b"], total_expenses, cite="RCW 26.19.080(2), (3)"))
    gross_obligation = {p: after[p] + expense_share[p] for p in PARENTS}
    lines.append(_money("gross_obligation", "Gross child support obligation", gross_obligation["a"], gross_obligation["b"]))
    lines.append(_money("credits", "Credits: expenses each parent pays", paid["a"], paid["b"]))
    net_obligation = {p: gross_obligation[p] - paid[p] for p in PARENTS}
    lines.append(_money("net_obligation", "Net child support obligation", net_obligation["a"], net_obligation["b"]))
    transfer = net_obligation[obligor]
    if transfer < 0:
        ctx.notes.append(f"Parent {obligor}'s credits exceed the obligation by {cents(-transfer)}; reimbursing that is outside the standard calculation (RCW 26.19.080(3)).")
        transfer = ZERO
    lines.append(_money("transfer_payment", f"Standard calculation: transfer payment from parent {obligor.upper()}", combined=transfer, cite="RCW 26.19.080"))
    ctx.notes.append("The residential schedule is not a formula in ch. 26.19 RCW; it can only be a reason to deviate (RCW 26.19.075(1)(d)).")
    return _finish(ctx, lines, obligor, transfer, bracket)


def _wa_lookup(ctx: Context, edition: TableEdition, combined: Decimal, column: str) -> tuple[Decimal, str, bool]:
    """The per-child amount for ``combined`` income, by the guideline's rule for incomes between rows."""
    index = edition.column(column)
    if combined >= edition.top:
        note = None
        if combined > edition.top:
            note = (
                f"Combined income above ${edition.top:,}: the table is presumptive up to and including ${edition.top:,}; "
                f"the court may exceed the amount set for ${edition.top:,} upon written findings of fact (RCW 26.19.065(3))"
            )
            ctx.notes.append(note)
        return edition.rows[-1][index], note or f"row {edition.top}", combined > edition.top
    rule = ctx.choice("between_rows")
    keys = edition.keys
    # bisect by hand: keys are strictly increasing (checked by the loader)
    low, high = 0, len(keys) - 1
    while low < high:
        mid = (low + high + 1) // 2
        if keys[mid] <= combined:
            low = mid
        else:
            high = mid - 1
    if keys[low] == combined:
        return edition.rows[low][index], f"row {keys[low]}", False
    below, above = low, low + 1
    if rule == "row_at_or_below":
        chosen = below
    elif rule == "nearest_row":
        midpoint = (keys[below] + keys[above]) / 2
        chosen = above if combined >= midpoint else below
    else:  # interpolate
        span = keys[above] - keys[below]
        fraction = (combined - keys[below]) / span
        value = edition.rows[below][index] + (edition.rows[above][index] - edition.rows[below][index]) * fraction
        return value, f"interpolated between rows {keys[below]} and {keys[above]}", False
    return edition.rows[chosen][index], f"row {keys[chosen]} ({rule.replace('_', ' ')} for {cents(combined)})", False


def _wa_limits(ctx: Context, net: Decimal, basic: Decimal, n: int, other_children: int) -> tuple[Decimal, str]:
    """RCW 26.19.065(1)-(2): the 45% of net income limit, the self-support reserve and the $50 per child minimum."""
    limit = ctx.fraction("net_income_limit_percent") * net * Decimal(n) / Decimal(n + other_children)
    reserve = ctx.fraction("self_support_reserve_percent") * ctx.number("federal_poverty_guideline_one_person") / TWELVE
    minimum = ctx.number("presumptive_minimum_per_child") * n
    room = max(net - reserve, ZERO)
    limited = min(basic, limit, room)
    bracket = "table"
    if limited < basic:
        bracket = "limited_45_percent" if limit <= room else "self_support_reserve"
    if net < reserve:
        # (2)(a): below the reserve "a support order of not less than $50 per child per month shall be entered"
        if minimum > limited:
            limited, bracket = minimum, "presumptive_minimum"
    elif min(basic, minimum) > limited:
        # (2)(b): the reserve limit yields to the presumptive minimum payment
        limited, bracket = min(basic, minimum), "reserve_minimum"
    if bracket != "table":
        ctx.notes.append(
            f"RCW 26.19.065 limits applied to the paying parent's basic obligation ({bracket.replace('_', ' ')}): 45% of net income for these children {cents(limit)}, "
            f"self-support reserve {cents(reserve)} a month, presumptive minimum {cents(minimum)}. The court must consider whether applying a limit would be unjust."
        )
    return limited, bracket


# -- New York: percentage of combined parental income -----------------------------------------


def percentage_of_combined_income(ctx: Context) -> Worksheet:
    inputs = ctx.inputs
    n = len(inputs.children)
    deductions, net = _net_incomes(ctx)
    income = {p: net[p] * TWELVE for p in PARENTS}
    gross = {p: inputs.parent(p).monthly_gross_income * TWELVE for p in PARENTS}
    combined = income["a"] + income["b"]
    lines = [
        _money("gross_income", "Gross income (annual)", gross["a"], gross["b"], cite="FCA 413(1)(b)(5); DRL 240(1-b)(b)(5)"),
        _money("deductions", "Deductions (annual)", deductions["a"] * TWELVE, deductions["b"] * TWELVE, cite="FCA 413(1)(b)(5)(vii)"),
        _money("income", "Income (annual)", income["a"], income["b"], combined, cite="FCA 413(1)(b)(5)"),
    ]
    home = _residential_parent(ctx, "the Child Support Standards Act needs the custodial parent")
    payer = other(home)
    cap = ctx.number("combined_parental_income_cap")
    percent = ctx.fraction("child_support_percentage", n)
    capped = min(combined, cap)
    basic_combined = capped * percent
    lines.append(_money("combined_up_to_cap", f"Combined parental income up to ${cap:,}", combined=capped, cite="FCA 413(1)(c)(2)"))
    lines.append(WorksheetLine("percentage", f"Child support percentage for {n} {'child' if n == 1 else 'children'}", combined=percent * 100, kind="percent", cite="FCA 413(1)(b)(3)"))
    lines.append(_money("combined_obligation", "Combined basic child support obligation (annual)", combined=basic_combined, cite="FCA 413(1)(c)(2)"))
    share = {p: (income[p] / combined) if combined > 0 else ZERO for p in PARENTS}
    lines.append(_ratio("income_share", "Each parent's pro rata share of combined parental income", share["a"], share["b"], cite="FCA 413(1)(c)(2)"))
    obligation = basic_combined * share[payer]
    bracket = "standard"
    if combined > cap:
        bracket = "above_cap"
        ctx.notes.append(
            f"Combined parental income exceeds ${cap:,} by {cents(combined - cap)}; for that part the court decides, by the paragraph (f) factors "
            "and/or the child support percentage (FCA 413(1)(c)(3)). It is not included in this amount."
        )
    poverty = ctx.number("poverty_income_guideline")
    reserve = ctx.fraction("self_support_reserve_percent") * poverty
    remaining = income[payer] - obligation
    if remaining < poverty:
        obligation = ctx.number("poverty_order_monthly") * TWELVE
        bracket = "poverty"
        ctx.notes.append(f"The obligation would reduce the noncustodial parent's income below the poverty income guideline ({cents(poverty)}): the basic obligation is the statutory monthly amount.")
    elif remaining < reserve:
        obligation = max(ctx.number("self_support_reserve_minimum_monthly") * TWELVE, income[payer] - reserve)
        bracket = "self_support_reserve"
        ctx.notes.append(f"The obligation would reduce the noncustodial parent's income below the self-support reserve ({cents(reserve)}): the basic obligation is the greater of the statutory minimum and income less the reserve.")
    payer_line: dict[str, Decimal | None] = {"a": None, "b": None}
    payer_line[payer] = obligation
    lines.append(_money("basic_obligation", "Noncustodial parent's basic child support obligation (annual)", payer_line["a"], payer_line["b"], cite="FCA 413(1)(c)(2), (d)"))
    care = {p: inputs.parent(p).child_care * TWELVE for p in PARENTS}
    health = {p: inputs.parent(p).health_insurance_premium * TWELVE for p in PARENTS}
    lines.append(_money("child_care", "Reasonable child care expenses (annual)", care["a"], care["b"], care["a"] + care["b"], cite="FCA 413(1)(c)(4), (6)"))
    lines.append(_money("health_insurance", "Cost of health insurance for the children (annual)", health["a"], health["b"], health["a"] + health["b"], cite="FCA 413(1)(c)(5)"))
    add_on = (care["a"] + care["b"] + health["a"] + health["b"]) * share[payer] - care[payer] - health[payer]
    lines.append(_money("add_ons", "Noncustodial parent's pro rata share of those expenses, less what that parent pays (annual)", combined=add_on, cite="FCA 413(1)(c)(4)-(6)"))
    annual = obligation + add_on
    lines.append(_money("annual_amount", "Child support (annual)", combined=max(annual, ZERO)))
    monthly = max(annual, ZERO) / TWELVE
    lines.append(_money("monthly_amount", "Child support (monthly: annual / 12)", combined=monthly))
    if inputs.parent(payer).long_distance_transportation or inputs.parent(home).long_distance_transportation:
        ctx.notes.append("Transportation costs are not an add-on under the Child Support Standards Act; they are left out of this amount.")
    ctx.notes.append("Educational expenses (FCA 413(1)(c)(7)) and unreimbursed health care expenses are decided case by case and are not included.")
    return _finish(ctx, lines, payer, monthly, bracket)


__all__ = ["income_shares_table", "percentage_of_combined_income", "percentage_of_income"]
