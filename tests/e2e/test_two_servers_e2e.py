"""Two docassemble web processes, one PostgreSQL, one Redis (issue 17, part 2): a review round split across them.

The session's server (``make serve``) is one web process; this test starts a
second one on another loopback port with the same configuration, as
docassemble's multi-server setup runs several behind a load balancer. The
mediator works on the first while both parents work on the second, their
steps interleaved with the mediator's; then nothing recorded is missing from
the case's log, each parent's link works on both processes, and the sealed
agreement verifies against the store.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT, ContextFactory, Server, Shots
from .pages import heading, screen_text, submit
from .review_round import MediatorCli
from .test_mediation_e2e import FINAL, SIGNED, WAITING, open_parent, parent_answerer, send_joint_draft, sign_and_seal

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

sys.path.insert(0, str(ROOT / "scripts" / "server"))

from localserver.base import HOST, SERVER_FILES, Layout, default_state_dir, free_port, http_get  # noqa: E402
from localserver.settings import server_env  # noqa: E402


@pytest.fixture
def second_server(da_server: Server) -> Iterator[str]:
    """A second web process of the same docassemble (same configuration, database and Redis) on a free port."""
    layout = Layout(default_state_dir())
    port = free_port()
    log = Path(da_server.server_log).with_name("second-web.log")
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(layout.python), str(SERVER_FILES / "run_server.py"), "--host", HOST, "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=layout.da, env={**server_env(layout)}, start_new_session=True,
        )
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 300
        while http_get(f"{url}/health_check", timeout=5) != 200:
            assert process.poll() is None, f"the second web process exited: {log.read_text(errors='replace')[-3000:]}"
            assert time.monotonic() < deadline, f"the second web process did not answer within 300 s; see {log}"
            time.sleep(1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def on(url: str, link: str) -> str:
    """The same link on another web process (the configuration's `url root` names the first)."""
    path = link.split("/", 3)[3]
    return f"{url}/{path}"


def test_the_mediator_on_one_web_process_and_the_parents_on_another(
    new_context: ContextFactory, da_server: Server, second_server: str, shots: Shots, download_dir: Path
) -> None:
    desk, links = send_joint_draft(new_context, da_server, shots, "two-mediator-")
    assert all(link.startswith(da_server.url) for link in links.values()), links
    there = {party: on(second_server, link) for party, link in links.items()}

    mother = open_parent(new_context, there["a"], parent_answerer("Second server: can the first weekend start on Saturday?"), shots, "two-a-")
    mother.run_until(WAITING)
    submit(desk, "Check again")  # the mediator's process sees what the mother did on the other one
    assert "Second server: can the first weekend start on Saturday?" in screen_text(desk)

    father = open_parent(new_context, there["b"], parent_answerer("Second server: this matches what we agreed."), shots, "two-b-")
    father.run_until(SIGNED)
    submit(mother.page, "Check again")
    mother.run_until(SIGNED)

    submit(desk, "Check again")
    round_text = screen_text(desk)
    assert "Second server: this matches what we agreed." in round_text and round_text.count("(drawn)") == 2, round_text
    executed = sign_and_seal(desk, shots, download_dir, "two")

    cli = MediatorCli(da_server)
    verified = cli.run("verify", executed, "--trust", da_server.info["seal_ca"], "--store", cli.env["MEDIATION_STORE_URL"], check=False)
    assert verified.returncode == 0 and "result: verified" in verified.stdout, verified.stdout + verified.stderr
    case_id = links["a"].split("case=", 1)[1].split("&", 1)[0]
    log = cli.run("case", "log", case_id).stdout
    for kind, count in (("draft_viewed", 2), ("comment", 2), ("approved", 2), ("signed", 3), ("finalized", 1)):
        assert log.count(kind) >= count, f"{kind}: {log}"

    # Each parent's link, spent by signing, offers the sealed agreement on both processes.
    for url in (da_server.url, second_server):
        page = new_context(phone=True).new_page()
        page.goto(on(url, links["b"]))
        assert heading(page) == FINAL, (url, heading(page))
        page.close()
