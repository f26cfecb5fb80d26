"""The holiday list screens answered from a case file (issue 13), for the engine harness and the browser tests alike.

No docassemble import: :mod:`tests.da_harness` and ``tests/e2e/answers.py`` both use it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from datetime import time
from typing import Any

LIST_SCREENS = ("holiday list", "holiday sharing", "holiday times")
SPLIT_FIELDS = ("split_date", "split_after_days", "split_time")
_KEY = re.compile(r"\[B?'([^']*)'\]")


class HolidayListAnswers:
    """The holiday list screens answered from a case file's ``parenting_time.holidays``.

    In list mode, each holiday the list offers is ticked the first time the file has it
    (when its sharing is one the list offers), with the file's sharing; the ones whose
    times differ from the usual ones are ticked for their own screen; every other
    holiday is added afterwards on the one-holiday screen.  The interview then holds
    the holidays in a different order from the file, so :meth:`file_path` maps the
    interview's index back to the file's.
    """

    def __init__(self, data: Mapping[str, Any], *, enabled: bool) -> None:
        from docassemble.MediationAgreement.schedule.holiday_picks import offered_holidays, sharing_codes, sharing_of

        rules = list(((data.get("parenting_time") or {}).get("holidays")) or [])
        roles = {p: (data.get(f"parent_{p}") or {}).get("role") for p in ("a", "b")}
        self.picked: dict[str, int] = {}
        if enabled:
            offered = {h.value for h in offered_holidays()}
            for index, rule in enumerate(rules):
                name = rule["holiday"]
                if name in offered and name not in self.picked and sharing_of(rule, roles) in sharing_codes(name):
                    self.picked[name] = index
        order = [h.value for h in offered_holidays() if h.value in self.picked]
        self.sharing = {name: sharing_of(rules[self.picked[name]], roles) for name in order}
        self.adjust = [name for name in order if set(changed_from_usual(rules[self.picked[name]])) - {"label"}]
        self.order = [self.picked[name] for name in order] + [i for i in range(len(rules)) if i not in self.picked.values()]

    def answers(self, variable: str) -> bool:
        return variable == "holiday_picks" or variable.startswith("holiday_sharing[") or variable == "holiday_adjust"

    def value(self, variable: str) -> Any:
        if variable == "holiday_picks":
            return list(self.picked)
        if variable == "holiday_adjust":
            return list(self.adjust)
        return self.sharing[variable.split("'")[1]]  # holiday_sharing['thanksgiving']

    def browser_value(self, variable: str) -> Any:
        """The answer for one input of the list screens as the browser names it: ``holiday_picks[B'…']``
        (docassemble base64-encodes a checkbox's key) is ticked or not; ``holiday_sharing['…']`` is a code."""
        match = _KEY.search(variable)
        assert match, f"not a holiday list input: {variable!r}"
        key = match.group(1)
        if "[B'" in variable:
            key = base64.b64decode(key + "=" * (-len(key) % 4)).decode("utf-8")
        if variable.startswith("holiday_picks"):
            return key in self.picked
        if variable.startswith("holiday_adjust"):
            return key in self.adjust
        return self.sharing[key]

    def file_path(self, tokens: list[Any]) -> list[Any]:
        """``["parenting_time", "holidays", k, ...]`` with the interview's ``k`` as the file's index."""
        if len(tokens) > 2 and tokens[:2] == ["parenting_time", "holidays"] and isinstance(tokens[2], int) and tokens[2] < len(self.order):
            return [*tokens[:2], self.order[tokens[2]], *tokens[3:]]
        return tokens


def changed_from_usual(rule: Mapping[str, Any]) -> list[str]:
    """The fields of a holiday's case data that differ from its usual window: what a mediator copying the file changes by hand."""
    from docassemble.MediationAgreement.case.schedule import HolidayRule
    from docassemble.MediationAgreement.schedule.holiday_picks import sharing_of, usual_rule

    usual = usual_rule(rule["holiday"], sharing_of(rule))
    defaults = {name: info.get_default(call_default_factory=True) for name, info in HolidayRule.model_fields.items() if not info.is_required()}
    return [key for key, default in defaults.items()
            if key not in ("assignment", "even_years", "parent") and _normal(rule.get(key, default)) != _normal(usual.get(key, default))]


def _normal(value: Any) -> Any:
    """"15:00" as the time it is, so a case file's text and a time object compare."""
    return time.fromisoformat(value) if isinstance(value, str) and len(value) == 5 and value[2] == ":" else value
