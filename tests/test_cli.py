"""Command-line set-up: users, setup with demo data."""

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Child, Pairing, Region, Sponsor, User
from sponsorship.models.enums import Role
from tests.conftest import count
from tests.factories import make_region


def test_users_create_prints_a_generated_password_once(runner):
    result = runner.invoke(args=["users", "create", "clerk", "--role", "staff", "--name", "文员"])
    assert result.exit_code == 0, result.output
    password = re.search(r"Password \(shown once\): (\S+)", result.output).group(1)
    user = db.session.scalar(sa.select(User).where(User.username == "clerk"))
    assert user.role == Role.STAFF and user.check_password(password)


def test_users_create_with_scope_and_bad_scope(runner):
    town = make_region("甲镇")
    ok = runner.invoke(
        args=["users", "create", "town1", "--scope", town.code, "--password", "x" * 12]
    )
    assert ok.exit_code == 0
    bad = runner.invoke(args=["users", "create", "town2", "--scope", "000", "--password", "x" * 12])
    assert bad.exit_code != 0 and "no region" in bad.output
    short = runner.invoke(args=["users", "create", "town3", "--password", "short"])
    assert short.exit_code != 0 and "10" in short.output


def test_set_password_rotates_the_session_token(runner):
    runner.invoke(args=["users", "create", "clerk", "--password", "x" * 12])
    user = db.session.scalar(sa.select(User).where(User.username == "clerk"))
    token = user.session_token
    result = runner.invoke(args=["users", "set-password", "clerk", "--password", "y" * 12])
    assert result.exit_code == 0
    db.session.refresh(user)
    assert user.check_password("y" * 12) and user.session_token != token


@pytest.mark.commits
def test_setup_creates_the_admin_and_demo_data_once(runner):
    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    assert "login name: admin" in first.output
    # The hint is a command that works from the project's folder in a plain shell.
    hint = re.search(r"Forgot it\? (.+) users set-password admin\)", first.output).group(1)
    flask, *app_option = hint.split()
    assert app_option == ["--app", "wsgi"] and flask.endswith("bin/flask")
    assert Path(flask).exists() and os.access(flask, os.X_OK)
    password = re.search(r"^  password:\s+(\S+)", first.output, re.M).group(1)
    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    assert admin.role == Role.ADMIN and admin.check_password(password)
    assert count(Region) == 68 and count(Child) == 60 and count(Sponsor) == 30
    assert count(Pairing) == 15
    demo_children = db.session.scalars(sa.select(Child.family_situation)).all()
    assert all("演示" in text for text in demo_children)
    second = runner.invoke(args=["setup"])
    assert "password" not in second.output and count(Child) == 60


@pytest.mark.commits
def test_setup_without_demo(runner):
    result = runner.invoke(args=["setup", "--no-demo"])
    assert result.exit_code == 0 and count(Region) == 0 and count(User) == 1


def test_children_import_from_the_command_line(runner, tmp_path):
    from sponsorship.models.enums import RegionLevel
    from tests.factories import make_user
    from tests.sheets import make_sheet, sheet_row

    town = make_region("平山街道")
    make_region("新村社区", level=RegionLevel.VILLAGE, parent=town)
    make_user(Role.ADMIN, username="boss")
    db.session.commit()  # the command rolls back on errors: keep the set-up
    good = tmp_path / "good.xlsx"
    good.write_bytes(make_sheet([sheet_row("平山街道", "新村社区")]))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(make_sheet([sheet_row("平山街道", "新村社区", 姓名="李明", 学段="大学")]))
    result = runner.invoke(args=["children", "import", str(bad), "--user", "boss"])
    assert result.exit_code != 0 and "第 2 行 · 学段 · 不是可选的值：大学" in result.output
    assert count(Child) == 0
    result = runner.invoke(args=["children", "import", str(good), "--dry-run"])
    assert result.exit_code == 0 and count(Child) == 0
    assert "检查通过（未写入）：新增 1，更新 0，未变 0。" in result.output
    result = runner.invoke(args=["children", "import", str(good)])
    assert result.exit_code == 0 and "导入完成：新增 1，更新 0，未变 0。" in result.output
    assert count(Child, Child.name == "陈小雨") == 1 and count(Child) == 1
    again = runner.invoke(args=["children", "import", str(good)])
    assert "导入完成：新增 0，更新 0，未变 1。" in again.output and count(Child) == 1
