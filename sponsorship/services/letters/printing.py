"""The print queue: postal letters merged into one PDF on the letterhead."""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app

from sponsorship.letters.pdf import PrintedLetter, render_pdf
from sponsorship.models import Letter
from sponsorship.services.letters.text import fill

PROGRAMME_ZH = "「爱心父母」牵手困境儿童帮扶行动"


def print_pdf(letters: Sequence[Letter]) -> bytes:
    """Return one A4 PDF holding every given letter, each from a new page."""
    config = current_app.config
    fill(letters)
    return render_pdf(
        [
            PrintedLetter(
                address=letter.to_address,
                subject=letter.subject,
                body=letter.body,
                reference=f"No. {letter.id}",
                language=letter.language,
            )
            for letter in letters
        ],
        federation=config["FEDERATION_NAME"],
        programme=PROGRAMME_ZH,
        return_address=config.get("FEDERATION_ADDRESS", ""),
    )
