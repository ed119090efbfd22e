"""The general guard: every GET route of the app, as every role, with good and hostile values.

The routes come from `app.url_map`, so a route added later is requested too. Each is asked for
with ids of the user's own town, ids of another town, and hostile values in its path and in the
query arguments the app reads (huge numbers, extreme dates, long and odd strings). No answer
may be a 500, and a town user's answers never show another town's child or guardian.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import pytest
from werkzeug.routing import IntegerConverter, Rule

from sponsorship.extensions import db
from sponsorship.models import CampaignBeneficiary, JobRun, Sponsor
from sponsorship.models.enums import (
    BeneficiaryGroup,
    CampaignKind,
    DonationMethod,
    HandoutMethod,
    JobRunStatus,
    LetterKind,
    RegionLevel,
    Role,
)
from sponsorship.services.campaigns.campaigns import create_campaign
from sponsorship.services.campaigns.fund import record_gift
from sponsorship.services.campaigns.gift_batches import open_gift_batch
from sponsorship.services.money.donation_batches import open_batch
from sponsorship.services.payouts.build import build_batch
from tests import factories

#: Beyond 64 bits: no database column can hold it.
HUGE = str(2**70)
#: Query arguments the views read; every one is filled with each hostile value.
QUERY_ARGS = [
    "page",
    "per_page",
    "q",
    "town",
    "village",
    "status",
    "aid_type",
    "stage",
    "hardship",
    "waited",
    "sort",
    "dir",
    "since",
    "until",
    "start",
    "end",
    "user",
    "child",
    "action",
    "version",
    "next",
    "batch",
    "ids",
    "show",
    "kind",
    "channel",
]
LOW, HIGH = "0001-01-01", "9999-12-31"
ODD = "=1+1'\"<script>%s{{7*7}}１２３" * 200
#: Query strings that fill every argument: huge numbers, numbers whose page offset overflows,
#: extreme dates both ways round, long odd text, a NUL character.
HOSTILE_QUERIES = (
    {arg: HUGE for arg in QUERY_ARGS},
    {arg: str(2**62) for arg in QUERY_ARGS},
    {
        **{arg: "-" + HUGE for arg in QUERY_ARGS},
        "since": LOW,
        "start": LOW,
        "until": HIGH,
        "end": HIGH,
    },
    {
        **{arg: "0000-00-00" for arg in QUERY_ARGS},
        "since": HIGH,
        "start": HIGH,
        "until": LOW,
        "end": LOW,
    },
    {arg: ODD for arg in QUERY_ARGS},
    {arg: "\x00" for arg in QUERY_ARGS},
)
HOSTILE_PATH_STRINGS = ("x" * 2000, "\x00", "../../etc/passwd", "'\"<>{{7*7}}", "１")


@dataclass
class World:
    """Two towns, each with a paired child, a guardian, money, a batch and letters."""

    ids: dict[str, tuple[int, int]]  # converter argument → (id in my town, id in the other town)
    mine: object
    theirs_secrets: tuple[str, ...]


def _town_records(town, staff):
    village = factories.make_region(level=RegionLevel.VILLAGE, parent=town)
    child = factories.make_child(region=village, registered_by=staff)
    sponsor = factories.make_portal_sponsor(region=town)
    pairing = factories.make_pairing(sponsor=sponsor, child=child)
    pledge = factories.make_pledge(pairing)
    donation = factories.make_donation(sponsor, pledge.amount_fen, received_on=date(2026, 8, 20))
    campaign = create_campaign(
        name=f"{town.name}慰问",
        kind=CampaignKind.BOTH,
        starts_on=date(2026, 1, 1),
        region=town,
        by=staff,
    )
    person = CampaignBeneficiary(
        campaign_id=campaign.id,
        name=f"{town.name}对象",
        id_number=factories.id_number(date(1966, 6, 6)),
        group=BeneficiaryGroup.PATIENT,
        health_condition="两癌",
        region_id=town.id,
    )
    db.session.add(person)
    gift = record_gift(
        campaign,
        amount_fen=10_000,
        received_on=date(2026, 8, 20),
        method=DonationMethod.BANK,
        donor_name=f"{town.name}捐款人",
        by=staff,
    )
    gift_batch = open_gift_batch(campaign, "十元捐", 1, 1_000, by=staff)
    db.session.flush()
    return child, sponsor, pairing, pledge, donation, campaign, person, gift, gift_batch


def _handout_records(campaign, child):
    """The campaign hands out to the town's child (by bank) and to an adult (in cash)."""
    from tests.services.campaigns.handout_data import (
        fund_campaign,
        make_adult,
        make_child_beneficiary,
    )

    make_child_beneficiary(
        campaign,
        child=child,
        amount_fen=20000,
        bank_name="农行",
        bank_account=child.guardian.bank_account or "6228480000000000001",
        method=HandoutMethod.BANK,
    )
    make_adult(
        campaign, name=f"{campaign.region.name}秘受助", amount_fen=30000, region=child.region
    )
    fund_campaign(campaign, 50000)


