"""Production settings against the real Redis: the login rate limit is shared through it."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parent.parent
#: Where ProductionConfig keeps rate limits when RATELIMIT_STORAGE_URI is not set.
PRODUCTION_REDIS = "redis://127.0.0.1:6379/0"

# Runs in its own interpreter, as each gunicorn worker does: the limiter is a process-wide
# extension, and production settings must not leak into the rest of the suite.
SCRIPT = """
import json, re, sys
from config import ProductionConfig
from sponsorship.app import create_app

class Config(ProductionConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]

app = create_app(Config)
client = app.test_client()
https = {"base_url": "https://localhost"}
codes = []
first = client.get("/login", **https)
cookie = next(c for c in first.headers.getlist("Set-Cookie") if c.startswith("session="))
for _ in range(int(sys.argv[2])):
    page = client.get("/login", **https).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    codes.append(client.post("/login", data={"csrf_token": token, "username": "nobody",
                                             "password": "wrong password"},
                             headers={"Referer": "https://localhost/login"}, **https).status_code)
print(json.dumps({"codes": codes, "cookie": cookie,
                  "storage": app.config["RATELIMIT_STORAGE_URI"]}))
"""


def run_worker(database_url: str, prefix: str, attempts: int) -> dict:
    """Run one production worker that tries to log in `attempts` times; return what it saw."""
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 48,
        "RATELIMIT_KEY_PREFIX": prefix,
        "PUBLIC_URL": "https://localhost",
    }
    env.pop("RATELIMIT_STORAGE_URI", None)  # the production default is under test
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, database_url, str(attempts)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def limiter_keys():
    """A key prefix no one else uses, and its keys removed from the production Redis after."""
    prefix = f"test-{uuid.uuid4().hex}"
    store = redis.Redis.from_url(PRODUCTION_REDIS)
    try:
        yield prefix, store
    finally:
        for key in store.scan_iter(match=f"*{prefix}*"):
            store.delete(key)
        store.close()


@pytest.mark.commits  # the subprocesses write audit events for real; they are emptied after
def test_production_login_limit_is_shared_through_redis(database_url, limiter_keys):
    prefix, store = limiter_keys
    first = run_worker(database_url, prefix, 3)
    assert first["storage"] == PRODUCTION_REDIS
    assert first["codes"] == [200, 200, 200]
    keys = list(store.scan_iter(match=f"*{prefix}*"))
    assert keys, "the limiter wrote nothing to Redis"
    # A second worker, a separate process, counts on from the first one's three attempts:
    # with per-process (memory) storage its limit would start again from zero.
    second = run_worker(database_url, prefix, 3)
    assert second["codes"] == [200, 200, 429]
    assert "Secure" in second["cookie"] and "HttpOnly" in second["cookie"]
