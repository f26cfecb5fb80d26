"""The schedule in Spanish, for the Spanish reading copy: ``schedule.*`` when clause text is in Spanish.

The same computations as the English text (:mod:`.pattern_text`,
:mod:`.holiday_text`, :mod:`.text`), said in Spanish: every branch of the
English has its Spanish sentence here, so the two copies state the same
schedule.  The case's free text (a holiday's own label, a reason for a one-off
change) is printed as typed.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from itertools import groupby
from typing import TYPE_CHECKING

from ..case.schedule import WEEKDAYS, HolidayName, HolidayRule, Party, PatternKind, RegularPattern, other_party
from ..wording.formats import MONTHS_ES, capfirst, longdate_es
from ..wording.spanish import ChildrenViewEs, PersonViewEs, clock_es, contract, join_y, month_day_es, weekday_es, words_es
from .compute import OvernightFigures
from .holiday_text import _FIXED_WEEKDAY, HolidayLine, _weekend_side, fixed_parent
from .pattern_text import rotation_runs, sole_home
from .timeline import PARTIES
from .words import child_names, figure, find_child

if TYPE_CHECKING:
    from ..case.model import Case


HOLIDAY_HEADER_ES: tuple[str, ...] = ("Día festivo", "Horario", "Años pares", "Años impares")

HOLIDAY_LABELS_ES: dict[HolidayName, tuple[str, str]] = {
    # label, article (the article says gender and number: "las vacaciones de invierno")
    HolidayName.NEW_YEARS_DAY: ("Día de Año Nuevo", "el"),
    HolidayName.MLK_DAY: ("Día de Martin Luther King Jr.", "el"),
    HolidayName.PRESIDENTS_DAY: ("Día de los Presidentes", "el"),
    HolidayName.GOOD_FRIDAY: ("Viernes Santo", "el"),
    HolidayName.EASTER: ("Domingo de Pascua", "el"),
    HolidayName.SPRING_BREAK: ("Vacaciones de primavera", "las"),
    HolidayName.MOTHERS_DAY: ("Día de la Madre", "el"),
    HolidayName.MEMORIAL_DAY: ("Día de los Caídos", "el"),
    HolidayName.FATHERS_DAY: ("Día del Padre", "el"),
    HolidayName.JUNETEENTH: ("Día de la Liberación (Juneteenth)", "el"),
    HolidayName.INDEPENDENCE_DAY: ("Día de la Independencia", "el"),
    HolidayName.LABOR_DAY: ("Día del Trabajo", "el"),
    HolidayName.INDIGENOUS_PEOPLES_DAY: ("Día de los Pueblos Indígenas", "el"),
    HolidayName.HALLOWEEN: ("Halloween", ""),
    HolidayName.VETERANS_DAY: ("Día de los Veteranos", "el"),
    HolidayName.THANKSGIVING: ("Día de Acción de Gracias", "el"),
    HolidayName.WINTER_BREAK: ("Vacaciones de invierno", "las"),
    HolidayName.CHRISTMAS_EVE: ("Nochebuena", "la"),
    HolidayName.CHRISTMAS_DAY: ("Día de Navidad", "el"),
    HolidayName.NEW_YEARS_EVE: ("Víspera de Año Nuevo", "la"),
    HolidayName.CHILD_BIRTHDAY: ("Cumpleaños del niño", "el"),
    HolidayName.PARENT_BIRTHDAY: ("Cumpleaños del progenitor", "el"),
    HolidayName.CUSTOM: ("Día festivo", "el"),
}

PATTERN_NAMES_ES: dict[PatternKind, str] = {
    PatternKind.ALTERNATING_WEEKS: "de semanas alternas",
    PatternKind.TWO_TWO_THREE: "2-2-3",
    PatternKind.TWO_TWO_FIVE_FIVE: "2-2-5-5",
    PatternKind.THREE_FOUR_FOUR_THREE: "3-4-4-3",
    PatternKind.FIVE_TWO: "5-2",
    PatternKind.EVERY_OTHER_WEEKEND: "de fines de semana alternos",
    PatternKind.EVERY_WEEKEND: "de todos los fines de semana",
    PatternKind.FIRST_THIRD_FIFTH_WEEKENDS: "del primer, tercer y quinto fin de semana",
    PatternKind.CUSTOM_ROTATION: "",
    PatternKind.VISITS: "de visitas",
}

ZONE_NAMES_ES: dict[str, str] = {
    "America/New_York": "la hora del Este",
    "America/Chicago": "la hora del Centro",
    "America/Denver": "la hora de la Montaña",
    "America/Phoenix": "la hora de Arizona",
    "America/Los_Angeles": "la hora del Pacífico",
    "America/Anchorage": "la hora de Alaska",
    "Pacific/Honolulu": "la hora de Hawái",
}

_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")


# --------------------------------------------------------------------------- small words


def at(value: time | str) -> str:
    """``a las 6:00 p. m.``; ``a la 1:00 p. m.``."""
    text = clock_es(value)
    return f"a la {text}" if text.startswith("1:") else f"a las {text}"


def las(value: time | str) -> str:
    """``las 6:00 p. m.`` (after ``desde``/``hasta``)."""
    return at(value)[2:]


def dated(day: date) -> str:
    """``lunes 5 de enero de 2026`` (the caller writes the article: ``el lunes 5 de enero de 2026``)."""
    return f"{weekday_es(day.weekday())} {longdate_es(day)}"


def days_plural(weekday: str | int) -> str:
    """``los lunes``, ``los sábados``: every such day."""
    name = weekday_es(WEEKDAYS.index(weekday) if isinstance(weekday, str) else weekday)
    return "los " + name + ("s" if name in ("sábado", "domingo") else "")


def day_of(weekday: str) -> str:
    return weekday_es(WEEKDAYS.index(weekday))


def counted(n: int, singular: str, plural: str | None = None, gender: str = "m") -> str:
    """``counted(14, 'día')`` -> ``catorce (14) días``; ``counted(1, 'noche', gender='f')`` -> ``una (1) noche``."""
    noun = singular if n == 1 else (plural or singular + ("s" if singular[-1] in "aeiouáéó" else "es"))
    return f"{words_es(n, gender)} {noun}"


def notice_date(text: str) -> str:
    """A typed "April 1" as "1 de abril"; anything else as typed."""
    match = re.fullmatch(r"\s*([A-Za-z]+)\s+(\d{1,2})\s*", text)
    if match and match.group(1).casefold() in _MONTHS_EN:
        return month_day_es(_MONTHS_EN.index(match.group(1).casefold()) + 1, int(match.group(2)))
    return text


class CaseWordsEs:
    """One case's names and phrases in Spanish."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.names = {
            letter: PersonViewEs(p.short_name, p.full_name, p.pronouns, letter, p.role).name
            for letter, p in (("a", case.parent_a), ("b", case.parent_b))
        }
        self.children = ChildrenViewEs(tuple(case.children))  # type: ignore[arg-type]
        self.kids = self.children.the
        self.exchange = case.parenting_time.exchange_time

    def name(self, party: Party) -> str:
        return self.names[party]

    def plural(self, subject: str) -> bool:
        return subject == self.kids and self.children.plural

    def verb(self, subject: str, singular: str, plural: str) -> str:
        return plural if self.plural(subject) else singular

    def clitic(self, subject: str) -> str:
        """``los``/``las``/``lo``/``la`` standing for ``subject`` as an object."""
        if subject == self.kids:
            return self.children.them
        child = find_child(self.case, subject)
        if child is not None:
            return "la" if child.pronouns == "she" else "lo"
        return "los"

    def pronoun(self, subject: str) -> str:
        """After a preposition: ``con ellos``, ``con ella``; a named child by name."""
        return self.children.they if subject == self.kids else subject

    def who(self, names: list[str]) -> tuple[str, str]:
        """The children a rule moves (all when ``names`` is empty), as a phrase and its object clitic."""
        if not names:
            return self.kids, self.children.them
        if len(names) == 1:
            return names[0], self.clitic(names[0])
        found = [find_child(self.case, n) for n in names]
        return join_y(names), "las" if all(c is not None and c.pronouns == "she" for c in found) else "los"


