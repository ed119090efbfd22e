"""The audit log page speaks the clerk's language: actions, records and details in words."""

from sponsorship.extensions import db
from sponsorship.models import AuditEvent
from sponsorship.models.enums import Role
from sponsorship.services.core.audit_words import detail_words
from tests.views.pages import table_rows


def test_actions_records_and_details_are_in_chinese_words(client, auth):
    auth.as_role(Role.ADMIN)
    db.session.add_all(
        [
            AuditEvent(
                action="batch.closed",
                object_type="batches",
                object_id="1",
                detail="count=3/3 total_fen=100000/100000",
            ),
            AuditEvent(
                action="auth.login_failed",
                object_type="users",
                detail="login='wang' reason=password",
            ),
        ]
    )
    db.session.commit()
    rows = table_rows(client.get("/admin/audit/").get_data(as_text=True))
    closed = next(row for row in rows if "关闭批次" in row[2])
    assert closed[3] == "发放批次 1"
    assert closed[4] == "笔数：3/3；合计：¥1,000.00 / ¥1,000.00"
    failed = next(row for row in rows if row[2] == "登录失败")
    assert failed[4] == "登录名：wang；原因：密码错误"
    page_text = " ".join(" ".join(row) for row in rows)
    assert "total_fen" not in page_text and "batch.closed" not in page_text


def test_details_in_prose_and_amounts_with_a_reason(app):
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert detail_words("fen=2500: 多缴退还") == "金额：¥25.00（多缴退还）"
        assert (
            detail_words("2026-09 draft ready: 309 payouts")
            == "批次 2026-09 草稿已生成：309 笔款项"
        )
        assert detail_words("free text stays") == "free text stays"
        assert detail_words("") == ""
