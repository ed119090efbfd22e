"""A lock file the scheduler holds while it runs, so a restore on this machine can tell.

Every `flask jobs run` holds a shared lock on `instance/scheduler.lock` (several schedulers are
harmless to each other); a restore asks for the exclusive lock and is refused while any holds it.
The kernel drops the lock when the process dies, so a crashed scheduler never blocks a restore.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = "scheduler.lock"


def lock_path(instance_path: str | Path) -> Path:
    """Return where the scheduler's lock file lives."""
    return Path(instance_path) / LOCK_NAME


@contextmanager
def holding(instance_path: str | Path) -> Iterator[None]:
    """Hold the scheduler's shared lock for as long as the block runs."""
    path = lock_path(instance_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def scheduler_running(instance_path: str | Path) -> bool:
    """Tell whether a scheduler on this machine holds the lock now."""
    path = lock_path(instance_path)
    if not path.exists():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False
