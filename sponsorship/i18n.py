"""Language and time zone: Chinese by default, English on request; Asia/Shanghai by default."""

from flask import current_app, session


def select_locale() -> str:
    """Return the user's chosen language, Chinese unless they switched."""
    lang = session.get("lang")
    return (
        lang
        if lang in current_app.config["LANGUAGES"]
        else current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]
