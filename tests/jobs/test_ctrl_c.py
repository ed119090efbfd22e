"""`flask jobs run` stops on Ctrl+C by itself, even started in the background by a shell."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
FLASK = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]


def _ignore_sigint() -> None:
    # What a non-interactive shell (dash, `make serve`) does to a command it starts with `&`.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_sigint_stops_the_scheduler_started_with_sigint_ignored(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}"}
    env.pop("TEST_DATABASE_URL", None)
    subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    jobs = subprocess.Popen(
        [*FLASK, "jobs", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_ignore_sigint,
    )
    try:
        deadline = time.monotonic() + 120
        lines = []
        while time.monotonic() < deadline:
            line = jobs.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Scheduler started" in line:
                break
        assert any("Scheduler started" in line for line in lines), "".join(lines)
        jobs.send_signal(signal.SIGINT)
        output, _ = jobs.communicate(timeout=20)
        assert jobs.returncode == 0, output
        assert "Scheduler stopped." in output, output
    finally:
        if jobs.poll() is None:
            jobs.kill()
            jobs.wait()
