"""A public sign-up in the mobile or ID number of someone on record: told to them, not to the page.

The sign-up page is open to anyone. Had it said "an application with this ID number already
exists", anyone could learn whether a person is a caring parent of the programme. So such a
sign-up keeps nothing, gets the same answer as a new one, and each caring parent whose details
were typed gets a letter at their own address on record (at most one a day, however many times
someone tries): if it was them, how to log in; if not, to call the Federation. The attempt is
audited by which detail matched, never by the numbers themselves.
"""

from __future__ import annotations

import sqlalchemy as sa

from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.models import Sponsor, User
from sponsorship.models.enums import LetterKind, Role
from sponsorship.services.core import audit, users
from sponsorship.services.core.links import public_url
from sponsorship.services.letters.queue import queue_letter

#: The details a sign-up may share with someone on record, as the audit names them.
MOBILE, ID_NUMBER = "mobile", "id_number"


def holders(mobile: str, id_number: str | None) -> dict[Sponsor | User, list[str]]:
    """Return who already holds a normalised mobile or ID number, with which of the two.

    A caring parent is found by either number, or through a portal account whose login name is
    the mobile; an account that is no caring parent's (a staff login name) is returned as itself.
    """
    found: dict[Sponsor | User, list[str]] = {}
    by_mobile = db.session.scalar(sa.select(Sponsor).where(Sponsor.mobile == mobile))
    if by_mobile is None:
        account = users.find_by_username(mobile)
        if account is not None:
            by_mobile = _sponsor_of(account) or account
    if by_mobile is not None:
        found[by_mobile] = [MOBILE]
    if id_number:
        by_id = db.session.scalar(sa.select(Sponsor).where(Sponsor.id_number == id_number))
        if by_id is not None:
            found.setdefault(by_id, []).append(ID_NUMBER)
    return found


def _sponsor_of(account: User) -> Sponsor | None:
    if account.role != Role.SPONSOR:
        return None
    return db.session.scalar(sa.select(Sponsor).where(Sponsor.user_id == account.id))


def tell_holders_of(mobile: str, id_number: str | None) -> bool:
    """Write to whoever holds these numbers (once a day), audit it; return whether anyone does."""
    found = holders(mobile, id_number)
    for holder, matched in found.items():
        letter = None
        if isinstance(holder, Sponsor):
            account = holder.user
            letter = queue_letter(
                LetterKind.REPEAT_SIGNUP,
                holder,
                f"repeat-signup-{today():%Y%m%d}",
                has_account=account is not None and account.active,
                login_url=public_url("auth.login"),
            )
        # No caring parent behind a staff login name: nobody to write to, the audit tells staff.
        audit.record(
            "sponsor.signup_repeated",
            holder,
            detail=" ".join(f"matched={field}" for field in matched)
            + f" letter_queued={letter is not None}",
        )
    return bool(found)
