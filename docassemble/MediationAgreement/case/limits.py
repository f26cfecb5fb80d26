"""How big a case may be: every string, list, number and date has a bound.

A case file comes from outside (a mediator's hand, an upload in an
interview), so nothing in it may make the work unbounded or a renderer fail:
the file itself is bounded in :mod:`.yamlsource` (size, and nesting and
values with YAML aliases expanded); the values are bounded here, in the model, before any
computation starts.  The limits are generous for a real case (the examples
use a fraction of each) and documented in ``docs/case-limits.md``:

* names and labels (a parent, a child, the court, a holiday): 200 characters;
* identifiers and contact details (case numbers, phone numbers, time zones): 100;
* free text (a reason, the school, additional terms): 10,000 each — the
  ceiling for every string, set on the base model, so a new field is bounded
  even before it gets its own limit;
* lists: 20 children, 100 holidays, 100 one-off changes, 20 school years;
* dates between 1900-01-01 and 2200-12-31; whole numbers and amounts below
  one billion.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

NAME_CHARS = 200
"""A person's, a court's, an office's name; a holiday or option label."""

ID_CHARS = 100
"""A case or bar number, a phone number, a time zone."""

EMAIL_CHARS = 254
"""The longest email address the standards allow."""

TEXT_CHARS = 10_000
"""Any one free-text value; also the ceiling for every string in the case model.

Typst stops (a panic, not an error) on a single unbreakable run of text of
more than 65,535 bytes; 10,000 characters are at most 40,000 bytes."""

ADDITIONAL_TERMS_CHARS = 50_000
"""All additional terms together (they are one clause, and a clause's text is bounded at 100,000)."""

MAX_CHILDREN = 20
MAX_HOLIDAYS = 100
MAX_ONE_OFF_CHANGES = 100
MAX_SCHOOL_YEARS = 20
MAX_SUMMER_BLOCKS = 20
MAX_HOLIDAY_DATES = 100
MAX_LIST = 50
"""Any other list: related cases, additional terms, names of children a rule applies to."""
MAX_CHOICES = 500
"""Clause choices and excluded clauses (a library has about a hundred clauses)."""

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)
"""Every date in a case lies between these (schedules are computed a few years past their dates)."""

MAX_NUMBER = 999_999_999
"""The largest whole number or amount anywhere in a case (amounts: below one billion dollars)."""

MAX_MILES = 25_000
"""Distances (no two homes on Earth are farther apart)."""

Name = Annotated[str, Field(max_length=NAME_CHARS)]
Identifier = Annotated[str, Field(max_length=ID_CHARS)]
Text = Annotated[str, Field(max_length=TEXT_CHARS)]

__all__ = [
    "ADDITIONAL_TERMS_CHARS",
    "EARLIEST_DATE",
    "EMAIL_CHARS",
    "ID_CHARS",
    "LATEST_DATE",
    "MAX_CHILDREN",
    "MAX_CHOICES",
    "MAX_HOLIDAYS",
    "MAX_HOLIDAY_DATES",
    "MAX_LIST",
    "MAX_MILES",
    "MAX_NUMBER",
    "MAX_ONE_OFF_CHANGES",
    "MAX_SCHOOL_YEARS",
    "MAX_SUMMER_BLOCKS",
    "NAME_CHARS",
    "TEXT_CHARS",
    "Identifier",
    "Name",
    "Text",
]