def zone_phrase(zone: str, w: CaseWordsEs) -> str:
    if zone in ZONE_NAMES_ES:
        return ZONE_NAMES_ES[zone]
    return f"la hora local del lugar donde {w.verb(w.kids, 'vive', 'viven')} {w.kids} ({zone})"


# --------------------------------------------------------------------------- the regular pattern


def _rotation_text(pattern: RegularPattern, w: CaseWordsEs, kids: str) -> str:
    rotation = pattern.nightly_rotation()
    assert rotation is not None
    length = len(rotation)
    anchor = pattern.anchor
    them = w.clitic(kids)
    clock = w.exchange
    if pattern.kind is PatternKind.ALTERNATING_WEEKS:
        day = weekday_es(anchor.weekday())
        first, second = w.name(pattern.starts_with), w.name(other_party(pattern.starts_with))
        return (
            f"{capfirst(kids)} {w.verb(kids, 'alterna', 'alternan')} semanas entre los progenitores. {capfirst(first)} tiene a {kids} durante la semana "
            f"que comienza el {dated(anchor)} {at(clock)}, y {second} {them} tiene la semana siguiente; cada semana va del {day} {at(clock)} "
            f"al {day} siguiente {at(clock)}, y las semanas siguen alternándose de esta manera."
        )
    if len(set(rotation)) == 1:
        home = w.name(rotation[0])
        return (
            f"{capfirst(kids)} {w.verb(kids, 'vive', 'viven')} con {home} durante el año escolar. El tiempo con {w.name(other_party(rotation[0]))} "
            f"se establece más abajo para el verano, las vacaciones escolares y los días festivos."
        )
    runs = rotation_runs(rotation)
    weekly = length % 7 == 0
    week = length == 7
    unit, the_unit, first_unit, next_unit = (
        ("semana", "la semana", "La primera semana", "la semana siguiente") if week else ("ciclo", "el ciclo", "El primer ciclo", "el ciclo siguiente")
    )

    def when(offset: int) -> str:
        if not weekly:
            return f"el día {offset + 1}" if offset < length else f"el día 1 {contract('de ' + next_unit)},"
        name = weekday_es(anchor.weekday() + offset)
        if offset == length:
            return f"el {name} en que comienza {next_unit},"
        if week:
            return f"el {name}"
        return f"el {name} de la semana {offset // 7 + 1}"

    stretches = [
        f"{w.name(parent)} {f'{them} tiene ' if n == 0 else ''}desde {when(start)} {at(clock)} hasta {when(start + nights)} {at(clock)}"
        for n, (start, nights, parent) in enumerate(runs)
    ]
    share = {p: rotation.count(p) for p in PARTIES}
    name = PATTERN_NAMES_ES[pattern.kind]
    span = "semanal " if week else ""
    day_one = "" if weekly else " (día 1)"
    return (
        f"{capfirst(kids)} {w.verb(kids, 'sigue', 'siguen')} un calendario {span}{name + ' ' if name else ''}que se repite cada {counted(length, 'día')}. "
        f"{first_unit} comienza el {dated(anchor)}{day_one} {at(clock)}. En cada {unit}, {'; '.join(stretches)}; luego {the_unit} se repite. "
        f"En cada {unit}, {w.name('a')} tiene {counted(share['a'], 'noche', gender='f')} y {w.name('b')} tiene {counted(share['b'], 'noche', gender='f')}."
    )


