"""Small hand-checked cases: who gets the caring parent, and why."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from sponsorship.matching import ChildRecord, SponsorRecord, Weights, match, weights_from

HOME = ("c1", "z1", "t1", "v1")
SAME_TOWN = ("c1", "z1", "t1", "v2")
SAME_ZONE = ("c1", "z1", "t2", "v1")
OTHER_ZONE = ("c1", "z2", "t3", "v1")
OTHER_COUNTY = ("c2", "z1", "t9", "v1")


def sponsor(id: int = 1, region=HOME, **kw) -> SponsorRecord:
    return SponsorRecord(id=id, region=region, **kw)


def child(id: int, region=HOME, **kw) -> ChildRecord:
    return ChildRecord(id=id, region=region, **kw)


def pairs(result) -> set[tuple[int, int]]:
    return {(p.sponsor_id, p.child_id) for p in result.proposals}


CASES = [
    pytest.param(
        [sponsor(1)],
        [
            child(1, HOME, waiting_days=300),
            child(2, SAME_TOWN, waiting_days=30, hardships=("orphan",)),
            child(3, OTHER_ZONE, waiting_days=200, hardships=("orphan",)),
        ],
        set(),
        {(1, 3)},
        id="scarcity favours the orphan who waited longest, even far away",
    ),
    pytest.param(
        [sponsor(1)],
        [child(1, SAME_TOWN, waiting_days=90), child(2, SAME_TOWN, hardships=("unsupported",))],
        set(),
        {(1, 2)},
        id="de-facto unsupported before a long wait",
    ),
    pytest.param(
        [sponsor(1, distance="same_town")],
        [child(1, SAME_ZONE, hardships=("orphan",), waiting_days=900)],
        set(),
        set(),
        id="same town only is never broken, however needy the child",
    ),
    pytest.param(
        [sponsor(1, distance="same_town"), sponsor(2, OTHER_ZONE)],
        [child(1, SAME_TOWN), child(2, SAME_ZONE)],
        set(),
        {(1, 1), (2, 2)},
        id="same-town caring parent takes the town's child; the county-wide one the other",
    ),
    pytest.param(
        [sponsor(1)],
        [child(1, OTHER_COUNTY)],
        set(),
        set(),
        id="never across counties",
    ),
    pytest.param(
        [sponsor(1), sponsor(2, SAME_ZONE)],
        [child(1, HOME)],
        {(1, 1)},
        {(2, 1)},
        id="a rejected pair never comes back; the next best is proposed",
    ),
    pytest.param(
        [sponsor(1)],
        [child(1, HOME)],
        {(1, 1)},
        set(),
        id="a rejected pair never comes back, even when nobody else can take the child",
    ),
    pytest.param(
        [sponsor(1, capacity=2)],
        [child(i, HOME, waiting_days=10 * i) for i in range(1, 6)],
        set(),
        {(1, 5), (1, 4)},
        id="capacity is never exceeded; the longest waits are served",
    ),
    pytest.param(
        [sponsor(1, aid_preference="middle"), sponsor(2, aid_preference="fostering")],
        [
            child(1, aid_group="primary"),
            child(2, aid_group="middle"),
            child(3, aid_group="fostering"),
        ],
        set(),
        {(1, 2), (2, 3)},
        id="aid-type preference is a hard rule",
    ),
    pytest.param(
        [sponsor(1, child_gender="male")],
        [child(1, gender="female", hardships=("orphan",)), child(2, gender="male")],
        set(),
        {(1, 2)},
        id="gender preference is a hard rule",
    ),
    pytest.param(
        [sponsor(1, capacity=2), sponsor(2, HOME)],
        [child(1, HOME), child(2, HOME)],
        set(),
        {(1, 1), (2, 2)},
        id="children spread over caring parents when nothing else differs",
    ),
    pytest.param(
        [sponsor(1, region=SAME_TOWN)],
        [child(2, HOME), child(1, HOME)],
        set(),
        {(1, 1)},
        id="a perfect tie goes to the child with the lower id",
    ),
    pytest.param(
        [sponsor(1, SAME_ZONE), sponsor(2, HOME)],
        [child(1, HOME), child(2, SAME_ZONE)],
        set(),
        {(2, 1), (1, 2)},
        id="nearest pairs: same village beats swapping",
    ),
]


@pytest.mark.parametrize(("sponsors", "children", "rejected", "expected"), CASES)
def test_hand_checked_cases(sponsors, children, rejected, expected):
    assert pairs(match(sponsors, children, rejected=rejected)) == expected


def test_the_reason_names_closeness_group_wait_and_hardship():
    result = match(
        [sponsor(1)],
        [child(7, SAME_TOWN, waiting_days=120, hardships=("left_behind", "orphan"))],
    )
    (proposal,) = result.proposals
    assert proposal.reason_zh == "同镇 · 小学 · 已等待 120 天 · 孤儿 · 留守"
    assert proposal.reason_en == "same town · primary · waited 120 days · orphan · left-behind"
    assert proposal.cost == Weights().same_town


def test_total_cost_counts_pairs_and_the_unmatched():
    w = Weights()
    result = match([sponsor(1)], [child(1, SAME_ZONE), child(2, OTHER_COUNTY, waiting_days=30)])
    assert result.unmatched == [2]
    assert result.total_cost == w.same_zone + w.unmatched_base + 30 // w.wait_days_per_point


def test_same_input_in_any_order_gives_the_same_proposals():
    rng = random.Random(5)
    towns = [("c1", "z1", "t1"), ("c1", "z1", "t2"), ("c1", "z2", "t3")]
    sponsors = [
        sponsor(i, (*rng.choice(towns), f"v{rng.randint(1, 3)}"), capacity=rng.randint(1, 3))
        for i in range(1, 30)
    ]
    children = [
        child(i, (*rng.choice(towns), f"v{rng.randint(1, 3)}"), waiting_days=rng.choice([0, 30]))
        for i in range(1, 80)
    ]
    first = match(sponsors, children)
    rng.shuffle(sponsors)
    rng.shuffle(children)
    again = match(sponsors, children)
    assert first.proposals == again.proposals
    assert first.unmatched == again.unmatched


def test_admins_weights_come_from_setting_keys():
    weights = weights_from({"matching.same_town": 5, "matching.hardship.orphan": 900})
    assert weights.same_town == 5
    assert weights.hardship["orphan"] == 900
    assert weights.same_county == Weights().same_county


def test_the_engine_imports_neither_flask_nor_sqlalchemy():
    package = Path(__file__).resolve().parents[2] / "sponsorship" / "matching"
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(("flask", "sqlalchemy")), source.name


def test_a_child_without_a_town_is_still_paired_within_zone_or_county():
    no_town = ("c1", "z1", "", "")
    no_zone_nor_town = ("c1", "", "", "")
    result = match(
        [sponsor(1, SAME_ZONE), sponsor(2, OTHER_ZONE)],
        [child(1, no_town), child(2, no_zone_nor_town)],
    )
    assert pairs(result) == {(1, 1), (2, 2)}
    assert {p.child_id: p.reason_zh[:3] for p in result.proposals} == {1: "同片区", 2: "同县 "}


def test_every_allowed_pair_is_seen_however_many_caring_parents_a_town_has():
    """The old engine looked at 16 caring parents of the town: the 40th was never proposed."""
    sponsors = [sponsor(i, SAME_TOWN, aid_preference="middle") for i in range(1, 40)]
    sponsors.append(sponsor(40, SAME_TOWN))
    children = [child(i, HOME) for i in range(1, 3)]
    result = match(sponsors, children)
    assert pairs(result) == {(40, 1)}
    assert result.unmatched == [2]
