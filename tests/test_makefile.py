"""`make serve` (the end of `make run`): Ctrl+C stops the web app and the scheduler, cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLASK = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _group_commands(pgid: int) -> list[str]:
    listed = subprocess.run(
        ["ps", "-ww", "-o", "pgid=,args=", "-e"], capture_output=True, text=True, check=True
    ).stdout
    return [line.split(None, 1)[1] for line in listed.splitlines() if int(line.split()[0]) == pgid]


def _wait_for(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback
                return answer.status == 200
        except OSError:
            time.sleep(0.5)
    return False


@pytest.mark.skipif(not Path("/usr/bin/make").exists(), reason="make is not installed")
def test_ctrl_c_stops_both_processes_without_a_crash(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}"}
    env.pop("TEST_DATABASE_URL", None)
    subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    # Its own session, like a terminal's foreground job: Ctrl+C signals the whole group.
    make = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}", f"FLASK={' '.join(FLASK)}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    pgid = make.pid
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/login", 120), "the web app did not start"
        commands = _group_commands(pgid)
        assert any("jobs run" in c for c in commands), commands
        assert any(c.endswith(f"--port {port}") for c in commands), commands

        os.killpg(pgid, signal.SIGINT)  # what Ctrl+C does
        output, _ = make.communicate(timeout=60)
        deadline = time.monotonic() + 30
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _group_alive(pgid), _group_commands(pgid)
        assert "Segmentation fault" not in output, output
    finally:
        if _group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)
