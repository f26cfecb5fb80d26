"""How agreements word people, numbers, money, dates and times.

Rooms: :mod:`.people` (parents and children with their pronouns, and the
grammar of one child or several), :mod:`.formats` (``money``, ``longdate``,
``clock``, ``words``, ``join_and``: the filters clause text uses).  The clause
sandbox (:mod:`..library.templating`) and the schedule's wording
(:mod:`..schedule.words`) both speak through these.
"""

from __future__ import annotations

from .formats import FILTERS, capfirst, clock, join_and, longdate, money, number_words, words
from .people import PRONOUNS, ChildrenView, ChildView, PersonView

__all__ = [
    "ChildView",
    "ChildrenView",
    "FILTERS",
    "PRONOUNS",
    "PersonView",
    "capfirst",
    "clock",
    "join_and",
    "longdate",
    "money",
    "number_words",
    "words",
]
