"""The case: everything a mediated parenting agreement needs, as typed data.

Rooms: :mod:`.model` (the case and its parts, loading case files),
:mod:`.schedule` (the parenting-time schedule as data), :mod:`.limits` (the
bound on every value), :mod:`.yamlsource` (YAML and JSON with every line
remembered, and the limits on a file), :mod:`.validation` (pydantic's
errors as messages with file, line and field), :mod:`.fields` (field paths
for the interviews).
"""

from __future__ import annotations

from .model import Case, Child, Parent, case_from_data, dump_case, load_case, parse_case_text
from .schedule import ParentingTimeSchedule

__all__ = [
    "Case",
    "Child",
    "Parent",
    "ParentingTimeSchedule",
    "case_from_data",
    "dump_case",
    "load_case",
    "parse_case_text",
]
