"""A whole ID number never travels in an address: the browser refuses it in the search box, and
the look-up form posts it."""

from datetime import date

from playwright.sync_api import expect

from sponsorship.extensions import db
from sponsorship.models.enums import RegionLevel, Role
from tests.factories import PASSWORD, id_number, make_child, make_region, make_user


def test_staff_find_a_child_by_a_whole_id_without_it_entering_an_address(live_server, page):
    town = make_region("平山街道")
    village = make_region("新村社区", level=RegionLevel.VILLAGE, parent=town)
    number = id_number(date(2016, 3, 1))
    make_child(region=village, name="陈小雨", id_number=number)
    make_user(Role.STAFF, username="clerk", scope=town)
    db.session.commit()
    addresses = []
    page.on("request", lambda request: addresses.append(request.url))

    page.goto(f"{live_server}/login")
    page.get_by_label("登录名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server}/children/")
    page.get_by_label("姓名或身份证号后几位").fill(number)
    page.get_by_role("button", name="查询").click()
    # The browser keeps the form back: the number matches no name and would enter the address.
    assert page.eval_on_selector("#q", "e => e.validity.patternMismatch")
    page.get_by_label("完整身份证号").fill(number)
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_role("heading", name="陈小雨")).to_be_visible()
    expect(page.locator("#id-number")).to_have_text("44" + "*" * 15 + number[-1])
    assert not [url for url in addresses if number in url or number[6:14] in url]
