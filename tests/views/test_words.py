"""Every word right: the words a page uses where the programme's state changes what is true."""

import lxml.html
import pytest

from sponsorship.extensions import db
from sponsorship.models.enums import PairingStatus, Role
from tests.factories import make_child, make_pairing, make_portal_sponsor, make_village


@pytest.fixture
def village():
    return make_village()


def _intro(page: str) -> str:
    [section] = lxml.html.fromstring(page).xpath("//section[@class='card'][1]")
    return " ".join(section.text_content().split())


@pytest.mark.parametrize(
    ("capacity", "paired", "expected", "absent"),
    [
        (2, 0, "我们会为您结对需要帮助的孩子", "已结对"),
        (2, 1, "您愿意帮扶 2 名孩子，已结对 1 名", "我们会为您结对需要帮助的孩子"),
        (1, 1, "您已结对帮扶 1 名孩子", "我们会为您结对"),
    ],
)
def test_the_portal_stops_promising_a_pairing_once_paired(
    client, auth, village, capacity, paired, expected, absent
):
    sponsor = make_portal_sponsor(region=village, capacity=capacity)
    for _ in range(paired):
        make_pairing(sponsor, make_child(region=village), status=PairingStatus.ACTIVE)
    db.session.commit()
    auth.login(sponsor.mobile)
    intro = _intro(client.get("/portal/").get_data(as_text=True))
    assert expected in intro and absent not in intro


def test_the_matching_and_pairings_columns_say_reason_not_purpose(client, auth, village):
    make_pairing(child=make_child(region=village), status=PairingStatus.PROPOSED)
    make_pairing(child=make_child(region=village), status=PairingStatus.ACTIVE)
    auth.as_role(Role.STAFF)
    db.session.commit()
    for path in ("/matching/", "/pairings/"):
        page = client.get(path).get_data(as_text=True)
        headers = [
            " ".join(th.text_content().split()) for th in lxml.html.fromstring(page).xpath("//th")
        ]
        assert "原因" in headers and "用途" not in headers, (path, headers)
