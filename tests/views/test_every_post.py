"""The general guard of every POST route: no one changes what is not theirs, whatever they post.

The routes come from `app.url_map`, so a route added later is posted to as well. Each is posted
with a valid CSRF token and plausible form data (in two variants, taking either branch of a
route's choice), with town B's and the county's ids in the path and in every field that names a
record, by:

- a staff member and a finance officer of town A: nothing outside town A may change;
- a viewer of the whole county: nothing at all may change;
- town A's caring parent, in their portal: nothing but their own record may change.

After each post every row the actor may not change (every_post_rows.owned_by) is compared with
its hash from before. No answer may be a 500, and a town user's answers never show town B's
child, guardian, account or campaign beneficiary.
"""

from __future__ import annotations

import io
import itertools
import zipfile

import pytest
import sqlalchemy as sa
from werkzeug.routing import Rule

from sponsorship.extensions import db
from sponsorship.models import Region, Sponsor
from sponsorship.models.enums import Role
from tests.conftest import csrf_token
from tests.views.every_post_rows import Area, changed, snapshot
from tests.views.every_post_world import World, build_world

#: Routes anyone may post to with any town's details: their changes are theirs to make.
EXCEPTED = {
    # A public application names any village; it waits for that town's staff to review it.
    "public.signup",
    # A reset link for any login goes to that account's own address, never to the asker.
    "portal.reset_request",
    # The emailed token, not the session, decides whose password changes or address is confirmed.
    "portal.reset_password",
    "email_confirmation.confirm",
}
#: Path arguments that are not record ids, with values that reach the view.
WORDS = {
    "job_id": ["housekeeping"],
    "kind": ["approval"],
    "language": ["zh"],
    "token": ["no-such-token"],
    "fmt": ["json", "xlsx"],
}
DAY = "2026-10-08"
#: Every field some form reads, filled so that the form would pass for a record of one's own.
FORM = {
    "reason": "other",  # a reason in words, and ExitReason.OTHER
    "note": "核实后处理",
    "memo": "专项",
    "amount": "100",
    "one": "100",
    "mode": "one",
    "value": "100",
    "count": "1",
    "description": "书包",
    "title": "补录",
    "expected_count": "1",
    "expected_total": "100",
    "lines": "张三 100",
    "method": "bank",
    "donor_name": "匿名",
    "bank_reference": "R1",
    "remainder_to": "credit",
    "fmt": "csv",
    "ground": "consent_withdrawn",
    "confirm": "y",
    "erase": "y",
    "save": "y",
    "general_fund": "y",
    "receiving_body": "县慈善总会",
    "reference": "R2",
    "paper_reference": "P-1",
    "capacity": "2",
    "pledge": "1200",
    "aid_preference": "primary",
    "distance": "same_county",
    "payment_frequency": "yearly",
    "channel": "post",
    "mobile": "13900001111",
    "address": "新村 3 号",
    "contact_name": "",
    "gender": "female",
    "birth_date": "2016-03-01",
    "school": "新村小学",
    "school_stage": "primary",
    "grade": "4",
    "aid_type": "education",
    "hardships": "left_behind",
    "hardship": "left_behind",
    "family_situation": "父母在外务工",
    "guardian_name": "陈奶奶",
    "guardian_relation": "祖母",
    "guardian_mobile": "13800000000",
    "bank_name": "农商银行",
    "bank_account": "6228480000000000001",
    "consent_given_on": "2026-09-01",
    "consent": "y",
    "id_number": "",
    "current": "not my password",
    "new": "a new password 123",
    "username": "somebody",
    "password": "a new password 123",
    "role": "staff",
    "lang": "en",
    "next": "/",
    "subject": "主题",
    "body": "正文",
    "text": "倡议书",
    "name": "乙镇新名",
    "login": "13900001111",
    **{field: DAY for field in ("received_on", "given_on", "handed_on", "ended_on", "paid_on")},
    **{field: DAY for field in ("signed_on", "starts_on", "cutoff_on")},
}
#: The other branch of each choice a route makes from its form.
VARIANTS = (
    {
        "action": "include",
        "everything": "y",
        "outcome": "signed",
        "kind": "both",
        "adhoc": "y",
        "key": "2027-10-补发",
    },
    {
        "action": "exclude",
        "refuse": "y",
        "reject": "y",
        "outcome": "not_signed",
        "method": "auto",
        "kind": "individual",
        "key": "2027-09",
    },
)
TOWN_USERS = ("town staff", "town finance")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _values(world: World, name: str, rule: Rule) -> list[str]:
    known = world.path_ids.get(f"{rule.endpoint.split('.')[0]}.{name}") or world.path_ids.get(name)
    values = [str(v) for v in known] if known else WORDS.get(name)
    assert values, f"give the world a record for <{name}> of {rule.rule}"
    return values


