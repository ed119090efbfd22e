"""Why a pair was proposed, in words staff understand: 同镇 · 小学 · 已等待 120 天 · 孤儿."""

from __future__ import annotations

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
    zh = [_CLOSENESS[near][0], _GROUPS.get(child.aid_group, (child.aid_group,))[0]]
    en = [_CLOSENESS[near][1], _GROUPS.get(child.aid_group, ("", child.aid_group))[1]]
    if child.waiting_days > 0:
        zh.append(f"已等待 {child.waiting_days} 天")
        en.append(f"waited {child.waiting_days} days")
    for key, (hz, he) in _HARDSHIPS.items():
        if key in child.hardships:
            zh.append(hz)
            en.append(he)
    return SEPARATOR.join(zh), SEPARATOR.join(en)