def _build_world() -> World:
    from sponsorship.services.letters.queue import queue_letter

    mine_town, theirs_town = factories.make_town(name="甲镇"), factories.make_town(name="乙镇")
    admin = factories.make_user(Role.ADMIN)
    mine = _town_records(mine_town, admin)
    theirs = _town_records(theirs_town, admin)
    theirs[0].name = "乙镇秘童"
    theirs[0].guardian.name = "乙镇秘监护"
    theirs[0].guardian.bank_account = "6228489999888877776"
    payout_batch = build_batch("2026-09", date(2026, 9, 1))
    for records in (mine, theirs):
        _handout_records(records[5], records[0])
    donation_batch = open_batch("十月对账", 1, 100, by=admin)
    letters = [
        queue_letter(LetterKind.APPROVAL, records[1], f"sponsor:{records[1].id}")
        for records in (mine, theirs)
    ]
    for status in (JobRunStatus.SUCCEEDED, JobRunStatus.FAILED):
        db.session.add(
            JobRun(
                job_id="housekeeping",
                period_key=f"2026-11-{status}",
                status=status,
                trigger="retry",
                error="database unavailable",
            )
        )
    db.session.flush()
    ids = {
        "child_id": (mine[0].id, theirs[0].id),
        "sponsor_id": (mine[1].id, theirs[1].id),
        "pairing_id": (mine[2].id, theirs[2].id),
        "pledge_id": (mine[3].id, theirs[3].id),
        "donation_id": (mine[4].id, theirs[4].id),
        "region_id": (mine_town.id, theirs_town.id),
        "user_id": (admin.id, admin.id),
        "letter_id": (letters[0].id, letters[1].id),
        "payouts.batch_id": (payout_batch.id, payout_batch.id),
        "donations.batch_id": (donation_batch.id, donation_batch.id),
        "campaign_id": (mine[5].id, theirs[5].id),
        "beneficiary_id": (mine[6].id, theirs[6].id),
        "campaign_money.donation_id": (mine[7].id, theirs[7].id),
        "campaign_money.batch_id": (mine[8].id, theirs[8].id),
        "kind": ("approval", "approval"),
        "language": ("zh", "en"),
        "token": ("x", "y"),
        "filename": ("css/app.css", "css/app.css"),
    }
    theirs[6].name = "乙镇秘对象"
    secrets = (
        theirs[0].name,
        theirs[0].guardian.name,
        theirs[0].guardian.bank_account,
        theirs[6].name,
        theirs[6].id_number,
        "两癌",
        "乙镇秘受助",
    )
    return World(ids=ids, mine=mine_town, theirs_secrets=secrets)


def _fills(rule: Rule, world: World) -> list[dict[str, str]]:
    """Each way of filling the rule's path arguments: my ids, the other town's, hostile values."""
    if not rule.arguments:
        return [{}]
    choices = []
    for name in sorted(rule.arguments):
        converter = rule._converters[name]
        known = world.ids.get(f"{rule.endpoint.split('.')[0]}.{name}") or world.ids.get(name)
        values = [str(v) for v in known] if known else ["1"]
        if isinstance(converter, IntegerConverter):
            values += [HUGE, str(2**31), "0"]  # beyond 64 bits; beyond PostgreSQL's INTEGER
        else:
            values += list(HOSTILE_PATH_STRINGS)
        choices.append((name, values))
    names = [name for name, _ in choices]
    # Every value of each argument once, the others at their first (valid) value.
    fills = []
    for index, (_, values) in enumerate(choices):
        for value in values:
            fill = {n: choices[i][1][0] for i, n in enumerate(names)}
            fill[names[index]] = value
            fills.append(fill)
    return fills


def _url(rule: Rule, fill: dict[str, str]) -> str:
    _domain, path = rule.build(fill, append_unknown=False)
    return path


def _urls(app, world: World, *, hostile_queries: bool) -> list[str]:
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods:
            continue
        for fill in _fills(rule, world):
            base = _url(rule, fill)
            urls.append(base)
            if hostile_queries and (not fill or fill == _fills(rule, world)[0]):
                urls += [base + "?" + urlencode(query) for query in HOSTILE_QUERIES]
    return urls


#: Roles whose pages read the query arguments in every way (the others share the same views).
READS_EVERY_QUERY = {"caring parent", "town staff", "finance", "admin"}
#: Users scoped to one town: another town's child, guardian or account must never reach them.
TOWN_USERS = {"town staff", "town finance"}
ROLES = {
    "anonymous": None,
    "caring parent": Role.SPONSOR,
    "viewer": Role.VIEWER,
    "town staff": Role.STAFF,
    "county staff": Role.STAFF,
    "finance": Role.FINANCE,
    "town finance": Role.FINANCE,
    "admin": Role.ADMIN,
}


def _readable(response) -> str:
    """Return the text a user gets: a page, a CSV, or the XML inside an .xlsx download."""
    if response.mimetype.startswith("text"):
        return response.get_data(as_text=True)
    if response.mimetype.endswith("spreadsheetml.sheet"):
        with zipfile.ZipFile(io.BytesIO(response.data)) as book:
            return " ".join(book.read(name).decode() for name in book.namelist())
    return ""


def _log_in(auth, who: str, world: World):
    role = ROLES[who]
    if role is None:
        return
    if role == Role.SPONSOR:
        sponsor = db.session.get(Sponsor, world.ids["sponsor_id"][0])  # my town child's parent
        assert auth.login(sponsor.mobile).status_code == 302
        return
    scope = world.mine if who in TOWN_USERS else None
    auth.as_role(role, scope=scope)


@pytest.mark.commits
@pytest.mark.parametrize("who", list(ROLES))
def test_no_get_route_answers_500_and_a_town_user_sees_only_their_town(app, client, auth, who):
    world = _build_world()
    db.session.commit()
    _log_in(auth, who, world)
    failures = []
    for url in _urls(app, world, hostile_queries=who in READS_EVERY_QUERY):
        try:
            response = client.get(url)
        except Exception as error:  # the test app propagates what production shows as a 500
            failures.append(f"500 {type(error).__name__}: {error!s:.120} {url[:160]}")
            continue
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {url[:160]}")
        elif who in TOWN_USERS:
            body = _readable(response)
            leaked = [secret for secret in world.theirs_secrets if secret in body]
            if leaked:
                failures.append(f"leak {leaked} {url[:160]}")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:60])