def _weekend_text(pattern: RegularPattern, w: CaseWordsEs, kids: str) -> str:
    assert pattern.primary_parent is not None
    primary, visitor = w.name(pattern.primary_parent), w.name(other_party(pattern.primary_parent))
    ws = pattern.weekend_start_time or w.case.parenting_time.exchange_time
    we = pattern.weekend_end_time or w.case.parenting_time.exchange_time
    span = f"desde el {day_of(pattern.weekend_starts)} {at(ws)} hasta el {day_of(pattern.weekend_ends)} {at(we)}"
    start_day = WEEKDAYS.index(pattern.weekend_starts)
    if pattern.kind is PatternKind.EVERY_OTHER_WEEKEND:
        first = pattern.anchor + timedelta(days=(start_day - pattern.anchor.weekday()) % 7)
        which = f"cada dos fines de semana, {span}, a partir del fin de semana que comienza el {dated(first)}"
    elif pattern.kind is PatternKind.EVERY_WEEKEND:
        which = f"todos los fines de semana, {span}"
    else:
        fridays = "el primer, tercer y quinto viernes del mes" if pattern.weekend_starts == "friday" else "el jueves anterior al primer, tercer y quinto viernes del mes"
        which = f"el primer, tercer y quinto fin de semana de cada mes, {span}; un fin de semana se cuenta por su viernes, así que estos fines de semana comienzan {fridays}"
    return f"{capfirst(kids)} {w.verb(kids, 'vive', 'viven')} principalmente con {primary}. {capfirst(visitor)} tiene a {kids} {which}."


