"""Who a letter goes to: channel, address and data a template may show, from the recipient."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from flask import current_app
from flask_babel import force_locale

from sponsorship.clock import today
from sponsorship.labels import label
from sponsorship.masking import age_this_year
from sponsorship.models import Child, Guardian, Pairing, Region, Sponsor
from sponsorship.models.child import given_name
from sponsorship.models.enums import Channel, LetterKind, RecipientType, RegionLevel, SchoolStage

#: Letters that carry a link: of no use on paper.
LINK_KINDS = (LetterKind.PASSWORD_RESET, LetterKind.PORTAL_INVITATION)
#: Letters sent by email when there is one, else by SMS, whatever channel was chosen: those with
#: a link, and the notice of a repeated sign-up, which matters now (and which strangers' attempts
#: must not turn into letters for staff to print and post).
ELECTRONIC_KINDS = (*LINK_KINDS, LetterKind.REPEAT_SIGNUP)


@dataclass(frozen=True)
class Recipient:
    """Where and how a letter reaches its recipient."""

    type: RecipientType
    id: int
    name: str
    region_id: int | None
    channel: Channel
    to_address: str


def recipient_of(recipient: Sponsor | Guardian, kind: LetterKind) -> Recipient:
    """Describe a sponsor or guardian as a letter's recipient, by their preferred channel."""
    if isinstance(recipient, Sponsor):
        return _sponsor(recipient, kind)
    if isinstance(recipient, Guardian):
        return _guardian(recipient)
    raise TypeError(f"letters go to sponsors and guardians, not {type(recipient).__name__}")


def _sponsor(sponsor: Sponsor, kind: LetterKind) -> Recipient:
    return sponsor_recipient(
        kind,
        id=sponsor.id,
        name=sponsor.name,
        channel=sponsor.channel,
        email=sponsor.email,
        mobile=sponsor.mobile,
        region=sponsor.region,
        address=sponsor.address,
        contact_name=sponsor.contact_name,
        region_id=sponsor.region_id,
    )


def sponsor_recipient(
    kind: LetterKind,
    *,
    id: int,
    name: str,
    channel: Channel,
    email: str | None,
    mobile: str,
    region: Region | None,
    address: str,
    contact_name: str | None,
    region_id: int | None,
    places: list[str] | None = None,
) -> Recipient:
    """A caring parent as a letter's recipient, from their columns (bulk queuing reads no rows).

    `places` is `place_names(region)` when the caller has it already (bulk queuing, once per
    region rather than once per letter).
    """
    if kind in ELECTRONIC_KINDS:
        channel = Channel.EMAIL if email else Channel.SMS
    elif kind == LetterKind.EMAIL_CONFIRMATION:
        channel = Channel.EMAIL  # the letter proves the address: it goes to no other
    elif channel == Channel.EMAIL and not email:
        channel = Channel.POST
    if channel == Channel.EMAIL:
        to = email or ""
    elif channel == Channel.SMS:
        to = mobile
    else:
        to = _postal_block(region, address, name, contact_name, places)
    return Recipient(RecipientType.SPONSOR, id, name, region_id, channel, to)


def _guardian(guardian: Guardian) -> Recipient:
    child = guardian.children[0] if guardian.children else None
    return guardian_recipient(
        id=guardian.id,
        name=guardian.name,
        mobile=guardian.mobile,
        region_id=child.region_id if child else None,
        region=child.region if child else None,
        address=child.address if child else "",
    )


def guardian_recipient(
    *,
    id: int,
    name: str,
    mobile: str | None,
    region_id: int | None,
    region: Region | None,
    address: str,
    places: list[str] | None = None,
) -> Recipient:
    """A guardian as a letter's recipient: by SMS, else by post to their (first) child's home."""
    if mobile:
        channel, to = Channel.SMS, mobile
    else:
        channel, to = Channel.POST, _postal_block(region, address, name, None, places)
    return Recipient(RecipientType.GUARDIAN, id, name, region_id, channel, to)


def _postal_block(
    region: Region | None,
    address: str,
    name: str,
    attention: str | None,
    places: list[str] | None = None,
) -> str:
    """Return the address block for a window envelope: address line, then the name."""
    lines = [_street(address, place_names(region) if places is None else places)]
    lines.append(f"{name} {attention} 收" if attention else f"{name} 收")
    return "\n".join(line for line in lines if line)


def _street(address: str, names: list[str]) -> str:
    """Put the town and village before the address, unless the address already names them.

    People type addresses in full (广东省惠东县稔山镇新村村3号) or from the village on
    (新村村3号): only the names above the highest one the address already holds are added.
    """
    address = (address or "").strip()
    for index, place in enumerate(names):
        if place and place in address:
            return "".join(names[:index]) + address
    return "".join(names) + address


def place_names(region: Region | None) -> list[str]:
    """Return the town and village names from the top, as `Region.full_name` joins them."""
    names = []
    node = region
    while node is not None and node.level in (RegionLevel.TOWN, RegionLevel.VILLAGE):
        names.append(node.name)
        node = node.parent
    if not names and region is not None:
        names.append(region.name)
    return list(reversed(names))


def plain_context(context: dict, language: str) -> dict:
    """Turn the caller's context into plain data, so a template can reach no model object."""
    context = dict(context)
    pairing = context.get("pairing")
    if isinstance(pairing, Pairing) and "child" not in context:
        context["child"] = pairing.child  # callers may hand over the pairing itself
    with force_locale(language):
        plain = {key: _plain(value, language) for key, value in context.items()}
    child = plain.get("child")
    if isinstance(child, dict) and "child_name" not in plain:
        plain["child_name"] = child.get("given_name", "")
    return plain


def _plain(value, language: str):
    if value is None or isinstance(value, (str, int, float, bool, date, datetime)):
        return value
    if isinstance(value, Enum):
        return label(value)
    if isinstance(value, Child):
        return child_card(value)
    if isinstance(value, (Sponsor, Guardian)):
        return value.name
    if isinstance(value, Pairing):
        return {"id": value.id, "child": child_card(value.child)}
    if isinstance(value, dict):
        return {str(k): _plain(v, language) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v, language) for v in value]
    return str(value)


def child_card(child: Child) -> dict:
    """Return what a sponsor may know of a child: given name, age, stage and town, no more."""
    return card_of(child.name, child.birth_date, child.school_stage, child.region, today())


def card_of(
    name: str, birth_date: date, stage: SchoolStage, region: Region | None, on: date
) -> dict:
    """`child_card` from a child's columns, for queuing many letters without loading children."""
    # The age turned this year, not the exact age: letters dated around a birthday would tell
    # the birth date, and with it most of the resident ID (see sponsorship/masking.py).
    return {"given_name": given_name(name), "age": age_this_year(birth_date, on)} | card_place(
        stage, region
    )


def card_place(stage: SchoolStage, region: Region | None) -> dict:
    """The part of a child's card that children of one stage and village share: stage and town."""
    town = region.town if region else None
    return {"stage": label(stage), "town": (town or region).name if region else ""}


def common_context(name: str, language: str) -> dict:
    """Return what every letter can use: the recipient's name, the federation, today."""
    key = "FEDERATION_NAME_EN" if language == "en" else "FEDERATION_NAME"
    return {"name": name, "federation": current_app.config[key], "today": today()}
