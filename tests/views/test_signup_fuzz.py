"""Arbitrary text in every sign-up field: never a server error, never a row from bad input."""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sponsorship.extensions import db as _db
from sponsorship.extensions import limiter
from sponsorship.models import Sponsor, User
from sponsorship.services.sponsors.applications import check_details, details_of
from tests.conftest import count, post_form
from tests.factories import make_village
from tests.views.test_signup import form_data

FIELDS = sorted(
    ["kind", "name", "contact_name", "gender", "mobile", "email", "region", "address", "id_number",
     "aid_preference", "distance", "child_gender", "capacity", "pledge", "payment_frequency",
     "channel", "password", "confirm", "consent", "website"]
)  # fmt: skip


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_arbitrary_text_in_any_sign_up_field(app, client, data):
    village = make_village()
    _db.session.commit()
    chosen = data.draw(st.sets(st.sampled_from(FIELDS), min_size=1, max_size=4), label="fields")
    values = {name: data.draw(st.text(max_size=200), label=name) for name in sorted(chosen)}
    connection = _db._app_engines[app][None]
    example = connection.begin_nested()  # undo this example's rows before the next one
    try:
        limiter.reset()
        response = post_form(client, "/signup", form_data(village, **values), token_from="/signup")
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:
            assert count(Sponsor) == 0 and count(User) == 0
        else:
            assert response.headers["Location"] == "/signup/done"
            stored = _db.session.scalars(sa.select(Sponsor)).all()
            assert len(stored) <= 1 and count(User) == len(stored)
            for sponsor in stored:  # whatever was kept obeys every rule
                stored_details = details_of(sponsor)
                assert check_details(details_of(sponsor), sponsor=sponsor) == stored_details
                assert sponsor.consent_at is not None
    finally:
        _db.session.close()
        example.rollback()
