"""Production settings against the real Redis: the login rate limit is shared through it."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Runs in its own interpreter: the limiter is a process-wide extension, and production settings
# must not leak into the rest of the suite.
SCRIPT = """
import json, re, sys
from config import ProductionConfig
from sponsorship import create_app

class Config(ProductionConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]
    RATELIMIT_STORAGE_URI = sys.argv[2]

app = create_app(Config)
client = app.test_client()
https = {"base_url": "https://localhost"}
codes = []
first = client.get("/login", **https)
cookie = next(c for c in first.headers.getlist("Set-Cookie") if c.startswith("session="))
for _ in range(6):
    page = client.get("/login", **https).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    codes.append(client.post("/login", data={"csrf_token": token, "username": "nobody",
                                             "password": "wrong password"},
                             headers={"Referer": "https://localhost/login"}, **https).status_code)
print(json.dumps({"codes": codes, "cookie": cookie,
                  "storage": type(app.extensions["limiter"]).__name__}))
"""


@pytest.mark.commits  # the subprocess writes audit events for real; they are emptied after
def test_production_login_limit_uses_redis(database_url):
    prefix = f"test-{uuid.uuid4().hex}"
    env = {**os.environ, "SECRET_KEY": "x" * 48, "RATELIMIT_KEY_PREFIX": prefix}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, database_url, "redis://127.0.0.1:6379/15"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["codes"] == [200, 200, 200, 200, 200, 429]
    assert "Secure" in figures["cookie"] and "HttpOnly" in figures["cookie"]