def _midweek_text(pattern: RegularPattern, w: CaseWordsEs, kids: str) -> str:
    if pattern.midweek == "none":
        return ""
    days = days_plural(pattern.midweek_day)
    nxt = weekday_es(WEEKDAYS.index(pattern.midweek_day) + 1)
    if pattern.midweek == "evening":
        span = f"desde {las(pattern.midweek_start)} hasta {las(pattern.midweek_end)}"
    else:
        span = f"desde {las(pattern.midweek_start)} hasta {las(pattern.midweek_return)} del {nxt} (o hasta el comienzo de las clases, si es antes)"
    if pattern.has_primary_parent and pattern.primary_parent:
        return f"{capfirst(w.name(other_party(pattern.primary_parent)))} también tiene a {kids} todos {days} {span}."
    return f"Todos {days}, el progenitor que no tiene a {kids} esa tarde {w.clitic(kids)} tiene {span}."


def _visits_text(pattern: RegularPattern, w: CaseWordsEs, kids: str) -> str:
    assert pattern.primary_parent is not None
    primary, visitor = w.name(pattern.primary_parent), w.name(other_party(pattern.primary_parent))
    ordered = sorted(pattern.visits, key=lambda v: (WEEKDAYS.index(v.day), v.start))
    joined = join_y(f"{days_plural(v.day)} desde {las(v.start)} hasta {las(v.end)}" for v in ordered)
    total = sum(v.hours for v in pattern.visits)
    hours = counted(int(total), "hora", gender="f") if total == int(total) else f"{total:g} horas"
    if pattern.visit_weeks == "alternate":
        monday = pattern.anchor - timedelta(days=pattern.anchor.weekday())
        when = f"en semanas alternas, a partir de la semana que comienza el {dated(monday)}: {joined} ({hours} cada dos semanas)"
    else:
        when = f"todas las semanas: {joined} ({hours} por semana), a partir del {dated(pattern.anchor)}"
    return (
        f"{capfirst(kids)} {w.verb(kids, 'vive', 'viven')} con {primary}. {capfirst(visitor)} tiene visitas con {w.pronoun(kids)} {when}. "
        f"El tiempo de {visitor} se cuenta en horas: {visitor} no tiene noches con este calendario."
    )


def _pattern_text(pattern: RegularPattern, w: CaseWordsEs, kids: str) -> str:
    if pattern.kind is PatternKind.VISITS:
        text = _visits_text(pattern, w, kids)
    else:
        text = _weekend_text(pattern, w, kids) if pattern.is_weekend_pattern else _rotation_text(pattern, w, kids)
    return f"{text} {_midweek_text(pattern, w, kids)}".strip()


def regular_text(case: Case, w: CaseWordsEs) -> str:
    s = case.parenting_time
    parts = [_pattern_text(s.pattern, w, w.kids)]
    for child_pattern in s.child_patterns:
        child = find_child(case, child_pattern.child)
        assert child is not None
        parts.append(f"{child.name} sigue un calendario distinto: " + _pattern_text(child_pattern.pattern, w, child.name))
    parts.append(f"Todas las horas de este plan se expresan en {zone_phrase(s.time_zone, w)}.")
    return " ".join(parts)


# --------------------------------------------------------------------------- summer


