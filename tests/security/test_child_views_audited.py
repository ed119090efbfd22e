"""Every page that shows a child's personal data is audited, as `child.view` with the page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import AuditEvent
from sponsorship.models.enums import Role
from tests.conftest import post_form
from tests.factories import make_pairing, make_pledge, make_portal_sponsor


def _views(child) -> list[tuple[str, str]]:
    events = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "child.view", AuditEvent.object_id == str(child.id)
        )
    )
    return [(e.detail, e.user.username) for e in events]


@pytest.fixture
def pledge():
    sponsor = make_portal_sponsor()
    return make_pledge(make_pairing(sponsor=sponsor))


@pytest.mark.parametrize(
    ("endpoint", "url"),
    [
        ("children.detail", "/children/{child}"),
        ("child_edit.edit", "/children/{child}/edit"),
        ("statements.child", "/statements/children/{child}"),
        ("pairings.end", "/pairings/{pairing}/end"),
        ("pledges.amount", "/pledges/{pledge}/amount"),
    ],
)
def test_each_staff_page_showing_a_child_records_the_view(client, auth, pledge, endpoint, url):
    child = pledge.pairing.child
    db.session.commit()
    user = auth.as_role(Role.ADMIN)
    page = client.get(url.format(child=child.id, pairing=pledge.pairing.id, pledge=pledge.id))
    assert page.status_code == 200 and child.given_name in page.get_data(as_text=True)
    assert _views(child) == [(endpoint, user.username)]


def test_the_caring_parents_portal_page_of_their_child_records_the_view(client, auth, pledge):
    pairing = pledge.pairing
    db.session.commit()
    assert auth.login(pairing.sponsor.mobile).status_code == 302
    page = client.get(f"/portal/children/{pairing.id}")
    assert page.status_code == 200
    assert _views(pairing.child) == [("portal.child", pairing.sponsor.mobile)]


def test_a_refused_edit_is_shown_again_and_recorded_again(client, auth, pledge):
    child = pledge.pairing.child
    db.session.commit()
    auth.as_role(Role.ADMIN)
    client.get(f"/children/{child.id}/edit")
    url = f"/children/{child.id}/edit"
    response = post_form(client, url, {"name": ""}, token_from=url)
    assert response.status_code in (200, 422)
    assert [page for page, _who in _views(child)] == ["child_edit.edit"] * 3
