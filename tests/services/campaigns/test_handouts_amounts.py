"""Per-person handout amounts: one for all or one per group; totals are exactly the sum."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sponsorship.errors import DomainError
from sponsorship.services.campaigns.handouts_amounts import (
    AmountRule,
    MissingGroupAmountError,
    amounts,
    total,
)

GROUPS = ["child", "orphan", "poor_single_mother", "old_women_cadre", "red_banner"]
group_lists = st.lists(st.sampled_from(GROUPS), max_size=80)
fen = st.integers(min_value=1, max_value=10**8)


def test_the_spring_festival_handout_of_55_people_is_16500_yuan():
    assert total(AmountRule(one_fen=30000), ["orphan"] * 20 + ["red_banner"] * 35) == 1650000


@given(group_lists, fen)
def test_one_amount_for_all_totals_people_times_amount(groups, one):
    rule = AmountRule(one_fen=one)
    assert amounts(rule, groups) == [one] * len(groups)
    assert total(rule, groups) == one * len(groups)


@given(group_lists, st.fixed_dictionaries({g: fen for g in GROUPS}))
def test_amounts_by_group_total_the_sum_per_group(groups, by_group):
    rule = AmountRule(by_group=by_group)
    each = amounts(rule, groups)
    assert [by_group[g] for g in groups] == each
    assert total(rule, groups) == sum(each)
    assert total(rule, groups) == sum(by_group[g] * n for g, n in Counter(groups).items())


def test_a_group_without_an_amount_is_named_and_refused():
    rule = AmountRule(by_group={"orphan": 20000})
    with pytest.raises(MissingGroupAmountError) as refused:
        amounts(rule, ["orphan", "red_banner", "child", "red_banner"])
    assert refused.value.groups == ["child", "red_banner"]
    with pytest.raises(MissingGroupAmountError):
        total(rule, ["child"])


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"one_fen": 100, "by_group": {"child": 100}},
        {"one_fen": 0},
        {"one_fen": -5},
        {"by_group": {"child": 0}},
        {"one_fen": 10**12},
    ],
)
def test_a_rule_needs_exactly_one_form_and_positive_amounts(kw):
    with pytest.raises(DomainError):
        AmountRule(**kw)
