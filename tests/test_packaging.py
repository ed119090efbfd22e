"""The wheel a newcomer installs: built without warnings, with compiled Chinese catalogs."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: What a clean checkout does not have (the compiled catalog above all).
NOT_IN_A_CHECKOUT = shutil.ignore_patterns(
    ".venv", ".git", "*.mo", "instance", "build", "*.egg-info", "__pycache__", "test-artifacts"
)


def test_a_wheel_from_a_clean_checkout_carries_the_compiled_chinese_catalog(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=NOT_IN_A_CHECKOUT)
    assert not list(source.rglob("*.mo"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(tmp_path), "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    output = built.stdout + built.stderr
    assert "BuildBackendWarning" not in output and "absent from" not in output
    [wheel] = tmp_path.glob("sponsorship-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert "sponsorship/static/css/app.css" in names
        assert "sponsorship/static/js/app.js" in names
        with archive.open("sponsorship/translations/zh/LC_MESSAGES/messages.mo") as mo:
            catalog = gettext.GNUTranslations(mo)
    assert catalog.gettext("Too many failed logins. Please try again in %(minutes)s minutes.") == (
        "登录失败次数过多，请 %(minutes)s 分钟后再试。"
    )
