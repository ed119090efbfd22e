"""Bad input is a message or a 4xx, never a 500: line ends, dates, huge numbers, odd hosts."""

from __future__ import annotations

from datetime import date

import pytest

from sponsorship.errors import DomainError
from sponsorship.models import PayoutBatch
from sponsorship.models.enums import Role
from sponsorship.request_input import BoundedArgs, database_ids
from sponsorship.services.core.regions import parse_rows
from sponsorship.services.money import bank_statements
from sponsorship.services.payouts import bank_file
from tests.conftest import post_form
from tests.factories import county, make_child
from tests.views.pages import all_field_errors

HUGE = 2**70


def test_a_bank_statement_with_bare_cr_line_ends_reads_like_any_other():
    text = "日期,金额,付款人\r2026-10-01,100.00,王丽\r2026-10-02,50.00,李华\r"
    lines, errors = bank_statements.parse(text)
    assert errors == [] and [line.amount_fen for line in lines] == [10_000, 5_000]


def test_a_bank_result_file_with_bare_cr_line_ends_reads_like_any_other():
    batch = PayoutBatch(key="2026-09", cutoff_on=date(2026, 9, 1))
    text = "参考号,结果\r2026-09-7,成功\r2026-09-8,失败\r"
    result = bank_file.parse_result(batch, text)
    assert result.paid == {7: ""} and set(result.failed) == {8}


def test_a_region_list_with_bare_cr_line_ends_reads_like_any_other():
    rows = parse_rows("code,name,level,parent,zone\r441323000000,惠东县,county,,\r")
    assert [row.name for row in rows] == ["惠东县"]


def test_a_csv_field_beyond_the_parser_limit_is_a_message_not_a_crash():
    with pytest.raises(DomainError) as raised:
        bank_statements.parse("日期,金额\r2026-10-01," + "9" * 200_000 + "\r")
    assert "CSV" in str(raised.value.message)


@pytest.mark.parametrize(
    "url",
    [
        "/reports/statistics?start=0001-01-01&end=9999-12-31",
        "/reports/statistics?start=9999-12-31",
        "/reports/statistics/print?end=0001-01-01",
        "/reports/statistics.xlsx?start=0001-01-01",
        "/sponsors/?since=0001-01-01&until=9999-12-31",
    ],
)
def test_extreme_dates_in_filters_are_refused_beside_the_field(client, auth, url):
    auth.as_role(Role.ADMIN)
    response = client.get(url)
    assert response.status_code == 200
    if response.mimetype == "text/html" and "/print" not in url:  # the print page has no form
        errors = " ".join(all_field_errors(response.get_data(as_text=True)))
        assert "请输入 1900 年至 2199 年之间的日期" in errors


@pytest.mark.parametrize(
    "url",
    [
        f"/children/{HUGE}",
        f"/children/{HUGE}/edit",
        f"/statements/children/{HUGE}",
        f"/payouts/{2**31}",  # PostgreSQL's INTEGER ends at 2**31 - 1
        f"/letters/{HUGE}",
    ],
)
def test_ids_beyond_64_bits_are_not_found(client, auth, url):
    auth.as_role(Role.ADMIN)
    response = client.get(url)
    assert response.status_code == 404 and "未找到" in response.get_data(as_text=True)


def test_huge_page_and_version_numbers_give_the_first_page(client, auth):
    auth.as_role(Role.ADMIN)
    child = make_child(name="张小雨", region=None)
    for page in (HUGE, 2**62, -HUGE):
        assert "张小雨" in client.get(f"/children/?page={page}").get_data(as_text=True)
        assert client.get(f"/admin/audit/?page={page}&user={HUGE}&child={HUGE}").status_code == 200
    page = client.get(f"/letters/templates/approval/zh?version={HUGE}")
    assert page.status_code == 200
    assert child.id


def test_bounded_args_keep_ordinary_numbers_and_drop_huge_ones():
    args = BoundedArgs([("page", str(2**62)), ("user", str(HUGE)), ("child", "12")])
    assert args.get("page", 1, type=int) == 1
    assert args.get("user", type=int) is None
    assert args.get("child", type=int) == 12
    assert database_ids(["1", str(2**31 - 1), str(2**31), "x", "-3"]) == [1, 2**31 - 1]


def test_ticking_a_proposal_id_beyond_64_bits_is_a_message(client, auth):
    auth.as_role(Role.STAFF, scope=county())
    response = post_form(
        client,
        "/matching/bulk",
        {"selected": str(HUGE), "action": "confirm"},
        token_from="/matching/",
    )
    assert response.status_code in (302, 422)


def test_a_nul_character_in_the_query_is_a_bad_request(client, auth):
    auth.as_role(Role.ADMIN)
    assert client.get("/children/?q=%00").status_code == 400


@pytest.mark.parametrize("host", ["a" * 10_000, "x" * 300 + ".example.org"])
def test_a_very_long_host_header_is_a_bad_request(client, host):
    response = client.get("/login", headers={"Host": host})
    assert response.status_code == 400 and response.get_data(as_text=True) == "400 请求无效"
