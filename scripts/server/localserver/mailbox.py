"""A local mailbox: an SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message the server sends.

docassemble's ``mail:`` configuration points at it, so a mediator trying the
product sees the messages parents would get, as files in ``.serve/mailbox/new/``
(a Maildir: one file per message; any mail program can open the folder).
Nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time

from .base import HOST, Layout, Ports, ServeError, check_port_free, cmdline, pid_alive, private_dir, read_pid, say


def mailbox_pid(layout: Layout) -> int | None:
    pid = read_pid(layout.run / "mailbox.pid")
    return pid if pid is not None and pid_alive(pid) and "aiosmtpd" in cmdline(pid) else None


def smtp_answers(ports: Ports) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((HOST, ports.smtp), timeout=2) as conn:
        return conn.recv(64).startswith(b"220")
    return False


def ensure_mailbox(layout: Layout, ports: Ports) -> None:
    if mailbox_pid(layout) is not None and smtp_answers(ports):
        return
    check_port_free(layout, ports.smtp, "the mailbox (SMTP)")
    for sub in ("new", "cur", "tmp"):
        private_dir(layout.mailbox / sub)
    layout.run.mkdir(parents=True, exist_ok=True)
    log = layout.log / "mailbox.log"
    say(f"starting the local mailbox (SMTP on {HOST}:{ports.smtp}; messages in {layout.mailbox / 'new'})")
    with log.open("a") as out:
        process = subprocess.Popen(
            [str(layout.python), "-m", "aiosmtpd", "-n", "-l", f"{HOST}:{ports.smtp}", "-c", "aiosmtpd.handlers.Mailbox", str(layout.mailbox)],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    (layout.run / "mailbox.pid").write_text(f"{process.pid}\n")
    deadline = time.monotonic() + 20
    while not smtp_answers(ports):
        if process.poll() is not None or time.monotonic() > deadline:
            raise ServeError(f"the local mailbox did not answer on {HOST}:{ports.smtp}; see {log}")
        time.sleep(0.2)


def stop_mailbox(layout: Layout) -> None:
    pid = mailbox_pid(layout)
    if pid is None:
        (layout.run / "mailbox.pid").unlink(missing_ok=True)
        return
    say("stopping the local mailbox")
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while pid_alive(pid) and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.1)
    (layout.run / "mailbox.pid").unlink(missing_ok=True)
