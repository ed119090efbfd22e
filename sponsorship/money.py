"""Money is integer fen (分). One helper formats it, one parses what people type."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError

#: The largest amount accepted from a form: ¥999,999,999.99.
MAX_FEN = 99_999_999_999
_AMOUNT_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$")


def format_fen(fen: int | None, *, symbol: bool = True) -> str:
    """Format fen as yuan with thousands separators: 123450 → ¥1,234.50."""
    if fen is None:
        return ""
    if not isinstance(fen, int):
        raise TypeError("money is integer fen")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{'¥' if symbol else ''}{yuan:,}.{cents:02d}"


def check_amount(fen: int) -> None:
    """Refuse an amount of money to record that is not whole fen, not positive, or too large."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError("money is integer fen")
    if fen <= 0:
        raise DomainError(_l("The amount must be more than zero."))
    if fen > MAX_FEN:
        raise DomainError(_l("The amount cannot be more than %(most)s.", most=format_fen(MAX_FEN)))


def parse_yuan(text: str) -> int:
    """Parse an amount in yuan as people type it ("1234.5", "1,234.50", "１２３４") into fen."""
    # NFKC folds full-width digits, comma and full stop into their ASCII forms.
    cleaned = unicodedata.normalize("NFKC", str(text)).strip().removeprefix("¥").strip()
    if not _AMOUNT_RE.match(cleaned):
        raise DomainError(
            _l("Invalid amount: enter a number such as 1234.50, with at most two decimals."),
        )
    try:
        fen = int(Decimal(cleaned.replace(",", "")) * 100)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
        raise DomainError(_l("Invalid amount.")) from exc
    if fen > MAX_FEN:
        raise DomainError(_l("The amount is too large."))
    return fen
