"""Running matching over the database: who is loaded, what is replaced, what is never proposed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Pairing
from sponsorship.models.enums import (
    ChildStatus,
    Distance,
    Hardship,
    PairingStatus,
    SponsorStatus,
    Zone,
)
from sponsorship.services.core import settings
from sponsorship.services.pairing.matching import RegionPaths, run_matching, weights
from tests import factories
from tests.conftest import count

NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


def proposals() -> set[tuple[int, int]]:
    rows = db.session.execute(
        sa.select(Pairing.sponsor_id, Pairing.child_id).where(
            Pairing.status == PairingStatus.PROPOSED
        )
    )
    return {(s, c) for s, c in rows}


def test_the_neediest_child_gets_the_only_caring_parent(frozen):
    frozen(NOW)
    village = factories.make_village()
    sponsor = factories.make_sponsor(village)
    factories.make_child(village, awaiting_since=date(2026, 1, 1))
    orphan = factories.make_child(
        village, awaiting_since=date(2026, 8, 1), hardships=[Hardship.ORPHAN]
    )
    summary = run_matching(None)
    assert (summary.children, summary.sponsors, summary.proposed, summary.unmatched) == (2, 1, 1, 1)
    (pairing,) = db.session.scalars(sa.select(Pairing)).all()
    assert (pairing.sponsor_id, pairing.child_id) == (sponsor.id, orphan.id)
    assert pairing.reason == "同村 · 小学 · 已等待 120 天 · 孤儿"
    assert pairing.score == 0
    assert count(AuditEvent, AuditEvent.action == "matching.run") == 1


def test_a_run_replaces_the_old_proposals_and_counts_active_pairings():
    village = factories.make_village()
    sponsor = factories.make_sponsor(village, capacity=2)
    paired = factories.make_child(village, status=ChildStatus.PAIRED)
    factories.make_pairing(sponsor, paired, status=PairingStatus.ACTIVE)
    first, second = factories.make_child(village), factories.make_child(village)
    run_matching(None)
    assert proposals() == {(sponsor.id, first.id)}
    run_matching(None)
    assert proposals() == {(sponsor.id, first.id)}
    assert count(Pairing, Pairing.child_id == second.id) == 0


def test_only_approved_caring_parents_and_awaiting_children_take_part():
    village = factories.make_village()
    factories.make_sponsor(village, status=SponsorStatus.PENDING)
    factories.make_child(village, status=ChildStatus.VERIFIED)
    approved = factories.make_sponsor(village)
    awaiting = factories.make_child(village)
    run_matching(None)
    assert proposals() == {(approved.id, awaiting.id)}


def test_rejected_and_ended_pairs_are_never_proposed_again():
    village = factories.make_village()
    sponsor = factories.make_sponsor(village, capacity=3)
    rejected = factories.make_child(village)
    ended = factories.make_child(village)
    fresh = factories.make_child(village)
    factories.make_pairing(sponsor, rejected, status=PairingStatus.REJECTED)
    factories.make_pairing(sponsor, ended, status=PairingStatus.ENDED)
    run_matching(None)
    assert proposals() == {(sponsor.id, fresh.id)}


def test_same_town_only_is_kept_and_the_county_wide_parent_travels():
    home, other = factories.make_town(Zone.COASTAL), factories.make_town(Zone.MOUNTAIN)
    near_only = factories.make_sponsor(factories.make_village(home), distance=Distance.SAME_TOWN)
    anywhere = factories.make_sponsor(factories.make_village(home))
    child = factories.make_child(factories.make_village(other))
    run_matching(None)
    assert proposals() == {(anywhere.id, child.id)}
    assert near_only.id not in {s for s, _ in proposals()}


def test_a_town_run_leaves_other_towns_proposals_alone():
    town_a, town_b = factories.make_town(), factories.make_town()
    sponsor_a = factories.make_sponsor(factories.make_village(town_a))
    sponsor_b = factories.make_sponsor(factories.make_village(town_b))
    child_a = factories.make_child(factories.make_village(town_a))
    child_b = factories.make_child(factories.make_village(town_b))
    run_matching(None)
    before = proposals()
    assert before == {(sponsor_a.id, child_a.id), (sponsor_b.id, child_b.id)}
    summary = run_matching(town_a)
    assert summary.children == 1
    assert proposals() == before


def test_admin_settings_change_the_weights():
    settings.put("matching.same_town", 15)
    assert weights().same_town == 15
    assert weights().same_county == 60


def test_region_paths_name_county_zone_town_and_village():
    town = factories.make_town(Zone.RIVERSIDE)
    village = factories.make_village(town)
    path = RegionPaths()(village.id)
    assert path == (factories.county().code, "riverside", town.code, village.code)


def test_a_child_still_holding_an_active_pairing_is_not_proposed_again():
    village = factories.make_village()
    factories.make_sponsor(village)
    child = factories.make_child(village)
    factories.make_pairing(factories.make_sponsor(village, capacity=2), child)
    summary = run_matching(None)
    assert summary.children == 0 and proposals() == set()
