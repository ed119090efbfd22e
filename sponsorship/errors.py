"""Domain errors: raised by services and models, with a message a person can act on."""

from flask_babel import get_locale


class DomainError(Exception):
    """A rule of the programme was broken; the message says what to do instead."""

    status_code = 422

    def __init__(self, message_zh: str, message_en: str | None = None) -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh
        self.message_en = message_en or message_zh

    @property
    def message(self) -> str:
        """The message in the user's language."""
        try:
            locale = get_locale()
        except RuntimeError:  # outside a request: command line and jobs speak Chinese
            locale = None
        if locale is not None and locale.language == "en":
            return self.message_en
        return self.message_zh

    def __str__(self) -> str:
        return self.message


class ConflictError(DomainError):
    """Someone else changed the same thing first (HTTP 409)."""

    status_code = 409


class NotFoundError(DomainError):
    """The thing does not exist, or lies outside the user's scope (HTTP 404)."""

    status_code = 404
