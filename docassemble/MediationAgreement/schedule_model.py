"""The parenting-time schedule as data: regular pattern, seasons, holidays, one-offs.

Layers apply in a fixed order, each overriding the one below it:
regular pattern < seasonal (summer, school breaks) < holidays < one-off changes.
The computation lives in :mod:`.schedule`; this module only says what a
schedule *is*, so that the case model, the interviews and the clause library
share one definition.
"""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Party = Literal["a", "b"]
"""A parent, by the letter used throughout the case file: ``a`` or ``b``."""

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class StrictModel(BaseModel):
    """Base for every case-file model: unknown keys are errors (typos get caught)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_default=True)


class PatternKind(StrEnum):
    """The regular (school-year) patterns mediators use most."""

    ALTERNATING_WEEKS = "alternating_weeks"
    TWO_TWO_THREE = "2-2-3"
    TWO_TWO_FIVE_FIVE = "2-2-5-5"
    THREE_FOUR_FOUR_THREE = "3-4-4-3"
    FIVE_TWO = "5-2"
    EVERY_OTHER_WEEKEND = "every_other_weekend"
    EVERY_WEEKEND = "every_weekend"
    FIRST_THIRD_FIFTH_WEEKENDS = "first_third_fifth_weekends"
    CUSTOM_ROTATION = "custom_rotation"


class RegularPattern(StrictModel):
    """The pattern that repeats through the school year.

    ``anchor`` is the first day of a cycle; ``starts_with`` is the parent who has
    the children from the anchor's exchange time.  Weekend patterns give the
    children to ``primary_parent`` except on the other parent's weekends.
    """

    kind: PatternKind
    anchor: date
    starts_with: Party = "a"
    primary_parent: Party | None = None
    weekend_starts: Literal["thursday", "friday"] = "friday"
    weekend_ends: Literal["sunday", "monday"] = "sunday"
    midweek: Literal["none", "evening", "overnight"] = "none"
    midweek_day: Weekday = "wednesday"
    midweek_start: time = time(17, 0)
    midweek_end: time = time(19, 30)
    rotation: list[Party] = Field(default_factory=list, description="Custom rotation: the parent for each day of the cycle, in order.")

    @model_validator(mode="after")
    def _check_pattern(self) -> RegularPattern:
        weekend = {PatternKind.EVERY_OTHER_WEEKEND, PatternKind.EVERY_WEEKEND, PatternKind.FIRST_THIRD_FIFTH_WEEKENDS}
        if self.kind in weekend and self.primary_parent is None:
            raise ValueError(f"pattern '{self.kind.value}' needs primary_parent (the parent the children live with during the week)")
        if self.kind is PatternKind.CUSTOM_ROTATION and not self.rotation:
            raise ValueError("custom_rotation needs a non-empty 'rotation' list (one parent per day)")
        if self.kind is not PatternKind.CUSTOM_ROTATION and self.rotation:
            raise ValueError(f"'rotation' is only used with custom_rotation, not '{self.kind.value}'")
        return self

    @property
    def other_parent(self) -> Party:
        primary = self.primary_parent or self.starts_with
        return "b" if primary == "a" else "a"


class SchoolYear(StrictModel):
    """Dates from the children's school calendar: inputs, never guesses."""

    first_day: date
    last_day: date
    winter_break_start: date | None = None
    winter_break_end: date | None = None
    spring_break_start: date | None = None
    spring_break_end: date | None = None
    thanksgiving_break_start: date | None = None
    thanksgiving_break_end: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> SchoolYear:
        if self.last_day <= self.first_day:
            raise ValueError("last_day must be after first_day")
        for name in ("winter_break", "spring_break", "thanksgiving_break"):
            start, end = getattr(self, f"{name}_start"), getattr(self, f"{name}_end")
            if (start is None) != (end is None):
                raise ValueError(f"{name}_start and {name}_end go together")
            if start is not None and end is not None and end < start:
                raise ValueError(f"{name}_end is before {name}_start")
        return self


class SummerBlock(StrictModel):
    """A block of summer time given to one parent."""

    parent: Party
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> SummerBlock:
        if self.end < self.start:
            raise ValueError("summer block ends before it starts")
        return self


class Summer(StrictModel):
    """How summer differs from the school year.

    ``regular``: the school-year pattern continues.  ``alternating_weeks``:
    week on, week off from the first Monday after school ends.  ``blocks``:
    each parent's listed blocks; the regular pattern fills the rest.
    ``weeks_each`` records the agreed length of each parent's block, and
    ``notice_by`` the date by which parents choose their weeks.
    """

    arrangement: Literal["regular", "alternating_weeks", "blocks"] = "regular"
    weeks_each: int | None = Field(default=None, ge=1, le=8)
    blocks: list[SummerBlock] = Field(default_factory=list)
    notice_by: str | None = Field(default=None, description="e.g. 'April 1' each year")

    @model_validator(mode="after")
    def _blocks(self) -> Summer:
        ordered = sorted(self.blocks, key=lambda b: b.start)
        for first, second in zip(ordered, ordered[1:]):
            if second.start <= first.end:
                raise ValueError(f"summer blocks overlap: {first.start}..{first.end} and {second.start}..{second.end}")
        if self.arrangement == "blocks" and not self.blocks and self.weeks_each is None:
            raise ValueError("summer 'blocks' needs either blocks or weeks_each")
        return self


