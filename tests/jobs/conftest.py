"""The chunked jobs' fault tests: a worker process killed mid-chunk (SIGKILL), then run again."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sponsorship.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def run_worker(module: str, batch_id: int, kill_at: int, chunk: int) -> subprocess.CompletedProcess:
    """Run the worker `module` on this test's database, killing itself at row `kill_at` (0: not)."""
    url = db.engine.url.render_as_string(hide_password=False)
    return subprocess.run(
        [sys.executable, "-m", module, url, str(batch_id), str(kill_at), str(chunk)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def kill_then_finish(
    module: str, batch_id: int, *, rows: int, chunk: int, kept: Callable[[], int]
) -> None:
    """Kill the worker inside the chunk of a random one of its `rows`, check that it kept whole
    chunks only (`kept` counts what it wrote), then run it again to the end."""
    kill_at = random.randint(1, rows)
    crashed = run_worker(module, batch_id, kill_at, chunk)
    assert crashed.returncode == -signal.SIGKILL, (kill_at, crashed.stdout, crashed.stderr)
    db.session.remove()
    before = kept()
    assert before % chunk == 0 and before < rows, kill_at  # whole chunks only
    db.session.remove()

    finished = run_worker(module, batch_id, 0, chunk)
    assert finished.returncode == 0, finished.stderr
    db.session.remove()
