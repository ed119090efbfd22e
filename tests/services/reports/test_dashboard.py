"""The dashboard's figures: by the report definitions, within the user's scope."""

from __future__ import annotations

from datetime import date, datetime

from sponsorship.models.enums import AidGroup, ChildStatus, PairingStatus, Role, SponsorStatus
from sponsorship.services.reports.dashboard import dashboard_for, mask_name
from tests import factories as f
from tests import report_data


def test_figures_count_only_the_users_town(frozen):
    data = report_data.build()
    frozen(datetime(2026, 6, 30, 4, tzinfo=report_data.UTC))
    town_b = f.make_user(Role.STAFF, scope=data.town_b)
    county = f.make_user(Role.STAFF, scope=data.county)
    board = dashboard_for(town_b)
    assert board.recruited == 69 and board.raised_period_fen == 8_180_00
    assert board.paired_groups == {  # in progress now: also the one confirmed after the period
        AidGroup.PRIMARY: 69,
        AidGroup.MIDDLE: 27,
        AidGroup.FOSTERING: 4,
    }
    assert board.proposals == 1
    whole = dashboard_for(county)
    assert whole.recruited == 169 and whole.raised_period_fen == 118_180_00
    assert whole.paired == 309 + 2  # in progress now: also the one paired before the period
    # Held: what town B's caring parents gave sits in their credit; anonymous money county-wide.
    assert board.held_fen == 8_180_00 + 70_00 + 90_00
    assert whole.held_fen > board.held_fen


def test_longest_waits_are_masked_and_oldest_first(frozen):
    frozen(datetime(2026, 6, 30, 4, tzinfo=report_data.UTC))
    village = f.make_village("等待镇")
    f.make_child(village, name="陈小明", awaiting_since=date(2026, 1, 1))
    f.make_child(village, name="李华", awaiting_since=date(2025, 6, 30))
    f.make_child(village, status=ChildStatus.PAIRED, awaiting_since=date(2020, 1, 1))
    user = f.make_user(Role.STAFF, scope=village.parent)
    waits = dashboard_for(user).longest_waits
    assert [(w.masked_name, w.days) for w in waits] == [("李＊", 365), ("陈＊＊", 180)]
    assert mask_name("王") == "王＊"


def test_an_empty_area_has_zeros():
    board = dashboard_for(f.make_user(Role.STAFF, scope=f.make_region()))
    assert board.is_empty and board.held_fen == 0 and board.overdue_fen == 0
    assert board.paired_groups == {g: 0 for g in AidGroup}


def test_pending_applicants_and_proposals_are_to_dos():
    town = f.make_region()
    f.make_sponsor(town, status=SponsorStatus.PENDING)
    f.make_pairing(f.make_sponsor(town), f.make_child(town), status=PairingStatus.PROPOSED)
    board = dashboard_for(f.make_user(Role.STAFF, scope=town))
    assert board.sponsors_pending == 1 and board.proposals == 1


def test_campaign_handouts_are_not_the_programmes_paid_out():
    """A 春节 cash handout is the campaign's figure; the dashboard's 已发放 is the programme's."""
    from sponsorship.services.campaigns.handouts_cash import record_signed
    from tests.services.campaigns.handout_data import fund_campaign, make_adult, make_campaign

    campaign = make_campaign()
    person = make_adult(campaign, amount_fen=30000)
    fund_campaign(campaign, 30000)
    admin = f.make_user(Role.ADMIN)
    record_signed(campaign, [person.id], date(2026, 1, 20), by=admin)
    board = dashboard_for(admin)
    assert board.paid_out_fen == 0
