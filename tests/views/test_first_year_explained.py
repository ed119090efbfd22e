"""A first school year pro rata is explained where its figure is shown: the statement, the portal
and the pairing letter, in Chinese and English, with the same figures."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.letters.rendering import default_text, render
from sponsorship.models import Letter, Pledge
from sponsorship.models.enums import LetterKind, PairingStatus, Role
from sponsorship.services.core import settings
from sponsorship.services.money.first_year import letter_context
from sponsorship.services.pairing import pairings
from tests.conftest import post_form
from tests.factories import make_pairing, make_portal_sponsor, make_user, make_village

CONFIRMED = datetime(2026, 11, 10, 2, tzinfo=UTC)  # 10 November in Shanghai
NOTE_ZH = "首个学年从结对之日（2026-11-10）起按月折算：每年 ¥1,200.00，本学年 ¥1,000.00"


@pytest.fixture
def november_pledge(frozen):
    """¥1,200 a year pledged by a pairing confirmed on 10 November: the first year asks ¥1,000."""
    frozen(CONFIRMED)
    sponsor = make_portal_sponsor(region=make_village(), pledge_per_child_fen=120_000)
    proposal = make_pairing(sponsor=sponsor, status=PairingStatus.PROPOSED)
    pairings.confirm(proposal.id, by=make_user(Role.STAFF))
    pledge = db.session.scalar(sa.select(Pledge).where(Pledge.pairing_id == proposal.id))
    assert pledge.amount_fen == 120_000
    assert sum(i.amount_fen for i in pledge.instalments) == 100_000
    db.session.commit()
    return pledge


def test_the_statement_explains_the_pro_rata_first_year(client, auth, november_pledge):
    auth.as_role(Role.FINANCE)
    page = client.get(f"/statements/sponsors/{november_pledge.pairing.sponsor_id}").get_data(
        as_text=True
    )
    assert "¥1,000.00" in page and NOTE_ZH in page


def test_the_portal_explains_it_beside_the_yearly_amount(client, auth, november_pledge):
    auth.login(november_pledge.pairing.sponsor.mobile)
    page = client.get("/portal/pledges").get_data(as_text=True)
    assert "¥1,200.00" in page and "¥1,000.00" in page and NOTE_ZH in page
    post_form(client, "/language", {"lang": "en"})
    english = client.get("/portal/pledges").get_data(as_text=True)
    assert "First year pro rata from the pairing date (2026-11-10): ¥1,000.00 of ¥1,200.00" in (
        english
    )


def test_the_pairing_letter_gives_the_same_figures_in_both_languages(november_pledge):
    letter = db.session.scalar(sa.select(Letter).where(Letter.kind == LetterKind.PAIRING_NOTICE))
    assert "每年 ¥1,200.00" in letter.body and "2026年11月10日" in letter.body
    assert "按月折算，为 ¥1,000.00" in letter.body
    _subject, body = render(
        *default_text(LetterKind.PAIRING_NOTICE, "en"),
        {"child": {"given_name": "小花"}, **letter_context(november_pledge)},
        "en",
    )
    assert "Your pledge is ¥1,200.00 a year" in body
    assert "pro rata from the pairing date (10 November 2026): ¥1,000.00" in body


def test_when_the_setting_asks_the_full_first_year_the_words_say_so(client, auth, frozen):
    settings.put("pledge.mid_year_pro_rata", False)
    frozen(CONFIRMED)
    sponsor = make_portal_sponsor(region=make_village(), pledge_per_child_fen=120_000)
    proposal = make_pairing(sponsor=sponsor, status=PairingStatus.PROPOSED)
    pairings.confirm(proposal.id, by=make_user(Role.STAFF))
    db.session.commit()
    auth.login(sponsor.mobile)
    page = client.get("/portal/pledges").get_data(as_text=True)
    assert "学年中途结对（2026-11-10），按项目设置首个学年仍按全年 ¥1,200.00 认捐" in page
    letter = db.session.scalar(sa.select(Letter).where(Letter.kind == LetterKind.PAIRING_NOTICE))
    assert "您的认捐为每年 ¥1,200.00。" in letter.body and "折算" not in letter.body
