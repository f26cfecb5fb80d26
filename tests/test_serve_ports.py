"""`make serve` and the browser tests beside another copy of the project (issue 13, defect 10).

A first start whose default port another program holds picks a free port (and
keeps it); a port that is asked for but held stops the start at once, naming
the port and the process that holds it; the ready check accepts only the web
process this start launched.  Tested here with a real listening socket held
by the test process itself.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts" / "server"))

from localserver import base  # noqa: E402


@pytest.fixture
def held() -> Iterator[int]:
    """A loopback port this test process listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((base.HOST, 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_what_holds_a_port_is_named(held: int) -> None:
    assert base.port_in_use(held)
    assert os.getpid() in base.listeners(held)
    assert f"pid {os.getpid()} (" in base.port_holder(held)
    layout = base.Layout(Path("/nonexistent-state"))
    with pytest.raises(base.ServeError) as info:
        base.check_port_free(layout, held, "PostgreSQL")
    message = str(info.value)
    assert f"port {held} for PostgreSQL is already in use by pid {os.getpid()}" in message
    assert "SERVE_PG_PORT" in message


def test_a_held_default_port_is_replaced_by_a_free_one_on_a_first_start(held: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(base.DEFAULT_PORTS, "pg", held)
    for name in ("SERVE_PORT", "SERVE_PG_PORT", "SERVE_REDIS_PORT"):
        monkeypatch.delenv(name, raising=False)
    layout = base.Layout(tmp_path)
    ports = base.chosen_ports(layout, None, pick_free=True)
    assert ports.pg != held and not base.port_in_use(ports.pg)
    # Other commands (info, stop) never pick: they report the ports a start would use.
    assert base.chosen_ports(layout, None).pg == held


def test_a_port_asked_for_or_used_before_is_kept(held: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVE_PG_PORT", str(held))
    layout = base.Layout(tmp_path)
    assert base.chosen_ports(layout, None, pick_free=True).pg == held
    monkeypatch.delenv("SERVE_PG_PORT")
    (tmp_path / "settings.json").write_text(json.dumps({"web": 8080, "pg": held, "redis": 56379}))
    assert base.chosen_ports(layout, None, pick_free=True).pg == held


def test_the_ready_check_knows_its_own_process() -> None:
    assert base.descends_from(os.getpid(), os.getppid())
    assert base.descends_from(os.getpid(), os.getpid())
    assert not base.descends_from(os.getppid(), os.getpid())


def test_a_program_that_holds_the_redis_port_and_never_answers_is_not_taken_for_redis(held: int) -> None:
    """`serve.sh status` (the browser tests ask it first) used to wait forever on such a port: redis-cli had no timeout."""
    import shutil
    import time

    from localserver import redis_server

    if shutil.which("redis-cli") is None:
        pytest.skip("redis-cli is not installed (make install-test installs it)")
    ports = base.Ports(web=1, pg=1, redis=held, smtp=1)
    started = time.monotonic()
    assert redis_server.redis_running(ports, "not-the-password") is False
    assert time.monotonic() - started < 30