def summer_text(case: Case, w: CaseWordsEs) -> str:
    s = case.parenting_time
    summer = s.summer
    clock = w.exchange
    kids = w.kids
    first_parent = s.summer_even_years
    first, second = w.name(first_parent), w.name(other_party(first_parent))
    season = (
        f"El verano va desde {las(clock)} del último día de clases hasta {las(clock)} del día anterior al comienzo del siguiente año escolar, "
        "según las fechas del calendario escolar."
    )
    weekday = s.exchange_day or WEEKDAYS[s.pattern.anchor.weekday()]
    day = day_of(weekday)
    notice = notice_date(summer.notice_by) if summer.notice_by else None
    plans = (
        f"Cada progenitor informará por escrito al otro, a más tardar el {notice} de cada año, de sus planes para el verano, como los viajes."
        if notice else ""
    )

    def joined(*parts: str) -> str:
        return " ".join(p for p in parts if p)

    if summer.arrangement == "regular":
        return joined("El calendario regular continúa durante el verano.", plans)
    if summer.arrangement == "alternating_weeks":
        return joined(
            season,
            f"Durante el verano, {kids} {w.verb(kids, 'alterna', 'alternan')} semanas entre los progenitores, con el cambio {days_plural(weekday)} {at(clock)}, "
            f"a partir del primer {day} que coincida con el último día de clases o sea posterior a él; hasta entonces se aplica el calendario regular.",
            f"{capfirst(first)} tiene la primera semana en los años pares y {second} en los años impares.",
            plans,
            "El calendario regular se reanuda al final del verano.",
        )
    if summer.arrangement == "split":
        return joined(
            season,
            f"El verano se divide en dos {at(clock)} de su día central. {capfirst(first)} tiene la primera mitad en los años pares y la segunda mitad "
            f"en los años impares; {second} tiene la otra mitad.",
            plans,
            "El calendario regular se reanuda al final del verano.",
        )
    home = sole_home(s)
    parts: list[str] = [season] if summer.weeks_each is not None else []
    for year, blocks in groupby(sorted(summer.blocks, key=lambda b: b.start), key=lambda b: b.start.year):
        stated = [
            f"{w.name(b.parent)} tiene a {kids} desde el {dated(b.start)} {at(b.start_time or s.exchange_time)} hasta el {dated(b.end)} {at(b.end_time or s.exchange_time)}"
            for b in blocks
        ]
        parts.append(f"En el verano de {year}, {'; '.join(stated)}.")
    if summer.weeks_each is not None:
        n = summer.weeks_each
        which = "En cada verano para el que no se indica un período arriba" if summer.blocks else "Cada verano"
        begins = f"{at(clock)} del primer {day} que coincida con el último día de clases o sea posterior a él"
        weeks = counted(n, "semana consecutiva", "semanas consecutivas", gender="f") if n > 1 else counted(n, "semana", gender="f")
        if home is not None:
            visitor = other_party(home)
            visitor_parity, home_parity = ("pares", "impares") if first_parent == visitor else ("impares", "pares")
            parts.append(f"{which}, {w.name(visitor)} tiene a {kids} durante {weeks}.")
            parts.append(
                f"En los años {visitor_parity}, {'la semana' if n == 1 else 'las semanas'} de {w.name(visitor)} {'comienza' if n == 1 else 'comienzan'} {begins}; "
                f"en los años {home_parity}, {'comienza' if n == 1 else 'comienzan'} {counted(n, 'semana', gender='f')} después de ese {day}, {at(clock)}."
            )
        else:
            parts.append(
                f"{which}, cada progenitor tiene a {kids} durante {weeks}, un período inmediatamente después del otro: {first} tiene el primer período "
                f"en los años pares y {second} en los años impares, y el otro progenitor tiene el segundo período."
            )
            parts.append(f"El primer período comienza {begins}, y el segundo comienza cuando termina el primero, {counted(n, 'semana', gender='f')} después.")
        if notice:
            parts.append(f"Los progenitores pueden acordar por escrito, a más tardar el {notice} de cada año, otras semanas para ese verano.")
        else:
            parts.append("Los progenitores pueden acordar por escrito otras semanas.")
    else:
        parts.append(plans)
    if home is not None:
        parts.append(f"En el resto del verano se aplica el calendario regular: {kids} {w.verb(kids, 'está', 'están')} con {w.name(home)}.")
    else:
        parts.append("El calendario regular se aplica durante el resto del verano.")
    return joined(*parts)


# --------------------------------------------------------------------------- holidays


def offset_phrase(rule: HolidayRule, days: int, before: bool) -> str:
    if days == 0:
        return ""
    if rule.is_school_break:
        if before:
            return "el día antes de que empiecen las vacaciones" if days == 1 else f"{counted(days, 'día')} antes de que empiecen las vacaciones"
        return "el día después de que terminen las vacaciones" if days == 1 else f"{counted(days, 'día')} después de que terminen las vacaciones"
    weekday = _FIXED_WEEKDAY.get(rule.holiday)
    if weekday is not None and days < 7:
        return f"el {weekday_es(weekday - days if before else weekday + days)} {'anterior' if before else 'siguiente'}"
    if days == 1:
        return "el día anterior" if before else "el día siguiente"
    return f"{counted(days, 'día')} {'antes' if before else 'después'}"


