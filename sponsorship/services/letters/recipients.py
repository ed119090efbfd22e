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
from sponsorship.models.enums import Channel, LetterKind, RecipientType, RegionLevel

#: Letters that carry a link: of no use on paper.
LINK_KINDS = (LetterKind.PASSWORD_RESET, LetterKind.PORTAL_INVITATION)


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
    channel = sponsor.channel
    if kind in LINK_KINDS:
        # A link on paper is of no use: by email when there is one, else by SMS.
        channel = Channel.EMAIL if sponsor.email else Channel.SMS
    elif kind == LetterKind.EMAIL_CONFIRMATION:
        channel = Channel.EMAIL  # the letter proves the address: it goes to no other
    elif channel == Channel.EMAIL and not sponsor.email:
        channel = Channel.POST
    name = sponsor.name
    if channel == Channel.EMAIL:
        to = sponsor.email or ""
    elif channel == Channel.SMS:
        to = sponsor.mobile
    else:
        attention = sponsor.contact_name
        to = _postal_block(sponsor.region, sponsor.address, name, attention)
    return Recipient(RecipientType.SPONSOR, sponsor.id, name, sponsor.region_id, channel, to)


def _guardian(guardian: Guardian) -> Recipient:
    child = guardian.children[0] if guardian.children else None
    region_id = child.region_id if child else None
    if guardian.mobile:
        channel, to = Channel.SMS, guardian.mobile
    else:
        channel = Channel.POST
        region = child.region if child else None
        to = _postal_block(region, child.address if child else "", guardian.name, None)
    return Recipient(RecipientType.GUARDIAN, guardian.id, guardian.name, region_id, channel, to)


def _postal_block(region: Region | None, address: str, name: str, attention: str | None) -> str:
    """Return the address block for a window envelope: address line, then the name."""
    lines = [_street(region, address)]
    lines.append(f"{name} {attention} 收" if attention else f"{name} 收")
    return "\n".join(line for line in lines if line)


def _street(region: Region | None, address: str) -> str:
    """Put the town and village before the address, unless the address already names them.

    People type addresses in full (广东省惠东县稔山镇新村村3号) or from the village on
    (新村村3号): only the names above the highest one the address already holds are added.
    """
    address = (address or "").strip()
    names = _place_names(region)
    for index, place in enumerate(names):
        if place and place in address:
            return "".join(names[:index]) + address
    return "".join(names) + address


def _place_names(region: Region | None) -> list[str]:
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
    town = child.region.town if child.region else None
    return {
        "given_name": child.given_name,
        # The age turned this year, not the exact age: letters dated around a birthday would
        # tell the birth date, and with it most of the resident ID (see sponsorship/masking.py).
        "age": age_this_year(child.birth_date, today()),
        "stage": label(child.school_stage),
        "town": (town or child.region).name if child.region else "",
    }


def common_context(name: str, language: str) -> dict:
    """Return what every letter can use: the recipient's name, the federation, today."""
    key = "FEDERATION_NAME_EN" if language == "en" else "FEDERATION_NAME"
    return {"name": name, "federation": current_app.config[key], "today": today()}
