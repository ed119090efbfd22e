"""Every page that shows a child's personal data records who saw it: one helper, one action."""

from flask import request
from flask_login import current_user

from sponsorship.models import Child
from sponsorship.services.children import register
from sponsorship.views.unit_of_work import attempt


def audit_child_view(child: Child) -> None:
    """Record (action `child.view`, detail: the page) that the current user saw `child`."""
    attempt(lambda: register.record_view(child, by=current_user, page=request.endpoint or ""))