def _window(rule: HolidayRule, case: Case) -> str:
    s = case.parenting_time
    pattern = s.pattern
    if rule.is_school_break:
        start = offset_phrase(rule, rule.start_offset_days, True) or "el primer día de las vacaciones"
        end = offset_phrase(rule, rule.end_offset_days, False) or "el último día de las vacaciones"
        text = f"Desde {start} {at(rule.start_time)} hasta {end} {at(rule.end_time)} (fechas del calendario escolar)"
    else:
        start = offset_phrase(rule, rule.start_offset_days, True)
        end = offset_phrase(rule, rule.end_offset_days, False)
        if not start and not end:
            text = f"Ese día, desde {las(rule.start_time)} hasta {las(rule.end_time)}"
        else:
            text = f"Desde {start or 'el mismo día'} {at(rule.start_time)} hasta {end or 'el mismo día'} {at(rule.end_time)}"
    weekday = _FIXED_WEEKDAY.get(rule.holiday)
    ws = pattern.weekend_start_time or s.exchange_time
    we = pattern.weekend_end_time or s.exchange_time
    if rule.attach_to_weekend and weekday in (0, 4):
        if weekday == 0:
            start = "el jueves anterior" if pattern.weekend_starts == "thursday" else "el viernes anterior"
            end = offset_phrase(rule, rule.end_offset_days, False) or "el mismo día"
            text = f"Desde {start} {at(ws)} (con el fin de semana) hasta {end} {at(rule.end_time)}"
        else:
            start = offset_phrase(rule, rule.start_offset_days, True) or "el mismo día"
            end = "el lunes siguiente" if pattern.weekend_ends == "monday" else "el domingo siguiente"
            text = f"Desde {start} {at(rule.start_time)} hasta {end} {at(we)} (con el fin de semana)"
    elif rule.attach_to_weekend:
        text += (
            f"; cuando el día festivo cae en lunes, comienza con el fin de semana (el {day_of(pattern.weekend_starts)} {at(ws)}), "
            f"y cuando cae en viernes, dura hasta el final del fin de semana (el {day_of(pattern.weekend_ends)} {at(we)})"
        )
    return text


def _split_phrase(rule: HolidayRule, case: Case) -> str:
    clock = rule.split_time or case.parenting_time.exchange_time
    if rule.split_date:
        month, day = (int(x) for x in rule.split_date.split("-"))
        return f"{at(clock)} del {month_day_es(month, day)}"
    return f"{at(clock)}, {counted(rule.split_after_days or 0, 'día')} después del primer día"


def _time(rule: HolidayRule, case: Case) -> str:
    text = _window(rule, case)
    if rule.assignment == "split":
        text += f"; se divide {_split_phrase(rule, case)}"
    if rule.assignment == "with_weekend" and _weekend_side(rule) == "next to":
        text += "; solo cuando el día cae en lunes o en viernes"
    return text


def _label(rule: HolidayRule) -> tuple[str, str]:
    return HOLIDAY_LABELS_ES[rule.holiday]


def _typed_label(rule: HolidayRule, case: Case) -> str | None:
    """The rule's own label, unless it is only the English name the engine would give (then the Spanish one is used)."""
    from .holidays import HOLIDAY_LABELS

    if not rule.label:
        return None
    english = {HOLIDAY_LABELS[rule.holiday].casefold(), "each child's birthday"}
    english |= {f"{c.name}'s birthday".casefold() for c in case.children}
    return None if rule.label.strip().casefold() in english else rule.label


def _name(rule: HolidayRule, case: Case, w: CaseWordsEs) -> str:
    if rule.holiday is HolidayName.CHILD_BIRTHDAY:
        names = child_names(case, rule.children) if rule.children else [c.name for c in case.children]
        each = "cada niña" if w.children.feminine else "cada niño"
        label = _typed_label(rule, case) or (f"Cumpleaños de {names[0]}" if len(names) == 1 else f"Cumpleaños de {each}")
        if rule.children and len(names) > 1:
            label += f" ({join_y(names)})"
        return label
    label = _typed_label(rule, case) or _label(rule)[0]
    if rule.holiday is HolidayName.CUSTOM and rule.dates:
        label += f" ({join_y(longdate_es(d) for d in sorted(rule.dates))})"
    elif rule.holiday in (HolidayName.CUSTOM, HolidayName.PARENT_BIRTHDAY) and rule.month and rule.day:
        label += f" ({month_day_es(rule.month, rule.day)})"
    if rule.children:
        label += f" (solo {join_y(child_names(case, rule.children))})"
    return label


def _occasion(rule: HolidayRule, case: Case, w: CaseWordsEs) -> tuple[str, bool]:
    """The holiday as a sentence names it, with its article ('el Día de la Madre'), and whether it is plural."""
    if rule.holiday is HolidayName.CHILD_BIRTHDAY:
        names = child_names(case, rule.children) if rule.children else [c.name for c in case.children]
        if len(names) == 1:
            return f"el cumpleaños de {names[0]}", False
        if not rule.children:
            return f"el cumpleaños de {'cada niña' if w.children.feminine else 'cada niño'}", False
        return f"cada uno de los cumpleaños de {join_y(names)}", False
    typed = _typed_label(rule, case)
    if typed:
        return typed, False
    label, article = _label(rule)
    generic = rule.holiday in (HolidayName.WINTER_BREAK, HolidayName.SPRING_BREAK, HolidayName.PARENT_BIRTHDAY)
    return f"{article} {label[:1].lower() + label[1:] if generic else label}".strip(), article in ("los", "las")


