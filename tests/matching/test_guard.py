"""Weights the exact flow cannot honour are refused with a clear message, never half-applied."""

from __future__ import annotations

import pytest

from sponsorship.extensions import db
from sponsorship.matching import (
    ChildRecord,
    CostsTooLargeError,
    SponsorRecord,
    UnsupportedWeightsError,
    Weights,
    match,
)
from sponsorship.models import Pairing
from sponsorship.models.enums import PairingStatus
from sponsorship.services.core import settings
from tests import factories
from tests.conftest import count

HOME = ("c1", "z1", "t1", "v1")


@pytest.mark.parametrize(
    ("weights", "problem"),
    [
        (Weights(same_village=11), "distance"),
        (Weights(same_zone=5), "distance"),
        (Weights(same_county=29), "distance"),
        (Weights(extra_slot=-1), "extra_slot"),
    ],
)
def test_the_engine_refuses_weights_that_would_make_the_optimum_wrong(weights, problem):
    assert weights.flow_problem() == problem
    with pytest.raises(UnsupportedWeightsError):
        match([SponsorRecord(1, HOME)], [ChildRecord(1, HOME)], weights=weights)


def test_equal_neighbouring_weights_are_allowed():
    weights = Weights(same_village=10, same_town=10, same_zone=10, same_county=10, extra_slot=0)
    assert weights.flow_problem() is None
    (proposal,) = match([SponsorRecord(1, HOME)], [ChildRecord(1, HOME)], weights=weights).proposals
    assert proposal.cost == 10


def test_a_run_with_bad_settings_says_what_to_fix_and_keeps_the_old_proposals(runner):
    village = factories.make_village()
    sponsor = factories.make_sponsor(village)
    child = factories.make_child(village)
    factories.make_pairing(sponsor, child, status=PairingStatus.PROPOSED)
    settings.put("matching.same_zone", 5)
    db.session.commit()

    result = runner.invoke(args=["matching", "run"])

    assert result.exit_code != 0
    assert "距离越远，权重不能越小（同村 ≤ 同镇 ≤ 同片区 ≤ 同县）" in result.output
    assert (
        count(Pairing, Pairing.status == PairingStatus.PROPOSED, Pairing.child_id == child.id) == 1
    )


def test_weights_too_large_for_exact_arithmetic_are_refused_not_wrapped_around():
    weights = Weights(unmatched_base=2**60)
    with pytest.raises(CostsTooLargeError):
        match([SponsorRecord(1, HOME)], [ChildRecord(1, HOME)], weights=weights)


def test_a_run_with_too_large_weights_says_so_in_chinese(runner):
    village = factories.make_village()
    factories.make_sponsor(village)
    factories.make_child(village)
    settings.put("matching.unmatched_base", 2**50)
    db.session.commit()

    result = runner.invoke(args=["matching", "run"])

    assert result.exit_code != 0
    assert "匹配权重设置过大，无法精确计算" in result.output
    assert count(Pairing) == 0
