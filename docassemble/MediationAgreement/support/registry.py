"""Named methods: a guideline file says ``model: <name>``; :data:`MODELS` maps the name to a small function.

A guideline is data plus one of these methods.  Adding a state that uses an
existing method needs only a guideline folder; a genuinely new method is a
new function in :mod:`.methods`, listed here with the parameters and tables it reads.
"""

from __future__ import annotations

from . import methods
from .context import Model

MODELS: dict[str, Model] = {
    model.name: model
    for model in (
        Model(
            name="percentage_of_income",
            compute=methods.percentage_of_income,
            parameters=(
                "percentage_standard",
                "high_income_provision",
                "high_income_lower_threshold",
                "high_income_upper_threshold",
                "high_income_middle_percentage",
                "high_income_top_percentage",
                "shared_placement_minimum_percent",
                "shared_placement_minimum_overnights",
                "shared_placement_multiplier",
                "split_pro_rata_percentage",
            ),
            summary="A percentage of the payer's monthly income available for child support, by number of children.",
        ),
        Model(
            name="income_shares_table",
            compute=methods.income_shares_table,
            parameters=("net_income_limit_percent", "presumptive_minimum_per_child", "self_support_reserve_percent", "federal_poverty_guideline_one_person", "between_rows"),
            tables=("economic_table",),
            summary="A basic obligation read from a table by combined monthly net income and number of children, shared in proportion to net income.",
        ),
        Model(
            name="percentage_of_combined_income",
            compute=methods.percentage_of_combined_income,
            parameters=(
                "child_support_percentage",
                "combined_parental_income_cap",
                "self_support_reserve_percent",
                "poverty_income_guideline",
                "poverty_order_monthly",
                "self_support_reserve_minimum_monthly",
            ),
            summary="A percentage of combined parental income up to a cap, pro-rated between the parents by income.",
        ),
    )
}