def _parents(rule: HolidayRule, case: Case, w: CaseWordsEs) -> tuple[str, str]:
    if rule.assignment == "alternate":
        assert rule.even_years is not None
        return capfirst(w.name(rule.even_years)), capfirst(w.name(other_party(rule.even_years)))
    if rule.assignment == "split":
        assert rule.even_years is not None
        even, odd = w.name(rule.even_years), w.name(other_party(rule.even_years))
        return capfirst(f"{even} primero, luego {odd}"), capfirst(f"{odd} primero, luego {even}")
    if rule.assignment == "with_weekend":
        side = _weekend_side(rule)
        if side is None:
            return "Calendario regular", "Calendario regular"
        where = {"before": "anterior al día festivo", "after": "posterior al día festivo", "next to": "contiguo al día festivo"}[side]
        who = f"El progenitor que tiene el fin de semana {where} según el calendario regular"
        return who, who
    parent = capfirst(w.name(fixed_parent(rule, case)))
    return parent, parent


def _span(window: str) -> str:
    if window.startswith("Ese día, "):
        return window[len("Ese día, ") :]
    return window[:1].lower() + window[1:]


def _sentence(rule: HolidayRule, case: Case, w: CaseWordsEs) -> str:
    occasion, plural = _occasion(rule, case, w)
    kids, them = w.who(child_names(case, rule.children) if rule.children else [])
    span = _span(_window(rule, case))
    falls = "caen" if plural else "cae"
    if rule.assignment == "fixed":
        return (
            f"{capfirst(w.name(fixed_parent(rule, case)))} tiene a {kids} en {occasion} todos los años, {span}, "
            f"aunque {'caigan' if plural else 'caiga'} en el tiempo del otro progenitor."
        )
    if rule.assignment == "alternate":
        assert rule.even_years is not None
        even, odd = w.name(rule.even_years), w.name(other_party(rule.even_years))
        return f"En {occasion}, {even} tiene a {kids} {span} en los años pares, y {odd} {them} tiene en ese mismo horario en los años impares."
    if rule.assignment == "split":
        assert rule.even_years is not None
        even, odd = w.name(rule.even_years), w.name(other_party(rule.even_years))
        return (
            f"En {occasion}, el tiempo {span} se divide {_split_phrase(rule, case)}: {even} tiene a {kids} durante la primera parte en los años "
            f"pares y {odd} en los años impares, y el otro progenitor {them} tiene durante la segunda parte."
        )
    side = _weekend_side(rule)
    if side is None:
        return f"En {occasion}, se aplica el calendario regular."
    if side == "next to":
        return (
            f"Cuando {occasion} {falls} en lunes o en viernes, el progenitor que tiene el fin de semana contiguo según el calendario regular "
            f"(el fin de semana anterior a un lunes, el fin de semana posterior a un viernes) tiene a {kids} {span}. Otros días, se aplica el calendario regular."
        )
    where = "anterior" if side == "before" else "posterior"
    return (
        f"{capfirst(occasion)} {'van' if plural else 'va'} con el fin de semana {where}: el progenitor que tiene ese fin de semana según el "
        f"calendario regular tiene a {kids} {span}."
    )


def holiday_line(rule: HolidayRule, case: Case, w: CaseWordsEs, english: HolidayLine) -> HolidayLine:
    """The Spanish of one holiday rule's row and sentence (``english`` gives what is not words: parents, children)."""
    even, odd = _parents(rule, case, w)
    return HolidayLine(
        holiday=english.holiday,
        assignment=english.assignment,
        name=contract(_name(rule, case, w)),
        time=contract(_time(rule, case)),
        even=contract(even),
        odd=contract(odd),
        parents=english.parents,
        children=english.children,
        sentence=contract(_sentence(rule, case, w)),
    )


