"""The pieces the browser tests and `make serve` rely on, checked without a server or a browser."""

from __future__ import annotations

import base64
import json
import string
import sys
from pathlib import Path

import yaml

from .answers import CaseFileAnswerer, as_json, expand_generic, lookup, tokens
from .conftest import ROOT
from .driver import decode_name

sys.path.insert(0, str(ROOT / "scripts" / "server"))

from localserver import settings  # noqa: E402
from localserver.base import Layout, Ports  # noqa: E402


def test_generic_names_are_spelled_out_from_the_variable_asked_for() -> None:
    assert expand_generic(["x.full_name", "x.role"], ["case.parent_b.full_name"]) == {
        "x.full_name": "case.parent_b.full_name", "x.role": "case.parent_b.role"}
    assert expand_generic(["case.children[i].full_name"], ["case.children[1].full_name"]) == {
        "case.children[i].full_name": "case.children[1].full_name"}
    assert expand_generic(["case.office.name"], ["case.office.name"]) == {"case.office.name": "case.office.name"}


def test_paths_into_a_case_file() -> None:
    data = {"children": [{"full_name": "Ana"}, {"full_name": "Ben"}]}
    assert tokens("children[1].full_name") == ["children", 1, "full_name"]
    assert lookup(data, tokens("children[1].full_name")) == "Ben"


def test_answers_follow_the_interviews_conventions() -> None:
    data = {"children": [{"full_name": "Ana"}, {"full_name": "Ben"}], "parent_a": {"address": {"street": "1 Main"}},
            "court": {"related_cases": ["A-1", "B-2"]}}
    answers = CaseFileAnswerer(data, extra={"start": {"start_from": "new"}})
    assert answers.value("start", "start_from") == "new"
    assert answers.value("any", "case.children.there_are_any") is True
    # asked after each child: yes after the first, no after the second
    assert [answers.value("another", "case.children.there_is_another") for _ in range(2)] == [True, False]
    assert answers.value("address", "case.parent_a.has_address") is True
    assert answers.value("address", "case.parent_b.has_address") is False
    assert answers.value("court", "case.court.related_cases") == "A-1\nB-2"
    assert answers.value("counsel", "case.parent_a.represented_by_counsel", boolean=True) is False
    assert as_json("18:00", "time") == "18:00:00"


def test_input_names_decode_like_docassemble_encodes_them() -> None:
    encoded = base64.b64encode(b"case.parent_a.full_name").decode().rstrip("=")
    assert decode_name(encoded) == "case.parent_a.full_name"
    assert decode_name("not base64!") is None


def test_the_server_lists_the_interviews_a_user_starts_not_the_topic_files() -> None:
    refs = settings.interview_files()
    names = {ref.rsplit("/", 1)[1] for ref in refs}
    assert "mediation_agreement.yml" in names
    included = settings.included_files((ROOT / "interviews" / "mediation_agreement.yml").read_text())
    assert included and not (included & names)
    assert all(name.replace("_", "-").removesuffix(".yml") in settings.dispatch() for name in names)


def test_the_configuration_template_fills_in_to_valid_yaml(tmp_path: Path) -> None:
    layout = Layout(tmp_path / ".serve")
    values = settings.load_secrets(layout)
    assert oct(layout.secrets.stat().st_mode & 0o777) == "0o600"
    assert settings.write_config(layout, Ports(web=8123, pg=55000, redis=56000), values, debug=False)
    config = yaml.safe_load(layout.config.read_text())
    assert oct(layout.config.stat().st_mode & 0o777) == "0o600"
    assert config["url root"] == "http://127.0.0.1:8123"
    assert config["db"]["port"] == 55000 and config["db"]["password"] == values["db_password"]
    assert config["redis"] == f"redis://:{values['redis_password']}@127.0.0.1:56000"
    assert len(config["default admin account"]["api key"]) == 32
    assert config["mediation agreement"]["store url"].endswith("@127.0.0.1:55000/docassemble")  # in docassemble's own database (docs/server.md)
    assert set(config["dispatch"].values()) == set(settings.interview_files())
    leftover = [p for p in string.Template.pattern.findall(layout.config.read_text()) if p[1] or p[2]]
    assert not leftover, leftover
    # the same secrets on the next run: the admin login and the keys stay valid
    assert settings.load_secrets(layout) == values
    assert json.loads(layout.secrets.read_text()) == values
