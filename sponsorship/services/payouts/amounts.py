"""How much a child's payout is: the standard for the child's group, or the pledge if higher.

One rule, written once as SQL: the build applies it to every pairing in one statement, and a
child added to a batch by hand without an amount gets the same rule evaluated for that child.
"""

from __future__ import annotations

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Child, Pairing, Pledge
from sponsorship.models.enums import AidGroup, AidType, SchoolStage
from sponsorship.services.core import settings


def group_expression(aid_type, stage) -> sa.ColumnElement:
    """The report group in SQL, as `aid_group_of` computes it in Python."""
    return sa.case(
        (aid_type == AidType.FOSTERING.value, AidGroup.FOSTERING.value),
        (
            stage.in_([SchoolStage.JUNIOR.value, SchoolStage.SENIOR.value]),
            AidGroup.MIDDLE.value,
        ),
        else_=AidGroup.PRIMARY.value,
    )


def standard_expression(group) -> sa.ColumnElement:
    """The standard amount of the group, read from the settings now."""
    return sa.case(
        *[
            (group == g.value, settings.standard_fen(g))
            for g in (AidGroup.PRIMARY, AidGroup.MIDDLE)
        ],
        else_=settings.standard_fen(AidGroup.FOSTERING),
    )


def amount_expression(standard, pledged) -> sa.ColumnElement:
    """The payout amount: the group's standard, or the school year's pledge when it is higher."""
    pledged = sa.func.coalesce(pledged, 0)
    return sa.case((pledged > standard, pledged), else_=standard)


def amount_for(child: Child, pairing: Pairing | None, school_year: int) -> int:
    """Return the amount the build would propose for `child` (paired by `pairing`) in a year."""
    pledged = (
        sa.select(Pledge.amount_fen)
        .where(Pledge.pairing_id == pairing.id, Pledge.school_year == school_year)
        .limit(1)
        .scalar_subquery()
        if pairing is not None
        else sa.null()
    )
    group = group_expression(Child.aid_type, Child.school_stage)
    return int(
        db.session.scalar(
            sa.select(amount_expression(standard_expression(group), pledged)).where(
                Child.id == child.id
            )
        )
    )
