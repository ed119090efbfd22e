"""A pairing's reason is built from bounded parts, so it always fits the column whole."""

from __future__ import annotations

from datetime import date

import pytest

from sponsorship.matching import ChildRecord
from sponsorship.matching.engine import LEVELS
from sponsorship.matching.reasons import reason
from sponsorship.matching.records import AID_GROUPS
from sponsorship.models import Pairing
from sponsorship.models.enums import Hardship

#: The most days two dates can lie apart: no child can have waited longer.
LONGEST_WAIT = (date.max - date.min).days
#: What a pairing made by hand puts before the matcher's reason.
MANUAL_PREFIX = "人工结对 · "


@pytest.mark.parametrize("near", LEVELS)
@pytest.mark.parametrize("group", AID_GROUPS)
def test_the_longest_reason_fits_the_pairing_column(near, group):
    child = ChildRecord(
        id=1,
        region=("c", "z", "t", "v"),
        aid_group=group,
        waiting_days=LONGEST_WAIT,
        hardships=tuple(Hardship),
    )
    zh, _en = reason(near, child)
    assert f"已等待 {LONGEST_WAIT} 天" in zh
    assert zh.endswith("其他困难")  # every hardship is named, the last one too
    assert len(MANUAL_PREFIX + zh) <= Pairing.reason.type.length
