"""The jobs page and the dashboard show each job's last and next run, and periods left failed."""

from datetime import UTC, datetime

import lxml.html

from sponsorship.clock import local_zone
from sponsorship.jobs.registry import registry
from sponsorship.jobs.spec import JobSpec
from sponsorship.models.enums import Role
from sponsorship.work.job_runs import Outcome, run_job
from tests.conftest import post_form

#: Where the pages list periods left failed.
ALERT = "//div[@role='alert']"
DASHBOARD_ALERT = "//div[@id='job-failures']"
NOW = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)  # 12:00 in the programme's zone


def job_rows(page: str) -> dict[str, list[str]]:
    """Return the jobs table's cells, by job id."""
    tree = lxml.html.fromstring(page)
    rows = {}
    for tr in tree.xpath("//table[@id='jobs']/tbody/tr"):
        cells = [" ".join(td.text_content().split()) for td in tr.findall("td")]
        rows[cells[0]] = cells
    return rows


def failures_listed(page: str, xpath: str) -> str:
    found = lxml.html.fromstring(page).xpath(xpath)
    return " ".join(found[0].text_content().split()) if found else ""


def test_jobs_page_lists_each_job_with_its_last_and_next_run(client, auth, frozen):
    frozen(NOW)
    assert run_job(registry()["housekeeping"], "2026-11-29") == Outcome.SUCCEEDED
    auth.as_role(Role.ADMIN)
    response = client.get("/admin/jobs")
    assert response.status_code == 200
    rows = job_rows(response.get_data(as_text=True))
    assert set(rows) == set(registry())
    zone = local_zone()
    for job_id, spec in registry().items():
        next_time = spec.next_run(NOW.astimezone(zone), zone)
        assert next_time.strftime("%Y-%m-%d %H:%M") in rows[job_id][3], job_id
    # Housekeeping ran: its period and status in Chinese; the others never ran.
    assert "2026-11-29 · 成功" in rows["housekeeping"][2]
    assert rows["september_batch"][2] == "从未运行"
    assert rows["september_batch"][3] == "2027-09-01 08:00"


def test_a_failed_period_shows_on_both_pages_until_it_succeeds(client, auth, frozen):
    frozen(NOW)
    calls = []

    def flaky(ctx):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("printer on fire")
        return "printed"

    spec = JobSpec(id="test-printer", func=flaky)
    assert run_job(spec, "2026-11-29") == Outcome.FAILED
    auth.as_role(Role.ADMIN)
    jobs_page = client.get("/admin/jobs").get_data(as_text=True)
    assert "test-printer 2026-11-29 · 失败" in failures_listed(jobs_page, ALERT)
    assert "printer on fire" in failures_listed(jobs_page, ALERT)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "test-printer 2026-11-29 · 失败" in failures_listed(dashboard, DASHBOARD_ALERT)

    assert run_job(spec, "2026-11-29") == Outcome.SUCCEEDED
    assert "test-printer" not in failures_listed(
        client.get("/admin/jobs").get_data(as_text=True), ALERT
    )
    assert failures_listed(client.get("/dashboard").get_data(as_text=True), DASHBOARD_ALERT) == ""


def test_run_now_runs_the_current_period_once(client, auth, frozen):
    frozen(NOW)
    auth.as_role(Role.ADMIN)
    first = post_form(client, "/admin/jobs/housekeeping/run", token_from="/admin/jobs")
    again = post_form(
        client, "/admin/jobs/housekeeping/run", token_from="/admin/jobs", follow_redirects=True
    )
    assert first.status_code == 302 and first.headers["Location"] == "/admin/jobs"
    page = again.get_data(as_text=True)
    rows = job_rows(page)
    assert "2026-11-29 · 成功" in rows["housekeeping"][2]
    history = lxml.html.fromstring(page).xpath("//table[@id='history']/tbody/tr")
    assert len(history) == 1  # the second press did not run the period twice
    assert "手动运行" in history[0].text_content()
