"""Links mailed to people come from PUBLIC_URL, whatever Host the request claims; production
answers only to its own host names."""

import subprocess
import sys
from pathlib import Path

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from sponsorship.extensions import db
from sponsorship.services.core import password_reset
from tests.conftest import CSRF_RE
from tests.factories import make_portal_sponsor

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def mailed_links(monkeypatch):
    """The links the password-reset letters would carry, captured as they are queued."""
    sent: list[str] = []
    original = password_reset.queue_letter

    def capture(kind, recipient, reference, **context):
        sent.append(context["link"])
        return original(kind, recipient, reference, **context)

    monkeypatch.setattr(password_reset, "queue_letter", capture)
    return sent


@pytest.fixture
def behind_a_proxy(app):
    """The app as production runs it behind one proxy (PROXY_COUNT=1): X-Forwarded-* trusted."""
    original = app.wsgi_app
    app.wsgi_app = ProxyFix(original, x_for=1, x_proto=1, x_host=1)
    yield app
    app.wsgi_app = original


def ask_reset(client, login: str, headers: dict) -> int:
    page = client.get("/portal/reset", headers=headers).get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    response = client.post(
        "/portal/reset", data={"csrf_token": token, "login": login}, headers=headers
    )
    return response.status_code


@pytest.mark.parametrize(
    "headers", [{"Host": "evil.test"}, {"X-Forwarded-Host": "evil.test"}], ids=["host", "xfh"]
)
def test_a_reset_link_never_carries_the_requests_host(
    app, client, mailed_links, behind_a_proxy, headers
):
    sponsor = make_portal_sponsor()
    db.session.commit()
    app.config["PUBLIC_URL"] = "https://aixin.example.org/"
    try:
        assert ask_reset(client, sponsor.mobile, headers) == 302
    finally:
        app.config["PUBLIC_URL"] = "http://127.0.0.1:5000"
    [link] = mailed_links
    assert link.startswith("https://aixin.example.org/portal/reset/")
    assert "evil.test" not in link


def test_a_public_url_with_a_path_prefix_keeps_it(app, client, mailed_links):
    sponsor = make_portal_sponsor()
    db.session.commit()
    app.config["PUBLIC_URL"] = "https://www.example.gov.cn/aixin"
    try:
        assert ask_reset(client, sponsor.mobile, {"Host": "evil.test"}) == 302
    finally:
        app.config["PUBLIC_URL"] = "http://127.0.0.1:5000"
    assert mailed_links[0].startswith("https://www.example.gov.cn/aixin/portal/reset/")


PRODUCTION = """
import sys
from sponsorship.app import create_app
from werkzeug.middleware.proxy_fix import ProxyFix
app = create_app()
client = app.test_client()
codes = [
    client.get("/login", headers={"Host": "aixin.example.org"}).status_code,
    client.get("/login", headers={"Host": "evil.test"}).status_code,
    client.get("/login", headers={"Host": "aixin.example.org",
                                  "X-Forwarded-Host": "evil.test"}).status_code,
]
print(codes)
"""


def run_production(tmp_path, **env) -> subprocess.CompletedProcess:
    base = {
        "PATH": "/usr/bin:/bin",
        "SPONSORSHIP_ENV": "production",
        "SECRET_KEY": "x" * 48,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        "RATELIMIT_STORAGE_URI": "memory://",
        "PROXY_COUNT": "1",
    }
    return subprocess.run(
        [sys.executable, "-c", PRODUCTION],
        capture_output=True,
        text=True,
        env={**base, **env},
        cwd=ROOT,
        timeout=120,
    )


def test_production_answers_only_to_its_public_host(tmp_path):
    result = run_production(tmp_path, PUBLIC_URL="https://aixin.example.org")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[200, 400, 400]"


def test_production_refuses_to_start_without_a_public_url(tmp_path):
    result = run_production(tmp_path)
    assert result.returncode != 0
    assert "PUBLIC_URL must be set" in result.stderr
