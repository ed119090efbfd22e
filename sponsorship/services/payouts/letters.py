"""Queue the two letters of each paid payout in bulk: a notice to the guardian, and to the
sponsor "your child has received ...". The same letters `queue_letter` would write (same data,
recipient, channel and dedupe key), queued through `queue_selected` unrendered: their text is
rendered when they are delivered, printed or shown, not while the payment's chunk holds locks.

The rows are built in SQL, one INSERT … SELECT per kind over the chunk's payouts: the recipient
rules are `recipient_of`'s (as `recipient_columns` states them in SQL), and the context is the
one `plain_context` gives (child card, amount, date), built with `json_object`.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from sponsorship.bulk_sql import IdSet, rows_table
from sponsorship.clock import today
from sponsorship.database import json_constant, json_object, text_constant
from sponsorship.extensions import db
from sponsorship.models import Child, Guardian, Pairing, Payout, Sponsor
from sponsorship.models.enums import LetterKind, RecipientType
from sponsorship.services.letters import recipient_columns as cols
from sponsorship.services.letters import text
from sponsorship.services.letters.queue import queue_selected
from sponsorship.services.letters.recipients import common_context

LANGUAGE = "zh"


def queue_payout_letters(payout_ids: list[int], paid_on: date) -> int:
    """Queue PAYOUT_NOTICE and CHILD_RECEIVED for each payout; return how many were new."""
    chunk = IdSet("letter_chunk", payout_ids)
    on = today()
    common = common_context("", LANGUAGE)
    child = Child
    home = aliased(Child, name="home")  # the guardian's first child: where letters to them go
    homes = _homes(chunk)
    regions = cols.RegionRows(db.session.scalars(_regions_of(chunk, homes)))
    card_region = regions.table("card_region")
    home_region = regions.table("home_region")
    sponsor_region = regions.table("sponsor_region")
    given = cols.given_name(child.name)
    card = json_object(
        "given_name",
        given,
        # The age turned this year, as `child_card` gives it (see sponsorship/masking.py).
        "age",
        sa.cast(on.year - sa.cast(sa.extract("year", child.birth_date), sa.Integer), sa.Integer),
        "stage",
        cols.stage_label(child.school_stage, LANGUAGE),
        "town",
        sa.func.coalesce(card_region.c.town, ""),
    )

    def context(name):
        return json_object(
            "name",
            name,
            "federation",
            text_constant(common["federation"]),
            "today",
            json_constant(text.encode(common["today"])),
            "child",
            card,
            "amount_fen",
            Payout.amount_fen,
            "paid_on",
            json_constant(text.encode(paid_on)),
            "child_name",
            given,
        )

    reference = sa.literal("payout:", sa.String) + sa.cast(Payout.id, sa.String)
    paid = (
        sa.select()
        .select_from(Payout)
        .join(child, child.id == Payout.child_id)
        .outerjoin(card_region, card_region.c.id == child.region_id)
        .where(chunk.has(Payout.id))
    )
    # Joined by its own id only (a join on COALESCE(first child, paid child) cannot use the
    # primary key: PostgreSQL scanned every child once per chunk).
    at_home = homes.c.child_id.is_(None)
    home_region_id = sa.case((at_home, child.region_id), else_=home.region_id)
    places = cols.places_of(home_region)
    address = sa.case((at_home, child.address), else_=home.address)
    channel, to = cols.guardian_columns(Guardian.mobile, address, places, Guardian.name)
    guardians = (
        paid.join(Guardian, Guardian.id == child.guardian_id)
        .outerjoin(homes, homes.c.guardian_id == Guardian.id)
        .outerjoin(home, home.id == homes.c.child_id)
        .outerjoin(home_region, home_region.c.id == home_region_id)
        .add_columns(
            sa.literal(LetterKind.PAYOUT_NOTICE.value, sa.String).label("kind"),
            sa.literal(RecipientType.GUARDIAN.value, sa.String).label("recipient_type"),
            Guardian.id.label("recipient_id"),
            home_region_id.label("region_id"),
            reference.label("reference"),
            channel.label("channel"),
            Guardian.name.label("recipient_name"),
            to.label("to_address"),
            context(Guardian.name).label("context"),
        )
    )
    places = cols.places_of(sponsor_region)
    channel, to = cols.sponsor_columns(
        LetterKind.CHILD_RECEIVED,
        channel=Sponsor.channel,
        email=Sponsor.email,
        mobile=Sponsor.mobile,
        address=Sponsor.address,
        places=places,
        name=Sponsor.name,
        contact_name=Sponsor.contact_name,
    )
    sponsors = (
        paid.join(Pairing, Pairing.id == Payout.pairing_id)
        .join(Sponsor, Sponsor.id == Pairing.sponsor_id)
        .outerjoin(sponsor_region, sponsor_region.c.id == Sponsor.region_id)
        .add_columns(
            sa.literal(LetterKind.CHILD_RECEIVED.value, sa.String).label("kind"),
            sa.literal(RecipientType.SPONSOR.value, sa.String).label("recipient_type"),
            Sponsor.id.label("recipient_id"),
            Sponsor.region_id.label("region_id"),
            reference.label("reference"),
            channel.label("channel"),
            Sponsor.name.label("recipient_name"),
            to.label("to_address"),
            context(Sponsor.name).label("context"),
        )
    )
    return queue_selected(
        sa.union_all(guardians, sponsors).subquery("payout_letters"),
        kinds=[LetterKind.PAYOUT_NOTICE, LetterKind.CHILD_RECEIVED],
        language=LANGUAGE,
        about=f"payout letters for {len(payout_ids)} payouts",
    )


def _homes(chunk: IdSet):
    """The first child (lowest id) of each of the chunk's guardians of several children, as a
    table: `recipient_of` sends a guardian's letters to their first child's home. Every other
    guardian's first child is the paid child itself."""
    guardians = (
        sa.select(Child.guardian_id)
        .join(Payout, Payout.child_id == Child.id)
        .where(chunk.has(Payout.id))
    )
    rows = db.session.execute(
        sa.select(Child.guardian_id, sa.func.min(Child.id))
        .where(Child.guardian_id.in_(guardians))
        .group_by(Child.guardian_id)
        .having(sa.func.count() > 1)
    ).all()
    return rows_table(
        "letter_homes",
        {"guardian_id": sa.BigInteger(), "child_id": sa.BigInteger()},
        [tuple(row) for row in rows],
    )


def _regions_of(chunk: IdSet, homes) -> sa.Select:
    """Select the regions the chunk's letters name: the children's, their guardians' first
    children's, the caring parents'."""
    return sa.union(
        sa.select(Child.region_id)
        .join(Payout, Payout.child_id == Child.id)
        .where(chunk.has(Payout.id)),
        sa.select(Child.region_id).join(homes, homes.c.child_id == Child.id),
        sa.select(Sponsor.region_id)
        .join(Pairing, Pairing.sponsor_id == Sponsor.id)
        .join(Payout, Payout.pairing_id == Pairing.id)
        .where(chunk.has(Payout.id)),
    )
