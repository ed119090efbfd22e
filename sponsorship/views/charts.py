"""Bar charts drawn on the server as SVG geometry: no script, no style attribute, no internet."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: The drawing's size in SVG user units; the page scales it with CSS.
WIDTH, HEIGHT = 420, 240
#: Font size of the values and labels, and the width of one character at that size (about).
FONT, CHAR = 12, 7.5
#: The smallest font a value is drawn in before it is left to the tooltip.
SMALL_FONT = 10
#: Room left for the value above a bar and the label below it.
TOP, BOTTOM = 22, 40
#: A horizontal chart: one row per label, the label column at the left, room for the value.
ROW, LABEL_WIDTH, VALUE_WIDTH = 22, 110, 50
#: The most rows a horizontal chart draws; beyond it, its title says "top N of M".
MAX_ROWS = 30


def text_width(text: str, font: int = FONT) -> float:
    """Estimate how wide `text` is drawn: CJK characters a full em, others about 0.6 em."""
    return sum(font if ord(ch) > 0x2E80 else font * 0.6 for ch in text)


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
    #: The values' font: smaller than the labels' when that is what lets them stand clear.
    value_font: int = FONT
    #: Bars run left to right, one row per label (for long lists of names such as towns).
    horizontal: bool = False
    #: "Top N of M" when a horizontal chart leaves rows out; empty when it shows them all.
    note: str = ""

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
    for font in (FONT, SMALL_FONT):
        if max(text_width(bar.value_text, font) for bar in bars) <= slot:
            return Chart(title, bars, value_font=font)
    return Chart(title, bars, show_values=False)


def hbar_chart(
    title: str,
    points: Sequence,
    fmt: Callable[[int], str] = str,
    *,
    note: Callable[[int, int], str] | None = None,
) -> Chart:
    """Lay out one row per point, label at the left in full; the chart grows with the rows."""
    points = list(points)
    shown = points[:MAX_ROWS]
    if not shown:
        return Chart(title, [], horizontal=True)
    top = max((p.value for p in shown), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            x=LABEL_WIDTH,
            y=i * ROW + 3,
            width=round(room * max(point.value, 0) / top, 1),
            height=ROW - 6,
            label=point.label,
            value_text=fmt(point.value),
        )
        for i, point in enumerate(shown)
    ]
    left_out = len(points) > len(shown)
    return Chart(
        title,
        bars,
        height=len(bars) * ROW,
        horizontal=True,
        note=note(len(shown), len(points)) if note and left_out else "",
    )
