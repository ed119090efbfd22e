"""What a delivery channel may report: a temporary failure (retry later) or a permanent one."""


class DeliveryError(Exception):
    """Delivery failed; `message` is what the server or gateway said."""

    temporary = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TemporaryDeliveryError(DeliveryError):
    """Try again later: a 4xx reply, a dropped connection, a timeout."""

    temporary = True


class PermanentDeliveryError(DeliveryError):
    """Do not try again: a 5xx reply, an address that cannot exist."""


class UnresponsiveServerError(TemporaryDeliveryError):
    """The server took the connection (or the request) and did not answer in time.

    A silent server costs the whole timeout on every letter, so the delivery run stops using
    that channel for the rest of the run instead of trying its next letter.
    """
