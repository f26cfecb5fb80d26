"""A Redis of the system's package, with its own configuration file, bound to 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time

from .base import HOST, Layout, Ports, ServeError, check_port_free, cmdline, pid_alive, private_dir, read_pid, run, say, write_private


def redis_env(password: str) -> dict[str, str]:
    return {"REDISCLI_AUTH": password}


def redis_running(ports: Ports, password: str) -> bool:
    if shutil.which("redis-cli") is None:
        return False
    try:
        # A timeout: another program on the port may accept the connection and never answer (issue 13, defect 10).
        result = subprocess.run(["redis-cli", "-h", HOST, "-p", str(ports.redis), "ping"], capture_output=True, text=True,
                                env={**os.environ, **redis_env(password)}, timeout=5)
    except subprocess.TimeoutExpired:
        return False
    return result.stdout.strip() == "PONG"


def ensure_redis(layout: Layout, ports: Ports, password: str) -> None:
    folder = private_dir(layout.redis)
    conf = folder / "redis.conf"
    write_private(conf, "\n".join([
        "# written by scripts/serve.py",
        f"bind {HOST}",
        f"port {ports.redis}",
        "protected-mode yes",
        "daemonize yes",
        f"pidfile {folder / 'redis.pid'}",
        f"logfile {folder / 'redis.log'}",
        f"dir {folder}",
        f"requirepass {password}",
        # docassemble keeps API keys and sessions in Redis: keep them across restarts.
        "save 60 1",
        "appendonly no",
        "",
    ]))
    if redis_running(ports, password):
        return
    check_port_free(layout, ports.redis, "Redis")
    say(f"starting Redis on {HOST}:{ports.redis}")
    run(["redis-server", conf], what=f"starting Redis (see {folder / 'redis.log'})")
    deadline = time.monotonic() + 20
    while not redis_running(ports, password):
        if time.monotonic() > deadline:
            raise ServeError(f"Redis did not answer on {HOST}:{ports.redis}; see {folder / 'redis.log'}")
        time.sleep(0.2)


def stop_redis(layout: Layout, ports: Ports, password: str) -> None:
    if not redis_running(ports, password):
        return
    say("stopping Redis")
    with contextlib.suppress(subprocess.TimeoutExpired):
        subprocess.run(["redis-cli", "-h", HOST, "-p", str(ports.redis), "shutdown"], capture_output=True,
                       env={**os.environ, **redis_env(password)}, timeout=10)
    pid_file = layout.redis / "redis.pid"
    deadline = time.monotonic() + 20
    while redis_running(ports, password) and time.monotonic() < deadline:
        time.sleep(0.2)
    pid = read_pid(pid_file)
    if pid and pid_alive(pid) and "redis-server" in cmdline(pid):
        os.kill(pid, signal.SIGTERM)
