"""A Jinja sandbox with limits: how long a letter may get and how much work rendering may do.

Jinja's sandbox keeps templates away from Python's internals, but not from work: an admin's
`{% for i in range(10**9) %}`, `{{ "x" * 10**9 }}` or `{{ name|center(10**9) }}` would keep a
worker busy or fill its memory. Here every for-loop draws its items from one budget per render,
`range` is small, `*` and `**` may not build huge values, padding filters and text methods take
no huge widths, printf-style and `format` (whose widths hide in the text) are not offered, and the
output stops at a size no letter needs. Breaking a limit raises `RenderLimitError`.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Iterable, Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

#: Items all the loops of one render may take together.
MAX_LOOP_ITEMS = 10_000
#: Characters a rendered subject or body may have; no letter is longer than a few pages.
MAX_OUTPUT = 50_000
#: The largest width or count a padding filter or a text method may take.
MAX_ARGUMENT = MAX_OUTPUT
#: The largest number, in bits, that arithmetic may build (a 1,200-digit number).
MAX_BITS = 4096
#: Filters that pad or repeat by a number they are given.
WIDTH_FILTERS = ("center", "indent", "truncate", "wordwrap", "batch", "slice")
#: Formatting whose widths hide inside the text ("%1000000000d", "{:>1000000000}").
REFUSED_FILTERS = ("format",)
REFUSED_METHODS = ("format", "format_map")

#: The loop items left in the render under way.
_budget: contextvars.ContextVar[list[int]] = contextvars.ContextVar("letter_loop_budget")
#: The template global through which every for-loop's items pass.
LOOP_GUARD = "loop_items_within_budget"


class RenderLimitError(Exception):
    """A template asked for more work or output than a letter may take."""


def _loop_items(iterable: Iterable[Any]) -> Iterator[Any]:
    budget = _budget.get(None)
    for item in iterable:
        if budget is not None:
            budget[0] -= 1
            if budget[0] < 0:
                raise RenderLimitError(
                    _l("loops may repeat at most %(n)d times in all", n=MAX_LOOP_ITEMS)
                )
        yield item


def _small_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_LOOP_ITEMS:
        raise RenderLimitError(_l("range() may count at most %(n)d numbers", n=MAX_LOOP_ITEMS))
    return numbers


def _check_numbers(values: Iterable[Any]) -> None:
    for value in values:
        if _is_int(value) and abs(value) > MAX_ARGUMENT:
            raise RenderLimitError(_l("a width or count may be at most %(n)d", n=MAX_ARGUMENT))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _limited_filter(function):
    @functools.wraps(function)
    def limited(*args, **kwargs):
        _check_numbers([*args[1:], *kwargs.values()])
        return function(*args, **kwargs)

    return limited


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with the limits above on loops, sizes and numbers."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = _small_range
        self.globals[LOOP_GUARD] = _loop_items
        for name in WIDTH_FILTERS:
            self.filters[name] = _limited_filter(self.filters[name])
        for name in REFUSED_FILTERS:
            del self.filters[name]

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        """Multiply, raise to a power and take a remainder only within the limits."""
        if operator == "%" and isinstance(left, str):
            raise RenderLimitError(
                _l("printf-style formatting is not available in letters; use ~ to join text")
            )
        powers = operator == "**" and _is_int(left) and _is_int(right)
        if powers and right > 0 and max(left.bit_length(), 1) * right > MAX_BITS:
            raise RenderLimitError(_l("the number is too large"))
        if operator == "*":
            if _is_int(left) and _is_int(right):
                if left.bit_length() + right.bit_length() > MAX_BITS:
                    raise RenderLimitError(_l("the number is too large"))
            elif _is_int(left) or _is_int(right):
                sized, times = (right, left) if _is_int(left) else (left, right)
                if hasattr(sized, "__len__") and len(sized) * max(times, 0) > MAX_OUTPUT:
                    raise RenderLimitError(
                        _l("a repeated text may be at most %(n)d characters", n=MAX_OUTPUT)
                    )
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Call a function or method; text methods take no huge widths, and no `format`."""
        # The sandbox hands out str.format wrapped; the original is kept as __wrapped__.
        method = getattr(__obj, "__wrapped__", __obj)
        if isinstance(getattr(method, "__self__", None), str):
            if getattr(method, "__name__", "") in REFUSED_METHODS:
                raise RenderLimitError(
                    _l("format() is not available in letters; use ~ to join text")
                )
            _check_numbers([*args, *kwargs.values()])
        return super().call(__context, __obj, *args, **kwargs)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Parse, then route every for-loop's items through the loop budget."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.Name(LOOP_GUARD, "load"), [loop.iter], [], None, None)
        return tree


def render_limited(template, context: dict) -> str:
    """Render a template of a LimitedSandbox within the loop budget and the output limit."""
    token = _budget.set([MAX_LOOP_ITEMS])
    try:
        size, parts = 0, []
        for part in template.generate(context):
            size += len(part)
            if size > MAX_OUTPUT:
                raise RenderLimitError(_l("a letter may be at most %(n)d characters", n=MAX_OUTPUT))
            parts.append(part)
        return "".join(parts)
    finally:
        _budget.reset(token)
