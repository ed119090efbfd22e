"""The application shell: configuration, headers, error pages, language."""

import re
import subprocess
import sys

from tests.conftest import post_form


def test_production_refuses_to_start_without_a_real_secret_key(tmp_path):
    code = (
        "from config import ProductionConfig; from sponsorship.app import create_app; "
        "create_app(ProductionConfig)"
    )
    env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "short"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(__import__("pathlib").Path(__file__).parent.parent),
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert len([line for line in result.stderr.strip().splitlines() if line]) == 1


def test_login_page_is_chinese_with_security_headers(client):
    response = client.get("/login")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "登录名" in page and '<html lang="zh-CN">' in page
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(client):
    page = client.get("/login").get_data(as_text=True)
    assert "<script>" not in page and "style=" not in page and "<style" not in page


def test_switch_to_english_and_back(client):
    response = post_form(client, "/language", {"lang": "en", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Login name" in client.get("/login").get_data(as_text=True)
    post_form(client, "/language", {"lang": "zh", "next": "/login"})
    assert "登录名" in client.get("/login").get_data(as_text=True)


def test_language_switch_refuses_foreign_redirects(client):
    response = post_form(client, "/language", {"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_not_found_page_in_both_languages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "未找到" in response.get_data(as_text=True)
    post_form(client, "/language", {"lang": "en"})
    assert "Not found" in client.get("/no-such-page").get_data(as_text=True)


def test_an_upload_over_the_cap_is_refused_before_it_is_read(app, client):
    cap = app.config["MAX_CONTENT_LENGTH"]
    assert cap == 16 * 1024 * 1024
    response = client.post(
        "/login", data=b"x" * (cap + 1), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413


def test_static_assets_are_served_locally(client):
    page = client.get("/login").get_data(as_text=True)
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page
    assets = re.findall(r'<(?:link|script)[^>]*(?:href|src)="([^"]+)"', page)
    assert sorted(assets) == ["/static/css/app.css", "/static/js/app.js"]
    for url, kind in zip(sorted(assets), ["text/css", "text/javascript"], strict=True):
        response = client.get(url)
        assert response.mimetype == kind and len(response.data) > 100, url
