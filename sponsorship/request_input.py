"""What the app accepts from a request before any view reads it.

Every id and version the app stores fits an INTEGER column: 32 bits on PostgreSQL. A larger
number in a path or a query string is not "not found" to the database: SQLite's driver overflows
and PostgreSQL refuses the parameter, both a 500. So such numbers are turned away where they are
parsed: a path with one does not match (404), and `request.args.get(..., type=int)` gives the
default, as for any other malformed number. Text with a NUL character cannot be stored in
PostgreSQL either; a path or query string carrying one is a bad request (400).
"""

from __future__ import annotations

from flask import Flask, Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

#: The largest id a column holds: ids are INTEGER, 32 bits on PostgreSQL (SQLite takes 64).
DATABASE_INT_MAX = 2**31 - 1
#: Paging arguments and their largest value: nobody reads page 1,000,000, and page × page size
#: must still fit an OFFSET.
PAGING_MAX = {"page": 1_000_000, "per_page": 500}


def _paging(key: str):
    def parse(value: str) -> int:
        number = int(value)
        if not 1 <= number <= PAGING_MAX[key]:
            raise ValueError("no such page")
        return number

    return parse


def database_int(value: str) -> int:
    """Parse an integer that an id column can hold; raise ValueError otherwise."""
    number = int(value)
    if not -DATABASE_INT_MAX <= number <= DATABASE_INT_MAX:
        raise ValueError("beyond an id column")
    return number


def database_ids(values) -> list[int]:
    """Return the values that are ids a column can hold (digits, at most DATABASE_INT_MAX)."""
    return [int(v) for v in values if v.isdigit() and int(v) <= DATABASE_INT_MAX]


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` path arguments: a number no id column holds matches no route (404)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(map, *args, **kwargs)


class BoundedArgs(ImmutableMultiDict):
    """Query and form values whose `get(..., type=int)` refuses numbers no id column holds.

    `page` and `per_page` are read the same way everywhere, Flask-SQLAlchemy's `paginate` (which
    reads them as text) included: a value out of range gives the default (the first page).
    """

    def get(self, key, default=None, type=None):
        """Return the value converted by `type`, or `default`; an int must fit an id column."""
        if key in PAGING_MAX:
            value = super().get(key, default, _paging(key))
            return value if type is int or value is default else str(value)
        if type is int:
            type = database_int
        return super().get(key, default, type)


class InputRequest(Request):
    """The app's request: query and form values are `BoundedArgs`."""

    parameter_storage_class = BoundedArgs


def install_request_input(app: Flask) -> None:
    """Use the bounded request and int converter; must run before any blueprint is registered."""
    app.request_class = InputRequest
    app.url_map.converters["int"] = DatabaseIntConverter

    @app.before_request
    def refuse_nul_characters() -> None:
        if any("\x00" in text for text in _request_texts()):
            abort(400)


def _request_texts() -> list[str]:
    texts = [str(value) for value in (request.view_args or {}).values()]
    # Only the path and the query string: a form re-shows its own errors beside the fields.
    for source in (request.args,):
        for key, value in source.items(multi=True):
            texts += [key, value]
    return texts
