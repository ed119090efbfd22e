"""The envelope's address line: the region's names are added once, never twice."""

import pytest

from sponsorship.models.enums import Channel, LetterKind
from sponsorship.services.letters.recipients import recipient_of
from tests.factories import make_child, make_guardian, make_sponsor, make_village


@pytest.mark.parametrize(
    ("typed", "street"),
    [
        ("人民路 3 号", "稔山镇新村村人民路 3 号"),
        ("新村村人民路 3 号", "稔山镇新村村人民路 3 号"),
        ("稔山镇新村村人民路 3 号", "稔山镇新村村人民路 3 号"),
        ("广东省惠州市惠东县稔山镇新村村人民路 3 号", "广东省惠州市惠东县稔山镇新村村人民路 3 号"),
        ("惠东县稔山镇人民路 3 号", "惠东县稔山镇人民路 3 号"),
        ("", "稔山镇新村村"),
    ],
)
def test_an_address_typed_in_full_is_not_doubled(typed, street):
    village = make_village("稔山镇", "新村村")
    sponsor = make_sponsor(region=village, name="王丽华", address=typed, channel=Channel.POST)
    to = recipient_of(sponsor, LetterKind.APPROVAL).to_address
    assert to.splitlines() == [street, "王丽华 收"]


def test_a_guardians_letter_uses_the_childs_village_once():
    village = make_village("稔山镇", "新村村")
    guardian = make_guardian(name="陈奶奶", mobile=None)
    make_child(region=village, guardian=guardian, address="稔山镇新村村 8 号")
    assert recipient_of(guardian, LetterKind.PAYOUT_NOTICE).to_address.splitlines() == [
        "稔山镇新村村 8 号",
        "陈奶奶 收",
    ]
