"""The local docassemble server works at all: HTTP, the REST API, and a browser on a phone.

These use the smoke interview in fixtures/smoke_package (installed by the
session fixture), so they say whether the server is sound independently of this
project's own interviews.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

import pytest

from .conftest import ContextFactory, Server, Shots
from .pages import choose, draw_signature, fill, heading, screen_text, submit

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SMOKE = "docassemble.MediationSmoke:data/questions/smoke.yml"


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return int(response.status), response.read().decode()


def api(server: Server, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
    body = None
    headers = {"X-API-Key": server.api_key}
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(server.url + path, data=body, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read().decode() or "null")


def test_server_answers_over_http_on_loopback(da_server: Server) -> None:
    assert da_server.url.startswith("http://127.0.0.1:")
    status, _ = get(da_server.url + "/health_check")
    assert status == 200
    status, page = get(da_server.interview_url(SMOKE))
    assert status == 200
    assert "Who is signing?" in page


def test_rest_api_runs_the_smoke_interview(da_server: Server) -> None:
    user = api(da_server, "GET", "/api/user")
    assert user["email"] == da_server.admin_email
    session = api(da_server, "GET", "/api/session/new?" + urllib.parse.urlencode({"i": SMOKE}))
    question = api(da_server, "POST", "/api/session", {
        "i": SMOKE, "session": session["session"], "secret": session["secret"],
        "variables": {"parent_name": "Sam Lee", "arrangement": "sole"}, "question": True,
    })
    assert question["questionText"] == "Sign here, Sam Lee"


def test_phone_user_fills_chooses_and_signs(new_context: ContextFactory, da_server: Server, shots: Shots) -> None:
    page = new_context(phone=True).new_page()
    page.goto(da_server.interview_url(SMOKE))
    assert heading(page) == "Who is signing?"
    fill(page, "Your name", "Alex Rivera")
    choose(page, "Joint decision-making")
    shots.take(page, "name-and-choice")
    assert submit(page) == "Sign here, Alex Rivera"
    shots.take(page, "signature")
    draw_signature(page)
    shots.take(page, "done")
    assert heading(page) == "Thank you, Alex Rivera"
    text = screen_text(page)
    assert "Arrangement: joint." in text
    assert "Signature received: yes" in text


def test_two_web_processes_share_the_port_serve_one_session_and_stop_together(da_server: Server) -> None:
    """`serve.sh start --processes 2` (one per core, for many users at once): both workers answer the same
    REST session in turn, and when one dies the other is stopped with it, so the server is never half up."""
    import os
    import signal
    import sys
    import time
    from pathlib import Path

    from .conftest import ROOT, SMOKE_PACKAGE, _serve

    sys.path.insert(0, str(ROOT / "scripts" / "server"))
    from localserver.base import Layout, default_state_dir, pid_alive
    from localserver.web import web_pid, web_processes

    layout = Layout(default_state_dir())
    _serve("start", "--processes", "2", "--extra-package", str(SMOKE_PACKAGE))
    try:
        parent = web_pid(layout)
        assert parent is not None and web_processes(layout) == 2
        pair = [int(p) for p in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
        assert len(pair) == 2
        session = api(da_server, "GET", "/api/session/new?" + urllib.parse.urlencode({"i": SMOKE}))
        keys = {"i": SMOKE, "session": session["session"], "secret": session["secret"]}
        for name in ("Sam Lee", "Ana Ruiz", "Kim Park", "Lee Chan"):  # the kernel hands these to either worker
            question = api(da_server, "POST", "/api/session", {**keys, "variables": {"parent_name": name, "arrangement": "sole"}, "question": True})
            assert question["questionText"] == f"Sign here, {name}"
        os.kill(pair[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (pid_alive(parent) or pid_alive(pair[1])):
            time.sleep(0.2)
        assert not pid_alive(pair[1]), "the other worker was left serving alone"
        assert not pid_alive(parent) and web_pid(layout) is None
    finally:
        _serve("start", "--extra-package", str(SMOKE_PACKAGE))  # back to one process for the other tests
    assert get(da_server.url + "/health_check")[0] == 200
