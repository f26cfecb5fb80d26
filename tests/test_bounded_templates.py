"""Bounded templates (issue 14): clause text and expressions cannot exhaust the server.

Each blow-up of the issue has a folder in tests/libraries/bad/ whose exact
`lint` output test_clause_library.py checks; here the same overlays are
*assembled*: exit 2 with the clause's path:line, no traceback, no output file,
in a few seconds.  Then the sandbox itself: the limits, the budget, and the
names of the case model clause text may (and may not) use.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError

from docassemble.MediationAgreement.assembly.assemble import assemble, offered_alternatives
from docassemble.MediationAgreement.case.model import load_case
from docassemble.MediationAgreement.errors import ClauseError
from docassemble.MediationAgreement.library.bounded import MAX_LENGTH, Budget, LimitExceeded, bounded, clause_text
from docassemble.MediationAgreement.library.clauses import load_library
from docassemble.MediationAgreement.library.lint import lint_library
from docassemble.MediationAgreement.library.templating import case_context, sandbox_environment

from .conftest import ROOT, run_cli

LIBS = ROOT / "tests" / "libraries"
BASE = LIBS / "base"
MINIMAL = ROOT / "tests" / "cases" / "minimal.yml"
BLOWUPS = ["string-multiply", "list-multiply", "power", "nested-range-loops", "replace-blowup", "model-dump", "when-error", "float-overflow", "whole-record"]


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("name", BLOWUPS)
def test_assembling_a_blowup_overlay_fails_fast_with_path_and_line(name: str, tmp_path: Path) -> None:
    folder = LIBS / "bad" / name
    where = (folder / "expected.txt").read_text().split(": ", 1)[0]  # path:line, as lint reports it
    out = tmp_path / "out"
    start = time.monotonic()
    result = run_cli("assemble", rel(MINIMAL), "--no-default-library", "--library", rel(BASE), "--library", rel(folder), "--out", out, "--format", "txt")
    elapsed = time.monotonic() - start
    assert result.code == 2, result.err
    assert result.err.startswith(f"error: {where}: clause '"), result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "Traceback" not in result.err
    assert not out.exists()
    assert elapsed < 5, f"took {elapsed:.1f} s"


def test_lint_finds_blowups_by_running_clauses_against_example_cases() -> None:
    stack = [BASE, LIBS / "bad" / "string-multiply"]
    assert not lint_library(stack, cases=[])  # the static checks alone cannot see it
    report = lint_library(stack, cases=[MINIMAL])
    assert [str(p) for p in report.problems] == [
        f"{LIBS / 'bad' / 'string-multiply' / 'clause.yml'}:7: clause 'provisions.banner': text: `*` would make a text of "
        "1,000,000,000 characters; the limit is 100,000 (evaluated with minimal.yml)"
    ]


def test_lint_case_option_chooses_the_cases() -> None:
    result = run_cli("lint", "--no-default-library", "--library", rel(BASE), "--library", rel(LIBS / "bad" / "when-error"), "--case", rel(MINIMAL))
    assert result.code == 1
    assert result.out.strip().endswith("when: division by zero (evaluated with minimal.yml)")


def test_shipped_library_lints_clean_when_run_against_every_example() -> None:
    report = lint_library()
    assert not report, [str(p) for p in report.problems]


def test_preview_of_a_blowup_is_an_error_not_a_traceback() -> None:
    result = run_cli("preview", "provisions.banner", "--case", rel(MINIMAL), "--no-default-library", "--library", rel(BASE), "--library", rel(LIBS / "bad" / "string-multiply"))
    assert result.code == 2 and "Traceback" not in result.err
    assert "string-multiply/clause.yml:7" in result.err


# --------------------------------------------------------------------------- the limits


def render(source: str, **context: object) -> str:
    return sandbox_environment().from_string(source).render(**context)


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'a' * 10**9 }}",
        "{{ 10**9 * 'a' }}",
        "{{ [1] * 10**9 }}",
        "{{ 10 ** (10 ** 8) }}",
        "{% set n = 10 ** 60 %}{{ n * n }}",
        "{{ range(10 ** 6)|list }}",
        "{{ 'a'.center(10 ** 9) }}",
        "{{ 'a'.ljust(10 ** 9) }}",
        "{{ 'a'|center(1000000000) }}",
        "{{ ('a' * 100)|indent(10 ** 6) }}",
        "{{ ('x' * 1000).replace('x', 'x' * 1000) }}",
        "{{ ('x' * 1000)|replace('x', 'x' * 1000) }}",
        "{{ '%999999999s' % 1 }}",
        "{{ '%s'|format('a' * 99999 ~ 'bb') }}",
        "{{ '{:>999999999}'.format(1) }}",
        "{{ '{0}{0}{0}'.format('a' * 50000) }}",
        "{{ ('a' * 60000) ~ ('b' * 60000) }}",
        "{{ ('a' * 60000) + ('b' * 60000) }}",
        "{% set s = 'a' * 100000 %}{{ [s] * 1000 }}",
        "{% set s = 'a' * 100000 %}{{ [s, s] }}",
        "{% set s = 'a' * 50000 %}{{ [s, s, s]|join }}",
        "{% set s = 'a' * 50000 %}{{ ''.join([s, s, s]) }}",
        "{% set s = 'a' * 100000 %}{% for i in range(100) %}{{ s }}{% endfor %}",
        "{% set ns = namespace(s='a' * 50000) %}{% for i in range(30) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        "{{ [1, 2]|batch(10 ** 9, 0)|list }}",
        "{{ [1, 2]|slice(10 ** 9)|list }}",
        "{{ ('\t' * 1000).expandtabs(1000) }}",
        "{{ lipsum(10000) }}",
        "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
        "{% macro f() %}{{ f() }}{{ f() }}{% endmacro %}{{ f() }}",
    ],
)
def test_every_blowup_is_refused_at_once(source: str) -> None:
    start = time.monotonic()
    with pytest.raises((LimitExceeded, RecursionError)):
        render(source)
    assert time.monotonic() - start < 2


def test_ordinary_arithmetic_and_loops_still_work() -> None:
    assert render("{{ 'ab' * 3 }} {{ [1] + [2] }} {{ 2 ** 10 }} {{ '%05d' % 42 }} {{ 'x'|center(5) }}") == "ababab [1, 2] 1024 00042   x  "
    assert render("{% for i in range(3) %}{{ i }}{% if not loop.last %},{% endif %}{% endfor %}") == "0,1,2"
    assert render("{{ 'a' * MAX }}", MAX=MAX_LENGTH) == "a" * MAX_LENGTH
    assert render("{{ '{:>6}'.format('x') }}|{{ 'a-b'.replace('-', ' and ') }}|{{ ['a', 'b']|join(', ') }}") == "     x|a and b|a, b"


def test_steps_are_counted_per_budget() -> None:
    loop = sandbox_environment().from_string("{% for i in range(50) %}.{% endfor %}")
    with bounded(Budget(steps=120)):
        loop.render()
        loop.render()  # 100 of 120 spent
        with pytest.raises(LimitExceeded, match="more than 120 loop iterations"):
            loop.render()
    loop.render()  # a render outside any budget gets its own


def test_wall_clock_budget() -> None:
    with bounded(Budget(seconds=0)), pytest.raises(LimitExceeded, match="took longer than 0 seconds"):
        render("{% for i in range(10) %}{% endfor %}")


def test_text_made_is_counted_per_budget() -> None:
    with bounded(Budget(produced=1000)), pytest.raises(LimitExceeded, match="more than 1,000 characters"):
        render("{% for i in range(100) %}{{ 'x' * 20 }}{% endfor %}")


def test_lists_cannot_be_changed_in_place() -> None:
    with pytest.raises(Exception, match="unsafe"):
        render("{% set l = [1] %}{{ l.extend(l) }}")


def test_an_agreement_is_one_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = tmp_path / "lib" / "provisions"
    lib.mkdir(parents=True)
    for n in range(3):  # each clause alone is within the limit; the three together are not
        (lib / f"loop{n}.yml").write_text(
            f"id: provisions.loop{n}\ntitle: Loop\ntopic: provisions\ntext: |\n  {{% for i in range(40000) %}}{{% endfor %}}Done.\n"
        )
    with pytest.raises(ClauseError, match=r"loop2\.yml:5: clause 'provisions\.loop2': cannot render text: more than 100,000 loop iterations"):
        assemble(load_case(MINIMAL), load_library([BASE, tmp_path / "lib"]))


def test_a_blowup_in_an_alternatives_when_is_an_error_not_a_choice_left_out(tmp_path: Path) -> None:
    lib = tmp_path / "lib" / "provisions"
    lib.mkdir(parents=True)
    (lib / "choice.yml").write_text(
        "id: provisions.choice\ntitle: Choice\ntopic: provisions\ndefault: one\nalternatives:\n"
        "  one:\n    label: One\n    text: One.\n"
        "  two:\n    label: Two\n    when: ('a' * 10**9) == ''\n    text: Two.\n"
    )
    clause = load_library([tmp_path / "lib"]).clauses["provisions.choice"]
    with pytest.raises(ClauseError, match=r"choice\.yml:11: clause 'provisions\.choice': when .* would make a text of 1,000,000,000"):
        offered_alternatives(clause, case_context(load_case(MINIMAL)))


# --------------------------------------------------------------------------- documented names only


@pytest.mark.parametrize(
    "source",
    [
        "{{ case.model_dump() }}",
        "{{ case.parent_a.model_dump() }}",
        "{{ case.model_copy() }}",
        "{{ case.model_dump_json() }}",
        "{{ case.json() }}",
        "{{ case.dict() }}",
        "{{ case.copy() }}",
        "{{ case.model_fields_set }}",
        "{{ case.model_config }}",
        "{{ case.schema() }}",
        "{{ (case|attr('model_dump'))() }}",
        "{{ case['model_dump']() }}",
        "{{ case.children[0].model_dump() }}",
    ],
)
def test_model_methods_are_refused(source: str) -> None:
    context = case_context(load_case(MINIMAL))
    with pytest.raises(Exception, match="unsafe|undefined|not safely callable"):
        render(source, **context)


def test_documented_methods_and_properties_are_allowed() -> None:
    context = case_context(load_case(MINIMAL))
    assert render("{{ case.parent('a').full_name }}/{{ case.other('a').short_name }}", **context) == "Alex Rivera/Father"
    assert render("{{ case.safety.finding }}/{{ case.child_support.payee }}/{{ case.children[0].name }}", **context) == "False/a/Maya"
    assert render("{{ case.child_support.uninsured_medical.percent('a') }}", **context) == "50"


@pytest.mark.parametrize(
    "source",
    [
        "{{ case }}",
        "{{ case.parent_a }}",
        "{{ case.children }}",
        "{{ 'x' ~ case.court }}",
        "{% for k, v in case.parent_a %}{{ k }}={{ v }}{% endfor %}",
        "{{ case.parent_a|list }}",
        "{{ case.parent_a|tojson }}",
        "{{ case.children|join(', ') }}",
        "{{ '%s' % case.court }}",
        "{{ '{}'.format(case.court) }}",
    ],
)
def test_whole_records_are_never_printed_in_clause_text(source: str) -> None:
    context = case_context(load_case(MINIMAL))
    with clause_text(), pytest.raises(SecurityError, match="whole record"):
        render(source, **context)


def test_lists_of_records_can_still_be_read() -> None:
    context = case_context(load_case(MINIMAL))
    assert render("{{ case.children|map(attribute='full_name')|join_and }}/{{ case.children|length }}/{{ (case.children|first).full_name }}", **context) == "Maya Rivera/1/Maya Rivera"


def test_lint_refuses_model_methods_statically() -> None:
    report = lint_library([BASE, LIBS / "bad" / "model-dump"], cases=[])
    assert [p.message.split(": ", 1)[1] for p in report.problems] == [
        "text: 'case.parent_a.model_dump' cannot be used in clause text: only the case's fields and the methods in docs/clause-format.md can"
    ]
