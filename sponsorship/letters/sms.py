"""SMS delivery: an adapter interface; a provider is one class named in SMS_SENDER."""

from __future__ import annotations

import importlib
import logging
from typing import Protocol

log = logging.getLogger(__name__)


class SmsSender(Protocol):
    """Send one text message; raise TemporaryDeliveryError or PermanentDeliveryError on failure."""

    def send(self, mobile: str, text: str, *, reference: str) -> None:
        """Send `text` to `mobile`; `reference` is the letter's dedupe key."""


class LoggingSmsSender:
    """No real gateway yet: log that a message went, and count it as sent.

    Only the fact is logged, never the text: a password-reset message carries a live link, and
    logs are read by more people, and kept longer, than the letters themselves.
    """

    def __init__(self, config=None) -> None:
        self.config = config

    def send(self, mobile: str, text: str, *, reference: str) -> None:
        """Log that the message went (to a masked number, with its length), not its text."""
        log.info("SMS to %s: %d characters", mask_mobile(mobile), len(text))


def mask_mobile(mobile: str) -> str:
    """Return a mobile number with all but its last four digits hidden."""
    return "*" * max(len(mobile) - 4, 0) + mobile[-4:]


def load_sender(config) -> SmsSender:
    """Return the configured SMS adapter, built from its "module:Class" path."""
    module_name, _, class_name = config["SMS_SENDER"].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(config)
