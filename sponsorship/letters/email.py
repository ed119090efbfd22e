"""Send a letter by email over SMTP (plain, STARTTLS or SSL), classifying the server's reply."""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.utils import format_datetime

from sponsorship.letters.channels import (
    PermanentDeliveryError,
    TemporaryDeliveryError,
    UnresponsiveServerError,
)


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the mail server: the app's MAIL_* configuration."""

    host: str
    port: int
    use_tls: bool = False
    use_ssl: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "noreply@example.org"
    timeout: float = 30
    #: A CA bundle to verify the server with (a private relay's CA); the system's by default.
    ca_file: str | None = None

    @classmethod
    def from_config(cls, config) -> SmtpSettings:
        """Return the settings read from the app's MAIL_* configuration."""
        return cls(
            host=config["MAIL_SERVER"],
            port=int(config["MAIL_PORT"]),
            use_tls=bool(config["MAIL_USE_TLS"]),
            use_ssl=bool(config["MAIL_USE_SSL"]),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
            sender=config["MAIL_DEFAULT_SENDER"],
            timeout=float(config.get("MAIL_TIMEOUT", 30)),
            ca_file=config.get("MAIL_CA_FILE") or None,
        )

    def tls_context(self) -> ssl.SSLContext:
        """Return a context that verifies the server's certificate and host name."""
        return ssl.create_default_context(cafile=self.ca_file)


def build_message(
    settings: SmtpSettings, to: str, subject: str, body: str, message_id: str, sent_at
) -> EmailMessage:
    """Return the UTF-8 email for a letter; its Message-ID stays the same on every retry."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = message_id
    message.set_content(body, charset="utf-8")
    return message


def letter_message_id(letter_id: int, dedupe_key: str, sender: str) -> str:
    """Return a Message-ID derived from the letter, so a resent copy can be recognised."""
    domain = sender.rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:16]
    return f"<letter-{letter_id}.{digest}@{domain}>"


def send(settings: SmtpSettings, message: EmailMessage, timeout: float | None = None) -> None:
    """Hand one message to the mail server; raise a temporary or permanent DeliveryError.

    `timeout` (seconds, for each wait on the server) may shorten the configured MAIL_TIMEOUT,
    so that a delivery run keeps within its time budget.
    """
    if timeout is not None:
        settings = replace(settings, timeout=max(0.1, min(settings.timeout, timeout)))
    try:
        if settings.use_ssl:
            smtp = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout,
                context=settings.tls_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with smtp:
            if settings.use_tls and not settings.use_ssl:
                smtp.starttls(context=settings.tls_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()))
        raise _classified(code, text) from error
    except smtplib.SMTPResponseException as error:
        raise _classified(error.smtp_code, error.smtp_error) from error
    except (TimeoutError, smtplib.SMTPServerDisconnected) as error:
        # smtplib reports a greeting that never came as a disconnection caused by the timeout.
        if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
            raise UnresponsiveServerError(
                f"no answer from {settings.host}:{settings.port} within {settings.timeout:g} s"
            ) from error
        raise TemporaryDeliveryError(f"{type(error).__name__}: {error}") from error
    except (smtplib.SMTPException, OSError) as error:
        # Refused connections, timeouts, dropped links: the server may be back in a minute.
        raise TemporaryDeliveryError(f"{type(error).__name__}: {error}") from error


def _classified(code: int, text: bytes | str) -> TemporaryDeliveryError | PermanentDeliveryError:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    message = f"{code} {text}"
    return TemporaryDeliveryError(message) if 400 <= code < 500 else PermanentDeliveryError(message)
