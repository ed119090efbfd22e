"""Language and time zone: Chinese by default, English on request; Asia/Shanghai by default."""

from flask import current_app, has_request_context, session


def select_locale() -> str:
    """Return the user's chosen language, Chinese unless they switched (and for jobs and CLI)."""
    lang = session.get("lang") if has_request_context() else None
    return (
        lang
        if lang in current_app.config["LANGUAGES"]
        else current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str:
    """Return the time zone that dates are shown in, from the configuration."""
    return current_app.config["TIMEZONE"]