class HolidayName(StrEnum):
    """Holidays the engine can place on the calendar by rule."""

    NEW_YEARS_DAY = "new_years_day"
    MLK_DAY = "martin_luther_king_day"
    PRESIDENTS_DAY = "presidents_day"
    EASTER = "easter"
    SPRING_BREAK = "spring_break"
    MOTHERS_DAY = "mothers_day"
    MEMORIAL_DAY = "memorial_day"
    FATHERS_DAY = "fathers_day"
    INDEPENDENCE_DAY = "independence_day"
    LABOR_DAY = "labor_day"
    HALLOWEEN = "halloween"
    THANKSGIVING = "thanksgiving"
    WINTER_BREAK = "winter_break"
    CHRISTMAS_EVE = "christmas_eve"
    CHRISTMAS_DAY = "christmas_day"
    CHILD_BIRTHDAY = "child_birthday"
    PARENT_BIRTHDAY = "parent_birthday"
    CUSTOM = "custom"


class HolidayRule(StrictModel):
    """One holiday and who has the children for it.

    ``assignment``:
      * ``alternate``: ``even_years`` has it in even years, the other parent in odd years;
      * ``fixed``: ``parent`` has it every year (Mother's Day with the mother);
      * ``split``: the period is split at ``split_at`` (a date offset from the
        start and a time); ``even_years`` has the first half in even years.
    The time window runs from ``start_time`` on the first day (``start_offset_days``
    before the holiday) to ``end_time`` on the last day (``end_offset_days`` after).
    Monday and Friday holidays with ``attach_to_weekend`` extend the adjacent weekend.
    """

    holiday: HolidayName
    label: str | None = None
    month: int | None = Field(default=None, ge=1, le=12, description="for custom holidays")
    day: int | None = Field(default=None, ge=1, le=31, description="for custom holidays")
    assignment: Literal["alternate", "fixed", "split"] = "alternate"
    even_years: Party | None = None
    parent: Party | None = None
    split_after_days: int | None = Field(default=None, ge=1)
    split_time: time | None = None
    start_offset_days: int = Field(default=0, ge=0, le=14)
    start_time: time = time(9, 0)
    end_offset_days: int = Field(default=0, ge=0, le=14)
    end_time: time = time(18, 0)
    attach_to_weekend: bool = False

    @model_validator(mode="after")
    def _assigned(self) -> HolidayRule:
        name = self.label or self.holiday.value
        if self.assignment in ("alternate", "split") and self.even_years is None:
            raise ValueError(f"holiday '{name}' is assigned to nobody: set even_years (the parent who has it in even years)")
        if self.assignment == "fixed" and self.parent is None:
            raise ValueError(f"holiday '{name}' is assigned to nobody: set parent")
        if self.assignment == "split" and self.split_after_days is None:
            raise ValueError(f"holiday '{name}' is split but split_after_days is not set")
        if self.holiday is HolidayName.CUSTOM and (self.month is None or self.day is None or not self.label):
            raise ValueError("a custom holiday needs label, month and day")
        return self


class OneOffChange(StrictModel):
    """A single agreed change (a wedding, a trip): ``parent`` has the children from start to end."""

    parent: Party
    start: date
    end: date
    reason: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> OneOffChange:
        if self.end < self.start:
            raise ValueError("one-off change ends before it starts")
        return self


class ParentingTimeSchedule(StrictModel):
    """Everything needed to say who has the children on any day and night."""

    pattern: RegularPattern
    exchange_day: Weekday | None = None
    exchange_time: time = time(18, 0)
    time_zone: str = "America/Phoenix"
    school_years: list[SchoolYear] = Field(default_factory=list)
    summer: Summer = Field(default_factory=Summer)
    holidays: list[HolidayRule] = Field(default_factory=list)
    one_off_changes: list[OneOffChange] = Field(default_factory=list)
    supervised: bool = False
    supervisor: str | None = Field(default=None, description="Who supervises parenting time, when supervised")
    supervised_parent: Party | None = None
    long_distance: bool = False
    distance_miles: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _supervision(self) -> ParentingTimeSchedule:
        if self.supervised and (self.supervisor is None or self.supervised_parent is None):
            raise ValueError("supervised parenting time needs supervisor and supervised_parent")
        return self
