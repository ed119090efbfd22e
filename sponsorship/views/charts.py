"""Bar charts drawn on the server as SVG geometry: no script, no style attribute, no internet."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: The drawing's size in SVG user units; the page scales it with CSS.
WIDTH, HEIGHT = 420, 240
#: Font size of the values and labels, and the width of one character at that size (about).
FONT, CHAR = 12, 7.5
#: Room left for the value above a bar and the label below it.
TOP, BOTTOM = 22, 40


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its box in SVG units, its label and its value as text."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value_text: str

    @property
    def centre(self) -> float:
        """Return the x of the bar's middle, where its label and value are centred."""
        return self.x + self.width / 2


@dataclass(frozen=True)
class Chart:
    """A titled bar chart laid out for an SVG drawing of the given size."""

    title: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    #: False when the values would overlap: they remain in each bar's tooltip.
    show_values: bool = True
    font: int = FONT

    @property
    def baseline(self) -> int:
        """Return the y of the line the bars stand on."""
        return self.height - BOTTOM

    @property
    def is_empty(self) -> bool:
        """Return True when no bar has any height, so there is nothing to draw."""
        return not any(bar.height for bar in self.bars)


def bar_chart(
    title: str, points: Sequence, fmt: Callable[[int], str] = str, *, limit: int = 12
) -> Chart:
    """Lay out one bar per point (label, value), scaled to the largest value."""
    points = list(points)[:limit]
    if not points:
        return Chart(title, [])
    slot = WIDTH / len(points)
    top = max((p.value for p in points), default=0) or 1
    room = HEIGHT - TOP - BOTTOM
    bars = []
    for i, point in enumerate(points):
        height = round(room * max(point.value, 0) / top, 1)
        bars.append(
            Bar(
                x=round(i * slot + slot * 0.15, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(slot * 0.7, 1),
                height=height,
                label=point.label,
                value_text=fmt(point.value),
            )
        )
    widest = max(len(bar.value_text) for bar in bars) * CHAR
    return Chart(title, bars, show_values=widest <= slot)
