"""Render a letter's subject and body from admin-editable Jinja in a sandbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from jinja2 import TemplateError, Undefined

from sponsorship.letters import defaults_en, defaults_zh
from sponsorship.letters.sandbox import LimitedSandbox, RenderLimitError, render_limited
from sponsorship.models.enums import LetterKind
from sponsorship.money import format_fen

LANGUAGES = ("zh", "en")
#: English month names, independent of the process's locale.
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
DEFAULTS = {"zh": defaults_zh.TEXTS, "en": defaults_en.TEXTS}


def _money(value) -> str:
    return format_fen(value) if isinstance(value, int) else ""


def _date_zh(value) -> str:
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日" if isinstance(value, date) else ""


def _date_en(value) -> str:
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if isinstance(value, date) else ""


def _environment(language: str) -> LimitedSandbox:
    # Plain text, not HTML: nothing to escape; the sandbox keeps templates away from internals
    # and within limits of work and size.
    env = LimitedSandbox(autoescape=False, undefined=Undefined, keep_trailing_newline=False)
    env.filters["money"] = _money
    env.filters["date"] = _date_zh if language == "zh" else _date_en
    return env


_ENVIRONMENTS = {language: _environment(language) for language in LANGUAGES}


class LetterTemplateError(ValueError):
    """A template that does not compile or render; the message says where."""


def default_text(kind: LetterKind, language: str) -> tuple[str, str]:
    """Return the built-in (subject, body) of a kind in a language."""
    return DEFAULTS[language][kind]


def render(subject: str, body: str, context: dict, language: str = "zh") -> tuple[str, str]:
    """Render (subject, body) with `context`; raise LetterTemplateError on a broken template."""
    return compile_text(subject, body, language)(context)


def compile_text(
    subject: str, body: str, language: str = "zh"
) -> Callable[[dict], tuple[str, str]]:
    """Compile (subject, body) once into a renderer, for queuing many letters of one kind."""
    env = _ENVIRONMENTS.get(language, _ENVIRONMENTS["zh"])
    try:
        subject_template = env.from_string(subject)
        body_template = env.from_string(body)
    except TemplateError as error:
        raise _template_error(error) from error

    def rendered(context: dict) -> tuple[str, str]:
        try:
            rendered_subject = render_limited(subject_template, context)
            rendered_body = render_limited(body_template, context)
        except Exception as error:
            # Not only Jinja's errors: `{{ 1/0 }}` or `{{ name + 1 }}` raise Python's own, and a
            # letter's text must never crash the action that queues it.
            raise _template_error(error) from error
        # A subject is one line: newlines in it would break an email header.
        return " ".join(rendered_subject.split()), rendered_body.strip() + "\n"

    return rendered


def _template_error(error: Exception) -> LetterTemplateError:
    line = getattr(error, "lineno", None)
    where = f" (line {line})" if line else ""
    if isinstance(error, TemplateError):
        return LetterTemplateError(f"{type(error).__name__}{where}: {error}")
    if isinstance(error, RenderLimitError):
        problem = _l("over a limit: %(limit)s", limit=str(error.args[0]))
    elif isinstance(error, ZeroDivisionError):
        problem = _l("division by zero")
    else:  # TypeError, ValueError...: e.g. text plus a number
        problem = _l("a value of the wrong kind (%(detail)s)", detail=str(error))
    return LetterTemplateError(str(problem))


def sample_context(kind: LetterKind, language: str = "zh", *, valid_hours: int = 1) -> dict:
    """Return example data for a kind: the editor's preview uses it.

    `valid_hours` is the real lifetime of the kind's link, so the preview says what is sent.
    """
    zh = language == "zh"
    common = {
        "name": "王丽华" if zh else "Wang Lihua",
        "federation": "惠东县妇女联合会" if zh else "Huidong County Women's Federation",
        "today": date(2026, 9, 1),
    }
    extra: dict = {
        LetterKind.APPROVAL: {"portal_url": "https://example.org/portal"},
        LetterKind.REJECTION: {"reason": "联系电话无法接通" if zh else "we could not reach you"},
        LetterKind.PAIRING_NOTICE: {
            "child": {
                "given_name": "小花",
                "age": 10,
                "stage": "小学" if zh else "Primary",
                "town": "稔山镇",
            },
            "yearly_fen": 120_000,
            "first_year_fen": 100_000,
            "first_year_pro_rata": True,
            "paired_on": date(2026, 11, 10),
        },
        LetterKind.PLEDGE_REMINDER: {
            "child_name": "小花",
            "amount_fen": 100_000,
            "due_on": date(2026, 8, 31),
        },
        LetterKind.OVERDUE_REMINDER: {
            "child_name": "小花",
            "amount_fen": 100_000,
            "due_on": date(2026, 8, 31),
            "reminder_number": 1,
        },
        LetterKind.DONATION_THANKS: {
            "amount_fen": 120_000,
            "receipt_no": "HD-2026-000123",
            "received_on": date(2026, 8, 20),
        },
        LetterKind.PAYOUT_NOTICE: {
            "child_name": "小花",
            "amount_fen": 100_000,
            "paid_on": date(2026, 9, 5),
        },
        LetterKind.CHILD_RECEIVED: {
            "child_name": "小花",
            "amount_fen": 100_000,
            "paid_on": date(2026, 9, 5),
        },
        LetterKind.YEARLY_THANKS: {
            "year": 2026,
            "children_count": 2,
            "donated_fen": 200_000,
            "received_fen": 200_000,
        },
        LetterKind.PASSWORD_RESET: {
            "link": "https://example.org/reset/abc123",
            "valid_hours": valid_hours,
        },
        LetterKind.PORTAL_INVITATION: {
            "link": "https://example.org/reset/abc123",
            "valid_hours": valid_hours,
        },
        LetterKind.EMAIL_CONFIRMATION: {
            "link": "https://example.org/portal/confirm-email/abc123",
            "valid_days": 7,
        },
        LetterKind.REPEAT_SIGNUP: {"has_account": True, "login_url": "https://example.org/login"},
    }.get(kind, {})
    return {**common, **extra}
