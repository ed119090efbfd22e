"""Every weight of the matcher, in one place, each with the reason for its size.

Costs are integers: lower is better. A pair's cost is its region distance plus the extra-slot
penalty; leaving a child unmatched costs `unmatched_base` plus the child's need (waiting time and
hardship), so when caring parents are scarce the children who need them most are served first.
Admins may change these through `Setting` keys named `matching.<field>` (see `setting_defaults`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

#: Hardship weights by category value. Orphans and de-facto unsupported children come first.
DEFAULT_HARDSHIP = {
    "orphan": 400,
    "unsupported": 300,
    "single_mother": 150,
    "disabled": 150,
    "seriously_ill": 150,
    "left_behind": 100,
    "low_income": 100,
    "other": 50,
}


class UnsupportedWeightsError(ValueError):
    """Weights the exact matcher cannot honour (see `Weights.flow_problem`)."""


class CostsTooLargeError(UnsupportedWeightsError):
    """Weights so large that the scaled costs would overflow the solver's 64-bit arithmetic."""


@dataclass(frozen=True)
class Weights:
    """The matcher's knobs; the defaults are the programme's policy."""

    #: Same village: the caring parent can visit often; the best outcome.
    same_village: int = 0
    #: Same town (镇/街道): visits are easy, the town federation knows both families.
    same_town: int = 10
    #: Same zone (沿海/沿江/山区) but another town: similar life, some travel.
    same_zone: int = 30
    #: Elsewhere in the county: allowed only when the caring parent accepts the whole county.
    same_county: int = 60
    #: Each further child of one caring parent costs this much more, so children spread over
    #: caring parents when that costs nothing else. Kept small: it never outweighs distance.
    extra_slot: int = 2
    #: Leaving a child unmatched costs at least this much: far above any pair's cost, so a child
    #: is left out only when no caring parent can take them.
    unmatched_base: int = 1000
    #: Waiting adds one point per this many days ...
    wait_days_per_point: int = 3
    #: ... up to this many points (about three years), so need, not only age of file, decides.
    wait_cap_points: int = 365
    #: Hardship points per category, summed over the child's categories; larger than any distance
    #: so an orphan far away is served before a child with no hardship next door.
    hardship: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_HARDSHIP))

    def flow_problem(self) -> str | None:
        """Return why the matcher cannot use these weights exactly, or None when it can.

        The matcher meets children and caring parents at region hubs (network.py): a pair in one
        village could also meet at its town's hub, and so on up. That is harmless only when a
        nearer level never costs more than a farther one; and a caring parent's places must cost
        more (or the same) one by one, so that the cheapest places are used first.
        """
        if not self.same_village <= self.same_town <= self.same_zone <= self.same_county:
            return "distance"
        if self.extra_slot < 0:
            return "extra_slot"
        return None

    def unmatched_cost(self, waiting_days: int, hardships: tuple[str, ...]) -> int:
        """Return what leaving a child unmatched costs: base plus waiting plus hardship."""
        wait = min(max(waiting_days, 0) // max(self.wait_days_per_point, 1), self.wait_cap_points)
        return self.unmatched_base + wait + self.hardship_points(hardships)

    def hardship_points(self, hardships: tuple[str, ...]) -> int:
        """Return the hardship part of the unmatched cost: each category counted once."""
        return sum(self.hardship.get(h, 0) for h in set(hardships))


def setting_defaults() -> dict[str, int]:
    """Return the `Setting` keys admins may change, with their defaults."""
    defaults = Weights()
    values = {
        f"matching.{f.name}": getattr(defaults, f.name)
        for f in fields(Weights)
        if f.name != "hardship"
    }
    values.update({f"matching.hardship.{k}": v for k, v in DEFAULT_HARDSHIP.items()})
    return values


def weights_from(values: dict[str, int]) -> Weights:
    """Build weights from `setting_defaults()`-style keys; missing keys keep their default."""
    base = asdict(Weights())
    hardship = dict(base.pop("hardship"))
    for key, value in values.items():
        if key.startswith("matching.hardship."):
            hardship[key.removeprefix("matching.hardship.")] = int(value)
        elif key.startswith("matching.") and key.removeprefix("matching.") in base:
            base[key.removeprefix("matching.")] = int(value)
    return Weights(**base, hardship=hardship)
