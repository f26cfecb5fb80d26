"""Bounded input (issue 14): a case file is checked against fixed limits before any work starts.

The file (size, nesting and number of values with YAML aliases expanded, no
alias inside its own anchor, no repeated key in YAML or JSON), then every value (string lengths, list sizes,
dates 1900-2200, numbers below a billion, times without a zone, printable
text).  Each finding of the issue has a folder in tests/cases/bad/ whose exact
message test_case_files.py checks through the CLI; here the same files are
loaded in-process against a clock and a memory budget, and run through the
``schedule`` command too (where two of them used to raise OverflowError).
Then the renderers' own guards: Typst's unbreakable runs and python-docx's
255-character properties.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml

from docassemble.MediationAgreement.case import limits
from docassemble.MediationAgreement.case.model import Case, dump_case, load_case, parse_case_text
from docassemble.MediationAgreement.case.yamlsource import MAX_DEPTH, MAX_FILE_BYTES, MAX_VALUES, load_with_lines, parse_json, parse_yaml
from docassemble.MediationAgreement.cli import run
from docassemble.MediationAgreement.errors import CaseFileError, CaseValidationError, ClauseError, MediationError, RenderError

from .conftest import ROOT, example_cases

BAD = ROOT / "tests" / "cases" / "bad"
MINIMAL = ROOT / "tests" / "cases" / "minimal.yml"
ISSUE_14 = [
    "billion-laughs",
    "self-referencing-alias",
    "deep-json",
    "huge-int",
    "date-9999-12-31",
    "end-time-number",
    "json-duplicate-key",
    "over-long-string",
    "too-many-children",
]


def case_file(name: str) -> Path:
    (found,) = [p for p in (BAD / name).iterdir() if p.stem == "case"]
    return found


def minimal_data() -> dict:
    return json.loads(json.dumps(dump_case(load_case(MINIMAL))))


def refused(data: dict) -> list[str]:
    """The messages the case model gives for ``data`` (an empty list if it is a valid case)."""
    text = json.dumps(data, ensure_ascii=False)
    try:
        parse_case_text(text, source="case.json")
    except CaseValidationError as exc:
        return [str(p) for p in exc.problems]
    except CaseFileError as exc:
        return [str(exc)]
    return []


# --------------------------------------------------------------------------- the issue's files


@pytest.mark.parametrize("name", ISSUE_14)
def test_each_finding_is_refused_in_time_and_memory(name: str) -> None:
    path = case_file(name)
    load_case(MINIMAL)  # the case model's validators are built on first use (defer_build): this times the hostile file alone
    start = time.perf_counter()
    with pytest.raises(CaseFileError):
        load_case(path)
    elapsed = time.perf_counter() - start  # timed without tracemalloc, which makes Python several times slower
    tracemalloc.start()
    try:
        with pytest.raises(CaseFileError):
            load_case(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2, f"{name}: {elapsed:.2f} s"
    assert peak < 64 * 2**20, f"{name}: {peak / 2**20:.0f} MB"


@pytest.mark.parametrize("name", ISSUE_14)
def test_each_finding_is_refused_by_the_schedule_command_too(name: str, tmp_path: Path) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = run(["schedule", str(case_file(name)), "--out", str(tmp_path / "out")])
    assert code == 2, err.getvalue()
    assert err.getvalue().startswith(f"error: {case_file(name)}:"), err.getvalue()
    assert not (tmp_path / "out").exists()


def test_the_examples_are_well_inside_the_limits() -> None:
    for path in example_cases():
        assert path.stat().st_size < MAX_FILE_BYTES // 20
        case = load_case(path)
        assert len(case.children) <= limits.MAX_CHILDREN // 2
        assert len(case.parenting_time.holidays) <= limits.MAX_HOLIDAYS // 4


# --------------------------------------------------------------------------- the file


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "case.yml"
    path.write_bytes(MINIMAL.read_bytes() + b"#" * MAX_FILE_BYTES)
    with pytest.raises(CaseFileError) as info:
        load_case(path)
    assert str(info.value) == f"{path}: the file is {path.stat().st_size:,} bytes; the limit is 1,000,000 bytes (1 MB)"
    with pytest.raises(CaseFileError, match="the limit is 1,000,000 bytes"):
        parse_case_text(path.read_text())  # the interviews' upload path


def test_aliases_count_as_what_they_expand_to() -> None:
    shared = {"b": 1, "c": [1, 2]}
    assert parse_yaml(yaml.safe_dump({"a": shared, "d": shared}), source="f.yml")[0] == {"a": shared, "d": shared}  # PyYAML writes &id001 / *id001
    assert parse_yaml("base: &b {x: 1}\nitem: {<<: *b, y: 2}\n", source="f.yml")[0]["item"] == {"x": 1, "y": 2}
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    laughs += "".join(f"{n}: &{n} [" + ", ".join([f"*{p}"] * 9) + "]\n" for p, n in zip("abcdefgh", "bcdefghi"))
    with pytest.raises(MediationError) as info:
        parse_yaml(laughs, source="f.yml")
    assert str(info.value) == "f.yml:6: field 'f[0]': more than 100,000 values in one file once its aliases are expanded (at *e)"
    with pytest.raises(MediationError) as info:
        parse_yaml("a: &d " + "[" * 20 + "]" * 20 + "\nb: " + "[" * 14 + "*d" + "]" * 14 + "\n", source="f.yml")
    assert str(info.value) == "f.yml:2: field 'b[0][0][0]': nested more than 32 levels deep once *d is expanded"


def test_an_alias_inside_its_own_anchor_is_refused_with_its_line() -> None:
    with pytest.raises(MediationError) as info:
        parse_yaml("a: 1\nb: &r {c: [1, {d: *r}]}\n", source="f.yml")
    assert str(info.value) == "f.yml:2: field 'b.c[1].d': the alias *r is inside the value &r names: it would repeat without end"


def test_clause_files_get_the_same_limits(tmp_path: Path) -> None:
    path = tmp_path / "clause.yml"
    path.write_text("id: x.y\ntext: &t [*t]\n")
    with pytest.raises(ClauseError, match="repeat without end"):
        load_with_lines(path, error=ClauseError)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_000, 200_000])
def test_nesting_is_refused_at_once_however_deep(depth: int) -> None:
    for parse, text in [(parse_yaml, "a: " + "[" * depth + "]" * depth), (parse_json, '{"a": ' + "[" * depth + "]" * depth + "}")]:
        start = time.perf_counter()
        with pytest.raises(MediationError, match=f"nested more than {MAX_DEPTH} levels deep"):
            parse(text, source="f")
        assert time.perf_counter() - start < 0.5


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = MAX_DEPTH - 1
    data, _ = parse_yaml("a: " + "[" * depth + "]" * depth, source="f")
    assert data["a"] is not None


def test_too_many_values_are_refused() -> None:
    text = "a: [" + ", ".join(["0"] * (MAX_VALUES + 1)) + "]"
    with pytest.raises(MediationError, match="more than 100,000 values"):
        parse_yaml(text, source="f")


def test_long_numbers_are_refused_with_their_line() -> None:
    with pytest.raises(MediationError) as info:
        parse_yaml("a: 1\nb: " + "9" * 5_000, source="f")
    assert str(info.value) == "f:2: field 'b': a number of 5,000 characters; the limit is 100"
    with pytest.raises(MediationError, match="a number of 5,000 characters"):
        parse_json('{"a": ' + "9" * 5_000 + "}", source="f")
    assert parse_yaml("a: '" + "9" * 5_000 + "'", source="f")[0]["a"] == "9" * 5_000  # text, not a number
    with pytest.raises(MediationError) as info:  # a small file skips the scan: the line walk checks it
        parse_yaml("a: 1\nb: [1, " + "9" * 200 + "]", source="f")
    assert str(info.value) == "f:2: field 'b[1]': a number of 200 characters; the limit is 100"


def test_json_duplicate_keys_are_refused_with_path_and_line() -> None:
    text = '{\n  "a": {\n    "b": 1,\n    "b": 2\n  }\n}\n'
    with pytest.raises(MediationError) as info:
        parse_json(text, source="f.json")
    assert str(info.value) == "f.json:4: field 'a.b': key 'b' appears twice"


def test_json_that_is_not_yaml_still_gets_lines_where_it_can_and_limits() -> None:
    text = '{"a": "\\/", "b": "\\/"}'  # valid JSON; PyYAML rejects the escape
    assert parse_json(text, source="f.json")[0] == {"a": "/", "b": "/"}
    with pytest.raises(MediationError, match="appears twice"):
        parse_json('{"a": "\\/", "a": 1}', source="f.json")
    with pytest.raises(MediationError, match="nested more than"):
        parse_json('{"a": "\\/", "b": ' + "[" * 100_000 + "]" * 100_000 + "}", source="f.json")


def test_tagged_values_python_cannot_hold_are_refused() -> None:
    with pytest.raises(MediationError, match="malformed YAML"):
        parse_yaml("a: !!timestamp 0000-01-01\n", source="f")
    with pytest.raises(MediationError, match="malformed YAML"):
        parse_yaml("a: !!python/object:os.system {}\n", source="f")


def test_a_report_of_many_problems_is_cut_short() -> None:
    data = minimal_data()
    data["excluded_clauses"] = [1] * 400
    messages = refused(data)
    assert len(messages) == 21
    assert messages[-1] == "case.json: 380 more problem(s) not shown"


# --------------------------------------------------------------------------- the values


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        (("parent_a", "full_name"), limits.NAME_CHARS),
        (("office", "name"), limits.NAME_CHARS),
        (("court", "case_number"), limits.ID_CHARS),
        (("child_support", "deviation_reason"), limits.TEXT_CHARS),
        (("exchanges", "location"), limits.TEXT_CHARS),
    ],
)
def test_strings_are_bounded_per_kind(path: tuple[str, str], limit: int) -> None:
    data = minimal_data()
    data[path[0]][path[1]] = "é" * limit
    assert not [m for m in refused(data) if path[1] in m]
    data[path[0]][path[1]] = "é" * (limit + 1)
    assert f"{'.'.join(path)}: String should have at most {limit} characters" in " ".join(refused(data))


def test_every_string_list_and_number_in_the_schema_is_bounded() -> None:
    """A field added without a limit still gets the model-wide ceiling (or this test names it)."""
    unbounded = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "string" and not ({"maxLength", "enum", "const", "format"} & node.keys()) and "pattern" not in node:
                if not where.endswith(".anyOf[1]"):  # a Decimal may be given as text: bounded by its digits
                    unbounded.append(where)
            if node.get("type") == "array" and "maxItems" not in node and not where.endswith("rotation"):
                unbounded.append(where)  # a rotation is at most 366 days (checked by its model)
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}[{index}]")

    walk(Case.model_json_schema(), "")
    assert unbounded == []


def test_additional_terms_are_bounded_together() -> None:
    data = minimal_data()
    data["additional_terms"] = ["a " * 4_999] * 5
    assert refused(data) == []
    data["additional_terms"] = ["a " * 4_999] * 6
    assert refused(data) == ["case.json:1: additional_terms: additional terms add up to 59,982 characters; the limit is 50,000"]


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        ("agreement_date", "1899-12-31", "1899-12-31 is not a date a case can use (1900-01-01 to 2200-12-31)"),
        ("agreement_date", "2201-01-01", "2201-01-01 is not a date a case can use (1900-01-01 to 2200-12-31)"),
        ("children.0.date_of_birth", "1899-12-31", "1899-12-31 is not a date a case can use"),
        ("parenting_time.exchange_time", "18:00+02:00", 'give a time of day such as "18:00", without a time zone'),
        ("parenting_time.exchange_time", 64_800, 'give a time of day such as "18:00", without a time zone'),
        ("provisions", {"relocation_distance_miles": 10**12}, "Input should be less than or equal to 25000"),
        ("child_support.amount", 10**9, "Input should be less than 1000000000"),
        ("parent_a.full_name", "Alex\u0000Rivera", "contains a control character (U+0000) that cannot be printed"),
        ("children", [{"full_name": f"C{i}", "date_of_birth": "2016-01-01"} for i in range(21)], "List should have at most 20 items"),
    ],
)
def test_values_out_of_range_are_refused(where: str, value: object, message: str) -> None:
    data = minimal_data()
    *parents, last = where.split(".")
    node: object = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]  # type: ignore[index]
    node[int(last) if isinstance(node, list) else last] = value  # type: ignore[index]
    messages = refused(data)
    assert any(message in m for m in messages), messages


def test_dates_at_the_edges_of_the_range_are_accepted() -> None:
    data = minimal_data()
    data["children"][0]["date_of_birth"] = "1900-01-01"
    data["parenting_time"]["holidays"] = [{"holiday": "custom", "label": "Eid", "dates": ["1900-01-01", "2200-12-31"], "even_years": "a"}]
    assert refused(data) == []


# --------------------------------------------------------------------------- the renderers


def test_typst_gets_no_unbreakable_run_it_cannot_hold() -> None:
    from doc_fixtures import sample_agreement

    from docassemble.MediationAgreement.render.pdf import render_pdf
    from docassemble.MediationAgreement.render.typesetting import LONGEST_RUN, breakable

    word = "é" * 40_000  # 80,000 bytes: Typst panicked on more than 65,535
    assert max(len(run) for run in breakable(word).split("\u200b")) == LONGEST_RUN
    assert breakable({"a": ["short words", 3]}) == {"a": ["short words", 3]}
    pdf = render_pdf(sample_agreement(parent_a_name=word))
    assert pdf.startswith(b"%PDF")


def test_docx_core_properties_are_clipped_and_bad_characters_are_a_render_error() -> None:
    from dataclasses import replace

    from doc_fixtures import sample_agreement
    from docx import Document

    from docassemble.MediationAgreement.render.docx import render_docx

    doc = sample_agreement()
    long_office = replace(doc, metadata={**doc.metadata, "office": "O" * 300})
    word = Document(io.BytesIO(render_docx(long_office)))
    assert word.core_properties.author == "O" * 255
    with pytest.raises(RenderError, match="cannot write the DOCX"):
        render_docx(replace(doc, title="A\x01B"))


def test_text_may_hold_every_character_xml_allows_and_no_other() -> None:
    """The case's check for characters no document can hold refuses exactly what XML 1.0 excludes (and the
    two non-characters U+FFFE and U+FFFF), checked over every code point."""
    from docassemble.MediationAgreement.case.schedule import _UNPRINTABLE

    def allowed(point: int) -> bool:
        return point in (0x9, 0xA, 0xD) or 0x20 <= point <= 0x7E or 0xA0 <= point <= 0xD7FF or 0xE000 <= point <= 0xFFFD or point >= 0x10000

    everything = "".join(map(chr, range(0x110000)))
    refused = {match.start() for match in _UNPRINTABLE.finditer(everything)}
    assert refused == {point for point in range(0x110000) if not allowed(point)}
