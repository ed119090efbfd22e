"""The region tree as staff see it: their own area, town by town."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from sponsorship.access import READERS, ensure_in_scope, roles_required
from sponsorship.extensions import db
from sponsorship.models import Child, Region, Sponsor
from sponsorship.models.enums import RegionLevel
from sponsorship.services.core.scope import scope_path

bp = Blueprint("regions", __name__, url_prefix="/regions")


def _counts(model, regions: list[Region]) -> dict[int, int]:
    """Count `model` rows per region subtree, in one query."""
    if not regions:
        return {}
    holder = sa.orm.aliased(Region)
    rows = db.session.execute(
        sa.select(holder.id, sa.func.count(model.id))
        .join(Region, Region.path.startswith(holder.path))
        .join(model, model.region_id == Region.id)
        .where(holder.id.in_([r.id for r in regions]))
        .group_by(holder.id)
    ).all()
    return dict(rows)


@bp.route("/")
@roles_required(*READERS)
def index():
    """List the towns in the user's area with their counts of children and caring parents."""
    prefix = scope_path(current_user)
    stmt = sa.select(Region).where(Region.level == RegionLevel.TOWN).order_by(Region.code)
    if prefix is not None:
        stmt = stmt.where(Region.path.startswith(prefix, autoescape=True))
    towns = db.session.scalars(stmt).all()
    return render_template(
        "regions/index.html",
        towns=towns,
        children=_counts(Child, towns),
        sponsors=_counts(Sponsor, towns),
    )


@bp.route("/<int:region_id>")
@roles_required(*READERS)
def detail(region_id: int):
    """Show a town's villages with their counts of children and caring parents."""
    region = db.get_or_404(Region, region_id)
    ensure_in_scope(region, f"region={region_id}")
    villages = db.session.scalars(
        sa.select(Region).where(Region.parent_id == region.id).order_by(Region.code)
    ).all()
    return render_template(
        "regions/detail.html",
        region=region,
        villages=villages,
        children=_counts(Child, villages),
        sponsors=_counts(Sponsor, villages),
    )
