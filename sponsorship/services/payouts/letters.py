"""Queue the two letters of each paid payout in bulk: a notice to the guardian, and to the
sponsor "your child has received ...". The same letters `queue_letter` would write (same text,
recipient, channel and dedupe key), rendered from templates compiled once per chunk and queued
through `queue_many`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.orm.attributes import set_committed_value

from sponsorship.extensions import db
from sponsorship.letters.rendering import LetterTemplateError, compile_text, default_text
from sponsorship.models import Child, Guardian, Pairing, Payout, Region, Sponsor
from sponsorship.models.enums import LetterKind
from sponsorship.services.letters.queue import Rendered, queue_many
from sponsorship.services.letters.recipients import child_card, common_context, recipient_of
from sponsorship.services.letters.templates import current_text, flag_failure

log = logging.getLogger(__name__)
LANGUAGE = "zh"


def _context(child: Child, amount_fen: int, paid_on: date) -> dict:
    """The letter's data, as `plain_context` makes it from the child, amount and date.

    Called inside one `force_locale` for the whole chunk instead of one per letter.
    """
    card = child_card(child)
    return {
        "child": card,
        "amount_fen": amount_fen,
        "paid_on": paid_on,
        "child_name": card["given_name"],
    }


def _load_regions() -> list[Region]:
    # A few hundred rows: while the caller holds them, every child's region and town come from
    # the identity map (which only keeps objects someone references).
    return list(db.session.scalars(sa.select(Region)))


def _load_guardians_children(pairs: list[tuple[Child, Guardian]]) -> None:
    """Fill each guardian's children without a query per guardian (most have just one child)."""
    ids = {guardian.id for _, guardian in pairs}
    several = set(
        db.session.scalars(
            sa.select(Child.guardian_id)
            .where(Child.guardian_id.in_(ids))
            .group_by(Child.guardian_id)
            .having(sa.func.count() > 1)
        )
    )
    for child, guardian in pairs:
        if guardian.id not in several and "children" not in guardian.__dict__:
            set_committed_value(guardian, "children", [child])


class _Renderer:
    """The active text of one kind, compiled once; falls back to the built-in if it breaks."""

    def __init__(self, kind: LetterKind) -> None:
        self.kind = kind
        subject, body, self.version = current_text(kind, LANGUAGE)
        self.fallback = compile_text(*default_text(kind, LANGUAGE), LANGUAGE)
        self.flagged = False
        try:
            self.active: Callable = compile_text(subject, body, LANGUAGE)
        except LetterTemplateError as error:
            self._flag(error)
            self.active, self.version = self.fallback, 0

    def __call__(self, data: dict) -> tuple[str, str, int]:
        try:
            return (*self.active(data), self.version)
        except LetterTemplateError as error:
            log.exception("letter template failed; using the built-in")
            self._flag(error)
            return (*self.fallback(data), 0)

    def _flag(self, error: LetterTemplateError) -> None:
        if not self.flagged:  # once per batch of letters, not once per letter
            flag_failure(self.kind, LANGUAGE, self.version, error)
            self.flagged = True


def queue_payout_letters(payout_ids: list[int], paid_on: date) -> int:
    """Queue PAYOUT_NOTICE and CHILD_RECEIVED for each payout; return how many were new."""
    rows = db.session.execute(
        sa.select(Payout.id, Payout.amount_fen, Child, Guardian, Sponsor)
        .join(Child, Child.id == Payout.child_id)
        .join(Guardian, Guardian.id == Child.guardian_id)
        .outerjoin(Pairing, Pairing.id == Payout.pairing_id)
        .outerjoin(Sponsor, Sponsor.id == Pairing.sponsor_id)
        .where(Payout.id.in_(payout_ids))
        .order_by(Payout.id)
    ).all()
    regions = _load_regions()  # noqa: F841 - held for the identity map
    _load_guardians_children([(child, guardian) for _, _, child, guardian, _ in rows])
    renderers = {
        kind: _Renderer(kind) for kind in (LetterKind.PAYOUT_NOTICE, LetterKind.CHILD_RECEIVED)
    }
    with force_locale(LANGUAGE):
        letters = _render_letters(rows, renderers, paid_on)
    return queue_many(letters, about=f"payout letters for {len(rows)} payouts")


def _render_letters(rows, renderers: dict, paid_on: date) -> list[Rendered]:
    """Render both letters of each payout."""
    letters = []
    for payout_id, amount_fen, child, guardian, sponsor in rows:
        context = _context(child, amount_fen, paid_on)
        reference = f"payout:{payout_id}"
        for kind, recipient in (
            (LetterKind.PAYOUT_NOTICE, guardian),
            (LetterKind.CHILD_RECEIVED, sponsor),
        ):
            if recipient is None:
                continue
            who = recipient_of(recipient, kind)
            subject, body, version = renderers[kind](
                {**common_context(who.name, LANGUAGE), **context}
            )
            letters.append(Rendered(kind, who, reference, LANGUAGE, subject, body, version))
    return letters
