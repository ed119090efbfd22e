"""Domain errors speak the reader's language: Chinese to jobs and the CLI, English on request."""

import threading

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError, render
from sponsorship.extensions import db
from sponsorship.jobs.spec import JobSpec
from sponsorship.models import JobRun
from sponsorship.models.enums import Role
from sponsorship.services.core import users
from sponsorship.work.job_runs import Outcome, run_job
from tests.conftest import post_form


def _refuse_a_short_password(ctx) -> str:
    users.check_password_strength("short")
    return "not reached"


def test_a_failed_job_records_the_domain_error_in_chinese():
    # The test's app context has no request, as the scheduler's does.
    spec = JobSpec(id="test-short-password", func=_refuse_a_short_password)
    assert run_job(spec, "2026-11-29") == Outcome.FAILED
    run = db.session.scalar(sa.select(JobRun).where(JobRun.job_id == "test-short-password"))
    assert run.error == "DomainError: 密码至少需要 10 个字符。"


def test_the_command_line_prints_the_domain_error_in_chinese(runner):
    runner.invoke(args=["users", "create", "clerk", "--password", "x" * 12])
    taken = runner.invoke(args=["users", "create", "clerk", "--password", "y" * 12])
    assert taken.exit_code != 0
    assert "登录名 clerk 已被使用。" in taken.output


def test_an_english_request_gets_the_domain_error_in_english(client, auth):
    auth.as_role(Role.ADMIN, username="boss")
    post_form(client, "/language", {"lang": "en"})
    page = post_form(
        client,
        "/admin/users/new",
        {"username": "boss", "role": "staff", "scope": "", "password": "a long password"},
        token_from="/admin/users/new",
    ).get_data(as_text=True)
    assert "The login name boss is taken." in page
    assert "已被使用" not in page


def test_one_error_renders_in_whichever_language_reads_it():
    error = DomainError(_l("Batch %(key)s already exists.", key="2026-09"))
    assert error.message == "批次 2026-09 已存在。" == str(error)
    assert render(error, "en") == "Batch 2026-09 already exists."
    assert error.message == "批次 2026-09 已存在。"  # rendering in English left the locale alone


def test_a_message_read_outside_any_app_context_falls_back_to_english():
    error = DomainError(_l("Batch %(key)s already exists.", key="2026-09"))
    seen = []
    # A new thread starts with no Flask context at all, unlike this test's body.
    reader = threading.Thread(target=lambda: seen.append(str(error)))
    reader.start()
    reader.join()
    assert seen == ["Batch 2026-09 already exists."]
