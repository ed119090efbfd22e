"""Domain errors: raised by services and models, with a message a person can act on."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

#: A message: an English id from `lazy_gettext`, rendered in the locale of whoever reads it.
#: A `Joined` list, another error (to pass its message on) or a plain string also serve.
Message: TypeAlias = "LazyString | Joined | DomainError | str"


class DomainError(Exception):
    """A rule of the programme was broken; the message says what to do instead."""

    status_code = 422

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self._message = message

    @property
    def message(self) -> str:
        """Return the message in the reader's language: the request's, else Chinese (CLI, jobs)."""
        # Rendered on every read, not when raised: a job's error logged in Chinese and the same
        # error flashed to an English user each get their own language. Outside any app context
        # gettext has no catalog and gives the English id back.
        return str(self._message)

    def __str__(self) -> str:
        return self.message


class ConflictError(DomainError):
    """Someone else changed the same thing first (HTTP 409)."""

    status_code = 409


class NotFoundError(DomainError):
    """The thing does not exist, or lies outside the user's scope (HTTP 404)."""

    status_code = 404


class Joined:
    """Messages joined by a separator in the reader's language, rendered with the whole."""

    def __init__(self, parts: Iterable[Message], separator: Message | None = None) -> None:
        self.parts = list(parts)
        self.separator = separator

    def __str__(self) -> str:
        # Separators are translated too: Chinese joins clauses with a full-width semicolon.
        separator = _("; ") if self.separator is None else str(self.separator)
        return separator.join(str(part) for part in self.parts)


def render(message: Message, locale: str) -> str:
    """Return a message in the given language, whatever the reader's (the English id for "en")."""
    with force_locale(locale):
        return str(message)
