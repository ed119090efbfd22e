"""A letter's text, rendered when it is delivered, printed or shown, never while money moves.

A queued letter stores the template version it was queued under and its plain data (the
context). Template versions are never edited, only superseded, and the context is frozen at
queue time (today's date and the federation's name included), so the same letter renders the
same text whenever it is rendered. A version that breaks on the letter's data falls back to the
built-in text, as queuing always did, so every rendering of it falls back the same way; the
broken version is flagged for the admin, as queuing flags it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from sponsorship.extensions import db
from sponsorship.letters.rendering import LetterTemplateError, compile_text, default_text
from sponsorship.models import Letter, LetterTemplate
from sponsorship.models.enums import LetterKind
from sponsorship.services.letters.templates import flag_failure

log = logging.getLogger(__name__)

#: JSON has no dates: a date or datetime is stored as {TAG: "<type>", "iso": "..."}.
TAG = "__type__"


#: Values JSON keeps as they are (checked by exact type: a bool is an int, a date is not).
_AS_IS = frozenset((str, int, bool, float, type(None)))


def encode(value):
    """Return `value` (plain letter data) as JSON-safe data; dates become tagged dicts."""
    if type(value) in _AS_IS:
        return value
    if isinstance(value, datetime):
        return {TAG: "datetime", "iso": value.isoformat()}
    if isinstance(value, date):
        return {TAG: "date", "iso": value.isoformat()}
    if isinstance(value, dict):
        # Called for every queued letter: most values are plain, so skip the call for them.
        return {str(k): v if type(v) in _AS_IS else encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def decode(value):
    """Undo `encode`."""
    if isinstance(value, dict):
        kind = value.get(TAG)
        if kind == "datetime":
            return datetime.fromisoformat(value["iso"])
        if kind == "date":
            return date.fromisoformat(value["iso"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


Renderer = Callable[[dict], tuple[str, str]]


@lru_cache(maxsize=128)
def compile_cached(subject: str, body: str, language: str) -> Renderer:
    """Compile a text once per process: keyed by the text itself, so an edit is a new key.

    The delivery job renders one letter per claim; compiling its template each time would
    cost more than the rendering.
    """
    return compile_text(subject, body, language)


class Renderers:
    """Compiled texts by (kind, language, version), each compiled once, with the built-in fallback.

    One instance serves one request or one delivery round: the versions it reads are immutable.
    """

    def __init__(self) -> None:
        self._compiled: dict[tuple[LetterKind, str, int], Renderer | None] = {}
        #: Saved versions that broke since they were last reported (see `fill`), with the error.
        self.broken: dict[tuple[LetterKind, str, int], LetterTemplateError] = {}

    def load(self, keys: Iterable[tuple[LetterKind, str, int]]) -> None:
        """Compile the texts of `keys` not compiled yet, reading the saved ones in one query."""
        wanted = {key for key in keys if key not in self._compiled}
        saved = [key for key in wanted if key[2] > 0]
        rows = {}
        if saved:
            rows = {
                (row.kind, row.language, row.version): row
                for row in db.session.scalars(
                    sa.select(LetterTemplate).where(
                        sa.tuple_(
                            LetterTemplate.kind, LetterTemplate.language, LetterTemplate.version
                        ).in_(saved)
                    )
                )
            }
        for kind, language, version in wanted:
            row = rows.get((kind, language, version))
            try:
                if version == 0:
                    compiled = compile_cached(*default_text(kind, language), language)
                elif row is None:
                    compiled = None  # a version that is gone: the built-in text stands in
                else:
                    compiled = compile_cached(row.subject, row.body, language)
            except LetterTemplateError as error:
                compiled = None
                self.broken[(kind, language, version)] = error
            self._compiled[(kind, language, version)] = compiled

    def render(self, kind: LetterKind, language: str, version: int, data: dict) -> tuple[str, str]:
        """Render one letter's (subject, body); the built-in text when its version breaks."""
        self.load([(kind, language, version), (kind, language, 0)])
        compiled = self._compiled[(kind, language, version)]
        if compiled is not None:
            try:
                return compiled(data)
            except LetterTemplateError as error:
                log.exception("letter template %s/%s v%s failed", kind, language, version)
                self.broken[(kind, language, version)] = error
        return self._compiled[(kind, language, 0)](data)


def fill(letters: Iterable[Letter], renderers: Renderers | None = None) -> None:
    """Render the text of each letter still waiting for it, in memory (nothing is written).

    Call before showing, printing or sending letters: their `subject` and `body` then read as
    if stored, and the session sees no change to flush.
    """
    # A letter stored with its text (queued one at a time, or before contexts) shows that text.
    waiting = [letter for letter in letters if letter.context is not None and not letter.body]
    if not waiting:
        return
    renderers = renderers or Renderers()
    renderers.load(
        (letter.kind, letter.language, version)
        for letter in waiting
        for version in (letter.template_version, 0)
    )
    for letter in waiting:
        subject, body = renderers.render(
            letter.kind, letter.language, letter.template_version, decode(letter.context)
        )
        set_committed_value(letter, "subject", subject)
        set_committed_value(letter, "body", body)
    # Flag a saved version that broke, as queuing does, so the admin sees it on the templates
    # list: the delivery and printing that met it commit the flag with their own work.
    while renderers.broken:
        (kind, language, version), error = renderers.broken.popitem()
        flag_failure(kind, language, version, error)
