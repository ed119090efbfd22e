"""Gifts in kind: a count and a value, to a person or the campaign, totalled and audited."""

from datetime import date

import pytest
import sqlalchemy as sa

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import AuditEvent
from sponsorship.services.campaigns.gifts_in_kind import gift_totals, gifts, record_gift
from tests.services.campaigns.handout_data import make_adult, make_campaign

ON = date(2027, 6, 1)


def test_gifts_are_listed_newest_first_and_totalled():
    campaign = make_campaign()
    person = make_adult(campaign)
    record_gift(campaign, description="书包", count=78, value_fen=78 * 5000, given_on=ON)
    record_gift(
        campaign,
        description="大米",
        count=2,
        value_fen=20000,
        given_on=date(2027, 6, 2),
        beneficiary=person,
    )
    assert [g.description for g in gifts(campaign)] == ["大米", "书包"]
    assert gift_totals(campaign).count == 80 and gift_totals(campaign).value_fen == 410000
    assert gifts(campaign)[0].beneficiary_id == person.id
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "campaign.gift_recorded")
        )
        == 2
    )


@pytest.mark.parametrize(
    ("description", "count", "value"),
    [("", 1, 0), ("书包", 0, 100), ("书包", 1, -1), ("x" * 101, 1, 0)],
)
def test_a_gift_needs_a_description_a_count_and_a_value(description, count, value):
    with pytest.raises(DomainError):
        record_gift(
            make_campaign(), description=description, count=count, value_fen=value, given_on=ON
        )


def test_a_gift_to_another_campaigns_person_is_refused():
    person = make_adult(make_campaign())
    with pytest.raises(DomainError):
        record_gift(
            make_campaign(), description="米", count=1, value_fen=1, given_on=ON, beneficiary=person
        )