def holidays_intro(case: Case) -> str:
    if not case.parenting_time.holidays:
        return "No hay un calendario aparte para los días festivos: en los días festivos se aplican el calendario regular y el de verano."
    return (
        "Los días festivos y las vacaciones escolares que siguen tienen prioridad sobre el calendario regular y el calendario de verano, y un día "
        "festivo tiene prioridad sobre las vacaciones escolares en las que cae. En los años pares, el día festivo le corresponde al progenitor "
        "indicado en la columna «Años pares», y en los años impares, al indicado en «Años impares»; las vacaciones escolares pertenecen al año "
        "en que comienzan. Cada día festivo dura el horario indicado y, después, se reanuda el calendario que se aplicaría de otro modo. Los "
        "intercambios de los días festivos siguen los mismos arreglos que los demás intercambios."
    )


# --------------------------------------------------------------------------- one-off changes and overnights


def one_off_stated(case: Case, w: CaseWordsEs) -> list[str]:
    s = case.parenting_time
    stated = []
    for change in sorted(s.one_off_changes, key=lambda c: c.start):
        who, _ = w.who(child_names(case, change.children) if change.children else [])
        why = f" ({change.reason})" if change.reason else ""
        stated.append(
            contract(
                f"{capfirst(w.name(change.parent))} tiene a {who} desde el {dated(change.start)} {at(change.start_time or s.exchange_time)} "
                f"hasta el {dated(change.end)} {at(change.end_time or s.exchange_time)}{why}"
            )
        )
    return stated


def one_off_text(stated: list[str]) -> str:
    if not stated:
        return ""
    return (
        "Los progenitores acordaron estos cambios por única vez; cada uno tiene prioridad sobre cualquier otra parte del calendario "
        f"en sus propias fechas: {'; '.join(stated)}."
    )


def overnight_table(figures: OvernightFigures, w: CaseWordsEs) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    y1, y2 = figures.years
    header = ("Progenitor", str(y1), str(y2), "Promedio por año", "Proporción")
    if figures.hours:
        header += ("Horas por año",)
    rows: list[tuple[str, ...]] = []
    for key, (first, second) in figures.by_child.items():
        for party in PARTIES:
            label = capfirst(w.name(party)) if key == "all" else f"{capfirst(w.name(party))} ({key})"
            total = first[party] + second[party]
            nights = first["a"] + first["b"] + second["a"] + second["b"]
            row = (label, str(first[party]), str(second[party]), figure(total / 2), f"{100 * total / nights:.1f}%")
            rows.append(row + ((f"{round(figures.hours[party]):,}",) if figures.hours else ()))
    return header, rows


def overnights_text(figures: OvernightFigures, w: CaseWordsEs) -> str:
    y1, y2 = figures.years
    a, b = figures.average, figures.percent

    def nights(n: float) -> str:
        return f"{figure(n)} {'noche' if n == 1 else 'noches'}"

    text = (
        f"Con este calendario, {w.name('a')} tiene a {w.kids} alrededor de {nights(a['a'])} al año ({b['a']:.1f}%) y "
        f"{w.name('b')} alrededor de {nights(a['b'])} al año ({b['b']:.1f}%), en promedio de {y1} y {y2}, "
        f"contando los días festivos y el verano según el calendario."
    )
    if figures.hours:
        h = figures.hours
        text += (
            f" Las visitas de pocas horas son tiempo, no noches: contado en horas, {w.name('a')} tiene a {w.kids} alrededor de {round(h['a']):,} horas "
            f"al año y {w.name('b')} alrededor de {round(h['b']):,} horas al año."
        )
    return capfirst(contract(text))


def missing_in_years(english: list[str]) -> list[str]:
    """The English list of what the overnights could not count ("summer 2028", "winter break 2028–29"), in Spanish."""
    from .holidays import HOLIDAY_LABELS

    out: list[str] = []
    for item in english:
        match = re.fullmatch(r"(?i)summer (\S+)", item)
        if match:
            out.append(f"el verano de {match.group(1)}")
            continue
        for holiday, label in HOLIDAY_LABELS.items():
            if item.casefold().startswith(label.casefold() + " "):
                spanish, article = HOLIDAY_LABELS_ES[holiday]
                out.append(f"{article} {spanish[:1].lower() + spanish[1:]} de {item[len(label) + 1:]}".strip())
                break
        else:
            out.append(item)
    return out


__all__ = [
    "HOLIDAY_HEADER_ES",
    "HOLIDAY_LABELS_ES",
    "MONTHS_ES",
    "CaseWordsEs",
    "holiday_line",
    "holidays_intro",
    "missing_in_years",
    "one_off_stated",
    "one_off_text",
    "overnight_table",
    "overnights_text",
    "regular_text",
    "summer_text",
]
