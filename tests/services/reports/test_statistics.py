"""The statistics for a period reproduce the programme's half-year figures exactly."""

from __future__ import annotations

from datetime import date

from sponsorship.models.enums import AidGroup, Gender, Hardship
from sponsorship.services.reports.measures import Period, half_year_of, school_year_period
from sponsorship.services.reports.statistics import statistics_for, yuan_text
from tests import factories as f
from tests import report_data

PARAGRAPH = (
    '目前，招募"爱心父母"169名，募捐资金118180元，结对帮扶困境儿童309名'
    "（其中：小学生218名、中学生77名、助养14名）"
)


def test_the_county_half_year_gives_the_programme_figures():
    data = report_data.build()
    stats = statistics_for(report_data.H1, data.county)
    assert stats.recruited == 169
    assert stats.raised_fen == 118_180_00
    assert stats.groups == {AidGroup.PRIMARY: 218, AidGroup.MIDDLE: 77, AidGroup.FOSTERING: 14}
    assert stats.paired == 309
    assert stats.paragraph_zh == PARAGRAPH
    assert stats.paragraph_en.startswith("So far, 169 caring parents have been recruited, 118,180")


def test_breakdowns_add_up_by_town_hardship_and_gender():
    data = report_data.build()
    stats = statistics_for(report_data.H1, data.county)
    by_town = {row.town.name if row.town else None: row for row in stats.towns}
    assert by_town["平山街道"].recruited == 100 and by_town["多祝镇"].recruited == 69
    assert by_town["平山街道"].raised_fen == 100_000_00
    assert by_town["多祝镇"].raised_fen == 8_180_00
    assert by_town[None].raised_fen == 10_000_00  # anonymous: county-wide only
    assert by_town["平山街道"].groups == {
        AidGroup.PRIMARY: 150,
        AidGroup.MIDDLE: 50,
        AidGroup.FOSTERING: 10,
    }
    assert by_town["多祝镇"].paired == 99
    assert sum(r.recruited for r in stats.towns) == 169
    assert sum(r.raised_fen for r in stats.towns) == stats.raised_fen
    assert stats.hardships[Hardship.LEFT_BEHIND] == 308  # the twice-paired child has none
    assert sum(stats.child_genders.values()) == 309
    assert stats.sponsor_genders == {Gender.FEMALE: 100, Gender.MALE: 69}


def test_a_town_sees_only_its_own_figures():
    data = report_data.build()
    stats = statistics_for(report_data.H1, data.town_b)
    assert (stats.recruited, stats.raised_fen, stats.paired) == (69, 8_180_00, 99)
    assert stats.groups == {AidGroup.PRIMARY: 68, AidGroup.MIDDLE: 27, AidGroup.FOSTERING: 4}


def test_period_edges_last_day_counts_and_reversal_does_not():
    sponsor = f.make_sponsor()
    f.make_donation(sponsor, 100, received_on=date(2026, 6, 30))
    late = f.make_donation(sponsor, 50, received_on=date(2026, 6, 30))
    f.make_donation(sponsor, 7, received_on=date(2026, 7, 1))
    from sponsorship.services.money.donations import reverse_donation

    reverse_donation(late, "期后冲销")
    assert statistics_for(report_data.H1, None).raised_fen == 100
    assert statistics_for(Period(date(2026, 6, 30), date(2026, 6, 30)), None).raised_fen == 100


def test_an_empty_period_gives_zeros():
    stats = statistics_for(Period(date(2030, 1, 1), date(2030, 6, 30)), f.county())
    assert (stats.recruited, stats.raised_fen, stats.paired) == (0, 0, 0)
    assert stats.towns == []
    assert stats.paragraph_zh == (
        '目前，招募"爱心父母"0名，募捐资金0元，结对帮扶困境儿童0名（其中：小学生0名、中学生0名、助养0名）'
    )


def test_yuan_text_is_whole_yuan_unless_there_are_fen():
    assert yuan_text(118_180_00) == "118180"
    assert yuan_text(118_180_50) == "118180.50"
    assert yuan_text(118_180_05, grouped=True) == "118,180.05"


def test_periods():
    assert half_year_of(date(2026, 6, 30)) == Period(date(2026, 1, 1), date(2026, 6, 30))
    assert half_year_of(date(2026, 7, 1)) == Period(date(2026, 7, 1), date(2026, 12, 31))
    assert school_year_period(date(2026, 8, 31)) == Period(date(2025, 9, 1), date(2026, 8, 31))


def test_gifts_to_a_campaign_are_the_campaigns_not_the_programmes_raised():
    """「姐妹情深10元捐」 reports its own 79161元: the programme's 募捐资金 leaves it out."""
    from sponsorship.models.enums import CampaignKind, DonationMethod, Role
    from sponsorship.services.campaigns.fund import record_gift
    from tests.services.campaigns.helpers import make_campaign

    sponsor = f.make_sponsor()
    f.make_donation(sponsor, 300, received_on=date(2026, 3, 8))
    drive = make_campaign("姐妹情深10元捐", kind=CampaignKind.DRIVE)
    clerk = f.make_user(Role.ADMIN)
    record_gift(
        drive, amount_fen=1000, received_on=date(2026, 3, 8), method=DonationMethod.CASH, by=clerk
    )
    record_gift(
        drive,
        amount_fen=2000,
        received_on=date(2026, 3, 8),
        method=DonationMethod.BANK,
        sponsor=sponsor,
        by=clerk,
    )
    stats = statistics_for(report_data.H1, f.county())
    assert stats.raised_fen == 300
    assert sum(row.raised_fen for row in stats.towns) == 300
