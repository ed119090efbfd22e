"""One request, one unit of work: run the service call, commit and flash, or roll back and say why.

A conflict (someone else was quicker) or a record that is gone is raised on to the 409 or 404
page; any other refusal is explained beside the form field it concerns, or flashed, so the view
can show its form again with everything the user typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import flash
from flask_wtf import FlaskForm

from sponsorship.errors import ConflictError, DomainError, NotFoundError, render
from sponsorship.extensions import db
from sponsorship.services.core import audit

T = TypeVar("T")


@dataclass(frozen=True)
class Done(Generic[T]):
    """How a unit of work ended: true with the call's value when kept, false with its error."""

    value: T | None = None
    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Audit:
    """An audit event to keep although the work it records was refused."""

    action: str
    obj: object | None = None


def attempt(
    call: Callable[[], T],
    *,
    success: str | Callable[[T], str] | None = None,
    form: FlaskForm | None = None,
    field: str | None = None,
    refusal: Audit | None = None,
) -> Done[T]:
    """Run `call` and commit, flashing `success`; on a domain error keep nothing and say why."""
    try:
        value = call()
    except DomainError as error:
        _roll_back(error, refusal)
        if isinstance(error, ConflictError | NotFoundError):
            raise
        _explain(error, form, field)
        return Done(error=error)
    message = success(value) if callable(success) else success
    db.session.commit()
    if message:
        flash(message, "success")
    return Done(value=value)


def _roll_back(error: DomainError, refusal: Audit | None) -> None:
    db.session.rollback()
    if refusal is not None:
        # The refusal itself matters (who tried to approve what): keep it on its own.
        audit.record(refusal.action, refusal.obj, detail=render(error, "en"))
        db.session.commit()


def _explain(error: DomainError, form: FlaskForm | None, field: str | None) -> None:
    # A record that breaks several rules at once lists each, to show beside its own field.
    for problem in getattr(error, "problems", None) or [error]:
        target = _field(form, getattr(problem, "field", None))
        if target is None:
            target = _field(form, field)
        if target is None:
            flash(problem.message, "error")
        else:
            target.errors = [*target.errors, problem.message]


def _field(form: FlaskForm | None, name: str | None):
    if form is None or name is None or name not in form:
        return None
    return form[name]
