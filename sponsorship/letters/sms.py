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
    """No real gateway yet: write the message to the log and count it as sent."""

    def __init__(self, config=None) -> None:
        self.config = config

    def send(self, mobile: str, text: str, *, reference: str) -> None:
        """Log the message instead of sending it."""
        log.info("SMS to %s (%s): %s", mobile, reference, text)


def load_sender(config) -> SmsSender:
    """Return the configured SMS adapter, built from its "module:Class" path."""
    module_name, _, class_name = config["SMS_SENDER"].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(config)
