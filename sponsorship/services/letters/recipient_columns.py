"""The recipient rules of `recipients.py` as SQL expressions, to queue many letters in one
INSERT … SELECT (see `queue.queue_selected`).

Each function here mirrors its Python twin rule for rule; what depends on the region tree alone
(a region's town and village names, a stage's label) is computed by the Python functions
themselves, once per region, and joined in (`RegionRows`). tests/services/letters/
test_recipient_columns.py compares both on generated data.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import force_locale

from sponsorship.bulk_sql import rows_table
from sponsorship.database import position, strip
from sponsorship.extensions import db
from sponsorship.models import Region
from sponsorship.models.enums import Channel, LetterKind, SchoolStage
from sponsorship.services.letters.recipients import ELECTRONIC_KINDS, card_place, place_names


class RegionRows:
    """The regions letters go to, each as a row: id, its card's town, its `place_names` padded.

    Computed once by the Python rules themselves (`card_place`, `place_names`) for the regions
    given, then joined as many times as a statement needs (`table`). The padding ("") changes
    nothing in `street`: an empty name is skipped, as in `_street`.
    """

    def __init__(self, region_ids: Iterable[int | None]) -> None:
        ids = sorted({region_id for region_id in region_ids if region_id is not None})
        regions = list(db.session.scalars(sa.select(Region).where(Region.id.in_(ids))))
        # Their ancestors in one query: walking up (`place_names`, `Region.town`) then finds
        # each parent in the session instead of loading it alone, a query per town per chunk.
        # They are held until the rows are built: the session only weakly references them.
        above = {path[: end + 1] for path in (r.path for r in regions) for end in _slashes(path)}
        ancestors = db.session.scalars(sa.select(Region).where(Region.path.in_(sorted(above))))
        held = ancestors.all()
        names = {region.id: place_names(region) for region in regions}
        width = max((len(n) for n in names.values()), default=0) or 1
        self.columns = {"id": sa.BigInteger(), "town": sa.Text()}
        self.columns.update({f"place_{i}": sa.Text() for i in range(width)})
        self.rows = [
            # card_place's town: the region's town, or the region itself when above a town
            (region.id, (region.town or region).name, *names[region.id])
            + ("",) * (width - len(names[region.id]))
            for region in regions
        ] or [(0, "") + ("",) * width]
        del held

    def table(self, name: str):
        """Return the rows as a table to join (on its `id`) under `name`."""
        return rows_table(name, self.columns, self.rows)


def _slashes(path: str) -> list[int]:
    """The positions of the slashes that end an ancestor's path in a materialised path."""
    return [at for at, char in enumerate(path[:-1]) if char == "/" and at > 0]


def places_of(table) -> list[sa.ColumnElement]:
    """The place name columns of a `RegionRows` table (outer-joined: a missing region has none)."""
    return [sa.func.coalesce(column, "") for column in table.c if column.name.startswith("place_")]


def stage_label(stage: sa.ColumnElement, language: str) -> sa.ColumnElement:
    """The stage's label on a child's card, as `card_place` gives it."""
    with force_locale(language):
        labels = {member.value: card_place(member, None)["stage"] for member in SchoolStage}
    return sa.case(
        *((stage == value, sa.literal(text, sa.String)) for value, text in labels.items()),
        else_=sa.literal("", sa.String),
    )


def given_name(name: sa.ColumnElement) -> sa.ColumnElement:
    """`models.child.given_name` in SQL: the name without its one-character family name."""
    return sa.case((sa.func.length(name) >= 2, sa.func.substr(name, 2)), else_=name)


def _filled(value: sa.ColumnElement) -> sa.ColumnElement:
    """True where Python would find the (string or None) value truthy."""
    return sa.func.coalesce(value, "") != ""


def _joined(parts: list[sa.ColumnElement]) -> sa.ColumnElement:
    result = sa.literal("", sa.String)
    for part in parts:
        result = result + part
    return result


def street(address: sa.ColumnElement, places: list[sa.ColumnElement]) -> sa.ColumnElement:
    """`recipients._street`: the town and village before the address unless it names them."""
    address = strip(sa.func.coalesce(address, ""))
    if not places:
        return address
    whens = [
        (sa.and_(place != "", position(address, place) > 0), _joined(places[:index]) + address)
        for index, place in enumerate(places)
    ]
    return sa.case(*whens, else_=_joined(places) + address)


def postal_block(
    address: sa.ColumnElement,
    places: list[sa.ColumnElement],
    name: sa.ColumnElement,
    attention: sa.ColumnElement | None = None,
) -> sa.ColumnElement:
    """`recipients._postal_block`: the address line (when there is one), then the name."""
    line = street(address, places)
    to = name + " 收"
    if attention is not None:
        to = sa.case((_filled(attention), name + " " + attention + " 收"), else_=to)
    # The line and a newline when there is a line: computed once (nullif), not once per test.
    return sa.func.coalesce(sa.func.nullif(line, "", type_=sa.String) + "\n", "") + to


def guardian_columns(
    mobile: sa.ColumnElement, address: sa.ColumnElement, places, name: sa.ColumnElement
) -> tuple[sa.ColumnElement, sa.ColumnElement]:
    """`recipients.guardian_recipient`'s (channel, to_address): by SMS, else by post."""
    by_sms = _filled(mobile)
    channel = sa.case((by_sms, Channel.SMS.value), else_=Channel.POST.value)
    to = sa.case((by_sms, mobile), else_=postal_block(address, places, name))
    return channel, to


def sponsor_columns(
    kind: LetterKind,
    *,
    channel: sa.ColumnElement,
    email: sa.ColumnElement,
    mobile: sa.ColumnElement,
    address: sa.ColumnElement,
    places,
    name: sa.ColumnElement,
    contact_name: sa.ColumnElement,
) -> tuple[sa.ColumnElement, sa.ColumnElement]:
    """`recipients.sponsor_recipient`'s (channel, to_address) for a letter of `kind`."""
    channel = sa.cast(channel, sa.String)
    if kind in ELECTRONIC_KINDS:
        chosen = sa.case((_filled(email), Channel.EMAIL.value), else_=Channel.SMS.value)
    elif kind == LetterKind.EMAIL_CONFIRMATION:
        chosen = sa.literal(Channel.EMAIL.value, sa.String)
    else:
        chosen = sa.case(
            (sa.and_(channel == Channel.EMAIL.value, ~_filled(email)), Channel.POST.value),
            else_=channel,
        )
    to = sa.case(
        (chosen == Channel.EMAIL.value, sa.func.coalesce(email, "")),
        (chosen == Channel.SMS.value, mobile),
        else_=postal_block(address, places, name, contact_name),
    )
    return chosen, to
