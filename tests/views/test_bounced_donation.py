"""The bounced donation of the issue: its surplus paid a second child's instalment of the same
caring parent, nothing left the programme, and finance reverses it from its page."""

from datetime import UTC, datetime

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Donation, Instalment, Pledge
from sponsorship.models.enums import Role
from sponsorship.services.money import ledger_check, statements
from tests.conftest import post_form
from tests.factories import make_donation, make_pairing, make_pledge, make_sponsor


def test_finance_reverses_it_and_the_second_childs_instalment_is_owed_again(client, auth):
    sponsor = make_sponsor(pledge_per_child_fen=100_000)
    make_pledge(make_pairing(sponsor=sponsor))
    donation = make_donation(sponsor, 150_000)
    second = make_pairing(sponsor=sponsor)
    make_pledge(second, confirmed_at=datetime(2026, 10, 10, 2, tzinfo=UTC))
    db.session.commit()
    auth.as_role(Role.FINANCE)
    url = f"/donations/{donation.id}"
    response = post_form(client, f"{url}/reverse", {"reason": "银行退票"}, token_from=url)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()  # the request used its own session: read what it stored
    assert db.session.get(Donation, donation.id).reversed
    owed = db.session.scalars(
        sa.select(Instalment.paid_fen).join(Pledge).where(Pledge.pairing_id == second.id)
    ).all()
    assert owed == [0]
    assert statements.programme_totals().raised_fen == 0
    assert ledger_check.verify() == []
