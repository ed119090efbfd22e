"""Why a pair was proposed, in words staff understand: 同镇 · 小学 · 已等待 120 天 · 孤儿."""

from __future__ import annotations

from functools import cache

from sponsorship.matching.records import ChildRecord
from sponsorship.matching.rules import COUNTY, TOWN, VILLAGE, ZONE

_CLOSENESS = {
    VILLAGE: ("同村", "same village"),
    TOWN: ("同镇", "same town"),
    ZONE: ("同片区", "same zone"),
    COUNTY: ("同县", "same county"),
}
_GROUPS = {
    "primary": ("小学", "primary"),
    "middle": ("中学", "middle school"),
    "fostering": ("助养", "fostering"),
}
#: Hardships in the order staff name them: the heaviest first.
_HARDSHIPS = {
    "orphan": ("孤儿", "orphan"),
    "unsupported": ("事实无人抚养", "de-facto unsupported"),
    "single_mother": ("单亲特困母亲家庭", "poor single-mother family"),
    "disabled": ("残疾", "disabled"),
    "seriously_ill": ("重病", "seriously ill"),
    "left_behind": ("留守", "left-behind"),
    "low_income": ("低保家庭", "minimum-allowance household"),
    "other": ("其他困难", "other hardship"),
}
SEPARATOR = " · "


def reason(near: str, child: ChildRecord) -> tuple[str, str]:
    """Return the reason for pairing `child` at closeness `near`, in Chinese and in English."""
    head_zh, head_en = _head(near, child.aid_group)
    tail_zh, tail_en = _tail(child.hardships)
    if child.waiting_days > 0:
        head_zh = f"{head_zh}{SEPARATOR}已等待 {child.waiting_days} 天"
        head_en = f"{head_en}{SEPARATOR}waited {child.waiting_days} days"
    return head_zh + tail_zh, head_en + tail_en


@cache
def _head(near: str, group: str) -> tuple[str, str]:
    zh = _CLOSENESS[near][0] + SEPARATOR + _GROUPS.get(group, (group, group))[0]
    en = _CLOSENESS[near][1] + SEPARATOR + _GROUPS.get(group, (group, group))[1]
    return zh, en


@cache
def _tail(hardships: tuple[str, ...]) -> tuple[str, str]:
    named = [names for key, names in _HARDSHIPS.items() if key in hardships]
    return "".join(SEPARATOR + zh for zh, _ in named), "".join(SEPARATOR + en for _, en in named)