def _urls(rule: Rule, world: World) -> list[str]:
    names = sorted(rule.arguments)
    fills = itertools.product(*(_values(world, name, rule) for name in names))
    return [
        rule.build(dict(zip(names, fill, strict=True)), append_unknown=False)[1] for fill in fills
    ]


def _rules(app) -> list[Rule]:
    rules = [r for r in app.url_map.iter_rules() if r.methods & WRITES]
    # Logging out ends the session the other posts need: last.
    return sorted(rules, key=lambda r: (r.endpoint == "auth.logout", r.rule))


def _payload(world: World, variant: int) -> dict:
    """The form: town B's village (its town in the second variant) wherever a region is asked,
    town B's caring parent (town A's who sponsors in town B) wherever one is chosen."""
    town, village = world.form_ids["town"][0], world.form_ids["region_id"][0]
    return {
        **FORM,
        **world.form_ids,
        "region": village if variant == 0 else town,
        "sponsor": world.form_ids["sponsor"][variant],
        "args": f"town={town}",
        **VARIANTS[variant],
        "file": (io.BytesIO(world.result_file.encode()), "result.csv"),
    }


def _readable(response) -> str:
    if response.mimetype.startswith("text") or response.mimetype.endswith("json"):
        return response.get_data(as_text=True)
    if response.mimetype.endswith("spreadsheetml.sheet"):
        with zipfile.ZipFile(io.BytesIO(response.data)) as book:
            return " ".join(book.read(name).decode() for name in book.namelist())
    return ""


def _log_in(auth, who: str, world: World) -> Area:
    if who == "caring parent":
        assert auth.login(world.parent_login).status_code == 302
        parent = db.session.get(Sponsor, world.parent_id)
        return Area(user_id=parent.user_id, sponsor_id=parent.id)
    role = {"viewer": Role.VIEWER, "town staff": Role.STAFF, "town finance": Role.FINANCE}[who]
    if who == "viewer":
        return Area(user_id=auth.as_role(role).id)
    user = auth.as_role(role, scope=world.town_a)
    subtree = sa.select(Region.id).where(Region.path.startswith(world.town_a.path, autoescape=True))
    return Area(user_id=user.id, region_ids=subtree)


def _post(client, rule: Rule, url: str, data: dict) -> tuple[object, str | None]:
    """Post, returning the answer or what went wrong (a 500 or a refused CSRF token)."""
    method = "POST" if "POST" in rule.methods else sorted(rule.methods & WRITES)[0]
    try:
        response = client.open(url, method=method, data=data)
    except Exception as error:  # the test app propagates what production shows as a 500
        return None, f"500 {type(error).__name__}: {error!s:.120}"
    if response.status_code >= 500:
        return response, str(response.status_code)
    # Only a refused token answers 400 here: the post never reached the view (logging out ends
    # the session, and with it the token, before its second variant).
    if response.status_code == 400 and rule.endpoint != "auth.logout":
        return response, "400: the CSRF token was refused, the view was never reached"
    return response, None


@pytest.mark.parametrize("who", ["town staff", "town finance", "viewer", "caring parent"])
def test_no_post_changes_what_is_not_the_posters_own(app, client, auth, who):
    world = build_world()
    db.session.commit()
    area = _log_in(auth, who, world)
    token = csrf_token(client, "/password")
    current = snapshot(area)
    failures = []
    for rule in _rules(app):
        for url in _urls(rule, world):
            for variant in range(len(VARIANTS)):
                response, problem = _post(
                    client, rule, url, {"csrf_token": token, **_payload(world, variant)}
                )
                after = snapshot(area)
                rows, current = changed(current, after), after
                if problem:
                    failures.append(f"{problem} {rule.endpoint} {url}")
                if rows and rule.endpoint not in EXCEPTED:
                    failures.append(f"changed {rows[:6]} by {rule.endpoint} {url} {variant}")
                if response is not None and who in TOWN_USERS:
                    leaked = [s for s in world.secrets if s in _readable(response)]
                    if leaked:
                        failures.append(f"leak {leaked} {rule.endpoint} {url}")
                if response is not None and response.status_code == 403:
                    break  # refused for the role, before any form is read: so is the other variant
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:60])
