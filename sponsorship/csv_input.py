"""Read uploaded CSV text one way: any line ends, no BOM, a clear message when unreadable.

Banks and old spreadsheet programs save CSV with bare CR line ends (classic Mac), CRLF or LF;
Python's csv module refuses a bare CR unless the text is read in universal-newline mode, and a
giant field raises csv.Error mid-file. Both were 500s; now the first reads, the second is a
DomainError saying the file cannot be read, before anything is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError


class CsvDictReader:
    """A csv.DictReader over uploaded text whose rows raise DomainError when unreadable."""

    def __init__(self, text: str) -> None:
        # newline=None: CR, LF and CRLF all end a line, as in a file opened in text mode.
        self._reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=None))
        try:
            self.fieldnames = self._reader.fieldnames
        except csv.Error as error:
            raise _unreadable(error) from error

    def __iter__(self) -> Iterator[dict[str, str]]:
        try:
            yield from self._reader
        except csv.Error as error:
            raise _unreadable(error) from error


def _unreadable(error: csv.Error) -> DomainError:
    return DomainError(
        _l(
            "The file cannot be read as CSV (%(problem)s); save it again as CSV and retry.",
            problem=str(error),
        )
    )
