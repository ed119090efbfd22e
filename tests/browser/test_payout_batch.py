"""Finance approves a batch that staff built, downloads the bank file and marks the batch paid."""

from datetime import date
from pathlib import Path

from playwright.sync_api import expect

from sponsorship.extensions import db
from sponsorship.models.enums import RegionLevel, Role
from sponsorship.services.payouts import review
from sponsorship.services.payouts.build import build_batch, open_adhoc_batch
from tests.browser.conftest import open_menu
from tests.factories import PASSWORD, county, make_paid_pairing, make_region, make_user


def test_finance_approves_exports_and_marks_paid(live_server, page):
    staff = make_user(Role.STAFF, username="zhangsan")
    make_user(Role.FINANCE, username="kuaiji")
    pairing = make_paid_pairing()
    batch = build_batch("2026-09", date(2026, 9, 1), by=staff)
    review.submit(batch, by=staff)
    db.session.commit()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"{live_server}/login")
    page.get_by_label("登录名").fill("kuaiji")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    open_menu(page, "资金")
    page.get_by_role("link", name="发放批次", exact=True).click()
    expect(page.get_by_text("有 1 个批次等待您审批")).to_be_visible()
    page.get_by_role("link", name="2026-09").click()
    expect(page.get_by_role("heading", name="按类别")).to_be_visible()
    expect(page.get_by_text(pairing.child.name)).to_be_visible()

    page.get_by_role("button", name="审批通过", exact=True).click()
    expect(page.get_by_text("已审批通过")).to_be_visible()

    page.get_by_label("CSV").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载银行付款文件").click()
    download = download_info.value
    assert download.suggested_filename == "payouts-2026-09.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert "6228480000000000001" in text and "1000.00" in text

    page.reload()
    expect(page.locator("#batch-status")).to_have_text("已交银行")
    page.get_by_role("button", name="全部登记为已发放").click()
    expect(page.get_by_text("已开始登记发放，进度显示在本页。")).to_be_visible()
    expect(page.get_by_text("已完成：共 1 笔，已处理 1 笔。")).to_be_visible()
    expect(page.locator("#batch-status")).to_have_text("已关闭")
    assert not [e for e in errors if "Content Security Policy" in e]


def test_a_town_finance_clerk_sees_only_the_towns_batches(live_server, page):
    ours = make_region("平山街道", parent=county())
    theirs = make_region("白花镇", parent=county())
    for town, name in ((ours, "本镇童"), (theirs, "外镇童")):
        make_paid_pairing(region=make_region(level=RegionLevel.VILLAGE, parent=town), name=name)
    county_batch = build_batch("2026-09", date(2026, 9, 1), by=make_user(Role.STAFF))
    review.submit(county_batch, by=make_user(Role.STAFF))
    for town, key in ((ours, "2026-10-本镇补发"), (theirs, "2026-10-外镇补发")):
        clerk = make_user(Role.STAFF, scope=town)
        batch = open_adhoc_batch(key, cutoff=date(2026, 10, 1), note="补发", by=clerk)
        child = make_paid_pairing(region=make_region(level=RegionLevel.VILLAGE, parent=town))
        review.add_child(batch, child.child, by=clerk)
        review.submit(batch, by=clerk)
    make_user(Role.FINANCE, username="zhenkuaiji", scope=ours)
    db.session.commit()

    page.goto(f"{live_server}/login")
    page.get_by_label("登录名").fill("zhenkuaiji")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    open_menu(page, "资金")
    page.get_by_role("link", name="发放批次", exact=True).click()
    # The county batch also pays the other town: only the town's own batch is theirs to approve.
    expect(page.get_by_text("有 1 个批次等待您审批")).to_be_visible()
    expect(page.get_by_role("link", name="2026-10-本镇补发")).to_be_visible()
    expect(page.get_by_role("link", name="2026-09", exact=True)).to_be_visible()
    expect(page.get_by_text("外镇补发")).to_have_count(0)
    page.get_by_role("link", name="2026-09", exact=True).click()
    expect(page.get_by_text("本镇童")).to_be_visible()
    expect(page.get_by_text("外镇童")).to_have_count(0)
