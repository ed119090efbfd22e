"""Request-wide behaviour: security headers, error pages, template helpers."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit

from flask import Flask, Response, render_template, request
from flask.globals import request_ctx
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.labels import label
from sponsorship.money import format_fen
from sponsorship.navigation import items_for
from sponsorship.views import safe_next

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Not allowed"),
    409: _l("Someone else was quicker"),
    413: _l("File too large"),
    422: _l("Cannot do that"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}


def register_web(app: Flask) -> None:
    """Install headers, error handlers and template helpers."""
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.jinja_env.filters.update(money=format_fen, label=label, localtime=_localtime, day=_day)
    app.jinja_env.globals.update(nav_items=_nav_items, get_locale=get_locale)


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Pages for signed-in users carry personal data: never keep them in a cache.
    if current_user.is_authenticated and not request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"
    return response


def _render_error(code: int, message: str | None = None):
    title = str(ERROR_TITLES.get(code, _l("Error")))
    if request_ctx.url_adapter is None:
        # The Host is not one of TRUSTED_HOSTS, or the header itself was refused (too long,
        # malformed): no URL can be built, so answer in plain text rather than draw a page.
        return Response(f"{code} {title}", status=code, mimetype="text/plain")
    if code == 409:
        page = render_template(
            "errors/409.html", title=title, message=message, came_from=_came_from()
        )
        return page, code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _came_from() -> str | None:
    """Return the page of this site the request was sent from, to open it again."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host or parts.scheme not in ("http", "https"):
        return None
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""), "") or None


def _csrf_error(error: CSRFError):
    return _render_error(
        400, _("The form expired or was not sent from this site. Please go back and try again.")
    )


def _domain_error(error: DomainError):
    db.session.rollback()
    return _render_error(error.status_code, error.message)


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    if error.code == 500:
        db.session.rollback()
        return _render_error(500, _("The error has been logged. Please try again later."))
    if error.code == 429:
        if error.response is not None:  # the limit's own answer: the form, kept as typed
            return error.response
        return _render_error(429, _("Too many attempts. Please wait a minute and try again."))
    return _render_error(error.code)


def _localtime(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    return format_datetime(value, fmt) if value else ""


def _day(value: date | None) -> str:
    return format_date(value, "yyyy-MM-dd") if value else ""


def _nav_items() -> list:
    """Return the navigation groups for the current user's role."""
    return items_for(current_user)
