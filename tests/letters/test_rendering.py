"""Every letter kind renders in Chinese and English with its data, in a sandbox."""

from datetime import date

import pytest

from sponsorship.letters.rendering import (
    LANGUAGES,
    LetterTemplateError,
    default_text,
    render,
    sample_context,
)
from sponsorship.models.enums import LetterKind

#: What each kind must show of its data, in both languages.
MUST_SHOW = {
    LetterKind.SIGNUP_ACK: ["王丽华|Wang Lihua"],
    LetterKind.APPROVAL: ["https://example.org/portal"],
    LetterKind.REJECTION: ["联系电话无法接通|we could not reach you"],
    LetterKind.PAIRING_NOTICE: ["小花", "10", "稔山镇", "小学|Primary"],
    LetterKind.PLEDGE_REMINDER: ["¥1,000.00", "2026年8月31日|31 August 2026"],
    LetterKind.OVERDUE_REMINDER: ["¥1,000.00", "2026年8月31日|31 August 2026"],
    LetterKind.DONATION_THANKS: ["HD-2026-000123", "¥1,200.00"],
    LetterKind.PAYOUT_NOTICE: ["小花", "¥1,000.00", "2026年9月5日|5 September 2026"],
    LetterKind.CHILD_RECEIVED: ["小花", "¥1,000.00"],
    LetterKind.YEARLY_THANKS: ["2026", "¥2,000.00"],
    LetterKind.PASSWORD_RESET: [
        "https://example.org/reset/abc123",
        "1小时内有效|valid for 1 hour)",
    ],
    LetterKind.PORTAL_INVITATION: [
        "https://example.org/reset/abc123",
        "小时内有效|valid for 1 hour)",
    ],
    LetterKind.EMAIL_CONFIRMATION: ["https://example.org/portal/confirm-email/abc123", "7"],
    LetterKind.APPEAL: ["爱心父母|caring parent"],
    LetterKind.REPEAT_SIGNUP: ["https://example.org/login", "忘记密码|Forgot password"],
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_kind_renders_with_its_data(kind, language):
    subject, body = render(*default_text(kind, language), sample_context(kind, language), language)
    assert subject and "\n" not in subject
    assert "{{" not in body and "{%" not in body
    text = subject + body
    for wanted in MUST_SHOW[kind]:
        options = wanted.split("|")
        assert any(option in text for option in options), (kind, language, wanted, text)
    federation = sample_context(kind, language)["federation"]
    assert federation in body


def test_chinese_is_the_chinese_text_and_english_the_english():
    _, zh = render(*default_text(LetterKind.APPEAL, "zh"), sample_context(LetterKind.APPEAL), "zh")
    _, en = render(
        *default_text(LetterKind.APPEAL, "en"), sample_context(LetterKind.APPEAL, "en"), "en"
    )
    assert "倡议" in default_text(LetterKind.APPEAL, "zh")[0]
    assert "爱心父母" in zh and "2026年9月1日" in zh
    assert "caring parent" in en and "1 September 2026" in en


def test_the_sandbox_refuses_to_reach_python_internals():
    with pytest.raises(LetterTemplateError):
        render("x", "{{ name.__class__.__mro__[1].__subclasses__() }}", {"name": "a"})


def test_a_broken_template_says_what_is_wrong():
    with pytest.raises(LetterTemplateError, match="line"):
        render("x", "a\n{% if %}", {})


def test_money_and_date_filters_ignore_what_they_cannot_format():
    _, body = render(
        "x", "{{ a|money }}/{{ b|date }}/{{ c|date }}", {"a": "x", "b": None, "c": date(2026, 1, 2)}
    )
    assert body == "//2026年1月2日\n"
