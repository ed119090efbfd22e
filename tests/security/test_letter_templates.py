"""Letter templates: checked on save within limits; a break when queuing falls back, flagged."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from markupsafe import escape

from sponsorship.extensions import db
from sponsorship.letters.rendering import (
    LANGUAGES,
    LetterTemplateError,
    default_text,
    render,
    sample_context,
)
from sponsorship.letters.sandbox import MAX_OUTPUT
from sponsorship.models import AuditEvent, Letter, LetterTemplate
from sponsorship.models.enums import LetterKind, Role
from sponsorship.services.letters.queue import queue_letter
from tests.conftest import count, post_form
from tests.factories import make_letter_sponsor
from tests.views.pages import field_errors, table_rows

URL = "/letters/templates/approval/zh"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ 1/0 }}", "除数为零"),
        ("{{ name + 1 }}", "数值类型不对"),
        ("{% for i in range(10**9) %}x{% endfor %}", "range() 最多只能数 10000 个数"),
        (
            "{% for i in range(9000) %}{% for j in range(9000) %}{% endfor %}{% endfor %}",
            "循环合计最多重复 10000 次",
        ),
        ("{{ name * 10**8 }}", "重复的文字最多"),
        ("{{ name|center(10**9) }}", "宽度或次数最多为"),
        ("{{ '{:>999999999}'.format(1) }}", "信件中不能使用 format()"),
        ("{{ '%999999999d' % 1 }}", "信件中不能使用百分号格式化"),
        ("{% for i in range(9000) %}{{ name * 5 }}{% endfor %}", "一封信最多"),
    ],
)
def test_saving_a_template_that_fails_or_overruns_is_refused_beside_the_text(
    client, auth, body, message
):
    auth.as_role(Role.ADMIN)
    response = post_form(
        client, URL, {"subject": "欢迎", "body": body, "save": "1"}, token_from=URL
    )
    assert response.status_code in (200, 422)
    page = response.get_data(as_text=True)
    errors = " ".join(field_errors(page, "body"))
    assert "模板有错误" in errors and message in errors
    assert count(LetterTemplate) == 0
    assert str(escape(body)) in page  # what was typed is still there to fix


def test_every_built_in_text_renders_within_the_limits():
    for kind in LetterKind:
        for language in LANGUAGES:
            subject, body = render(*default_text(kind, language), sample_context(kind, language))
            assert subject and len(body) < MAX_OUTPUT


def test_ordinary_loops_and_filters_still_work():
    subject, body = render(
        "{{ name|truncate(20) }}",
        "{% for i in range(3) %}{{ loop.index }}{% endfor %} {{ amount_fen|money }} "
        "{{ (name * 3)|length }} {{ 2**10 }}",
        {"name": "王丽华", "amount_fen": 120_000},
    )
    assert subject == "王丽华" and body == "123 ¥1,200.00 9 1024\n"


def test_the_limits_raise_template_errors_not_python_ones():
    with pytest.raises(LetterTemplateError):
        render(
            "s",
            "{% set ns = namespace(x=10**60) %}{% for i in range(40) %}"
            "{% set ns.x = ns.x * ns.x %}{% endfor %}{{ ns.x }}",
            {},
        )


def _broken_active_version(body: str) -> LetterTemplate:
    """A version saved before templates were checked, which breaks on real data."""
    row = LetterTemplate(
        kind=LetterKind.APPROVAL, language="zh", version=1, subject="欢迎", body=body
    )
    db.session.add(row)
    db.session.flush()
    return row


def test_a_template_that_breaks_at_queue_time_falls_back_and_is_flagged(client, auth):
    row = _broken_active_version("{{ 1/0 }}")
    first, second = make_letter_sponsor(), make_letter_sponsor()
    for sponsor in (first, second):
        letter = queue_letter(LetterKind.APPROVAL, sponsor, f"sponsor:{sponsor.id}")
        assert letter is not None and letter.template_version == 0
        assert "您的报名已经审核通过" in letter.body  # the built-in text went instead
    flags = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "letter_template.failed")
    ).all()
    assert [(f.object_id, "除数为零" in f.detail) for f in flags] == [(str(row.id), True)]
    assert count(Letter) == 2
    db.session.commit()
    auth.as_role(Role.ADMIN)
    index = client.get("/letters/templates/").get_data(as_text=True)
    approval = next(r for r in table_rows(index) if r[0].startswith("审核通过"))
    assert "用实际数据生成时出错" in approval[1]
    editor = client.get(URL).get_data(as_text=True)
    assert "此版本在生成信件时出错" in editor
    assert "模板有错误" in " ".join(field_errors(editor, "body"))
