"""A clerk's day in a real browser: paper forms typed in, then children verified in bulk."""

import sqlalchemy as sa
from playwright.sync_api import expect

from sponsorship.extensions import db
from sponsorship.models import Child, Letter, Sponsor
from sponsorship.models.enums import ChildStatus, ConsentMethod, LetterKind, RegionLevel, Role
from tests.factories import PASSWORD, make_child, make_region, make_user


def _log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("登录名").fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_clerk_types_in_two_paper_forms_one_after_the_other(live_server, page):
    town = make_region("稔山镇")
    make_region("新村村", level=RegionLevel.VILLAGE, parent=town)
    make_user(Role.STAFF, username="town.clerk", scope=town)
    db.session.commit()
    _log_in(page, live_server, "town.clerk")
    page.get_by_role("link", name="爱心父母", exact=True).click()
    page.get_by_role("link", name="录入纸质报名表").click()

    for number, (name, mobile) in enumerate([("张桂英", "13912340001"), ("李秀兰", "13912340002")]):
        page.get_by_label("纸质报名表编号").fill(f"JD-{number + 1:03d}")
        page.get_by_label("姓名（单位报名请填单位名称）").fill(name)
        page.get_by_label("手机号").fill(mobile)
        page.get_by_label("镇/街道", exact=True).select_option(label="稔山镇")
        page.get_by_label("所在镇、村").select_option(label="新村村")
        page.get_by_label("通信地址").fill("新村村 3 号")
        page.get_by_label("每名儿童每年认捐金额（元）").fill("1000")
        page.get_by_role("button", name="保存并录入下一份").click()
        expect(page.get_by_text(f"已录入{name}（报名表 JD-{number + 1:03d}）")).to_be_visible()
        expect(page.get_by_label("纸质报名表编号")).to_have_value("")

    # The same form number again: refused beside the field, with everything typed kept.
    page.get_by_label("纸质报名表编号").fill("JD-001")
    page.get_by_label("姓名（单位报名请填单位名称）").fill("王重复")
    page.get_by_label("手机号").fill("13912340003")
    page.get_by_label("镇/街道", exact=True).select_option(label="稔山镇")
    page.get_by_label("所在镇、村").select_option(label="新村村")
    page.get_by_label("通信地址").fill("新村村 5 号")
    page.get_by_label("每名儿童每年认捐金额（元）").fill("1000")
    page.get_by_role("button", name="保存并录入下一份").click()
    expect(page.get_by_text("这个编号的纸质报名表已经录入过了。")).to_be_visible()
    expect(page.get_by_label("姓名（单位报名请填单位名称）")).to_have_value("王重复")

    sponsors = db.session.scalars(sa.select(Sponsor).order_by(Sponsor.id)).all()
    assert [(s.name, s.consent_method) for s in sponsors] == [
        ("张桂英", ConsentMethod.PAPER),
        ("李秀兰", ConsentMethod.PAPER),
    ]
    invitations = sa.select(sa.func.count()).where(Letter.kind == LetterKind.PORTAL_INVITATION)
    assert db.session.scalar(invitations) == 2


def test_a_clerk_verifies_a_towns_children_in_two_clicks(live_server, page):
    town = make_region("稔山镇")
    village = make_region("新村村", level=RegionLevel.VILLAGE, parent=town)
    colleague = make_user(Role.STAFF, username="colleague", scope=town)
    clerk = make_user(Role.STAFF, username="town.clerk", scope=town)
    theirs = [
        make_child(region=village, status=ChildStatus.REGISTERED, registered_by=colleague)
        for _ in range(12)
    ]
    mine = make_child(
        region=village,
        name="本人登记",
        status=ChildStatus.REGISTERED,
        registered_by=clerk,
        school="惠东县稔山镇新村村中心小学附属幼儿园分校",
        address="广东省惠州市惠东县稔山镇新村村人民路三巷十八号之二",
        family_situation="父亲因病去世，母亲外出务工多年未归，由年迈的祖母一人抚养，" * 4,
    )
    db.session.commit()
    _log_in(page, live_server, "town.clerk")
    page.get_by_role("link", name="儿童", exact=True).click()
    page.get_by_role("link", name="批量核实").click()
    page.get_by_label("全选 13 名").check()
    page.get_by_role("button", name="核实并列入待结对名单").click()
    expect(page.get_by_text("已核实 12 名儿童。")).to_be_visible()
    expect(page.get_by_text("12 名儿童已列入待结对名单。")).to_be_visible()
    expect(page.get_by_text("须由另一位同事核实：本人登记")).to_be_visible()

    statuses = db.session.scalars(
        sa.select(Child.status).where(Child.id.in_([c.id for c in theirs]))
    )
    assert set(statuses) == {ChildStatus.AWAITING}
    db.session.refresh(mine)
    assert mine.status == ChildStatus.REGISTERED

    # The child's page at 1280 px: no label broken one character per line.
    page.get_by_role("link", name="本人登记").click()
    # The text's own box, not the grid cell (which stretches to a long value beside it).
    heights = page.evaluate(
        """() => [...document.querySelectorAll("dl.facts dt")].map(dt => {
            const text = document.createRange();
            text.selectNodeContents(dt);
            return [dt.textContent.trim(), text.getBoundingClientRect().height,
                    parseFloat(getComputedStyle(dt).lineHeight)];
        })"""
    )
    wrapped = [text for text, height, line in heights if height > 1.5 * line]
    assert len(heights) > 10 and wrapped == []
