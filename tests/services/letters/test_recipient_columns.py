"""The recipient rules in SQL (`recipient_columns`) give what the Python rules (`recipients`)
give, on generated addresses, names and place names, on SQLite and on PostgreSQL."""

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sponsorship.extensions import db
from sponsorship.models.enums import Channel, LetterKind
from sponsorship.services.letters import recipient_columns as cols
from sponsorship.services.letters import recipients

#: Place names and pieces of addresses, with every whitespace str.strip() removes at either end.
PIECES = ["稔山镇", "新村村", "新村", "镇", "3号", "A", " ", "\u3000", "\t", "\n", "\xa0", "收"]
texts = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
names = st.sampled_from(["", "稔山镇", "新村村", "新村", "平海镇", "镇"])
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _sql(expression):
    return db.session.scalar(sa.select(expression))


def _text(value):
    return sa.literal(value, sa.String) if value is not None else sa.null()


@SETTINGS
@given(address=st.one_of(st.none(), texts), places=st.lists(names, max_size=3))
def test_street_matches_python(address, places):
    got = _sql(cols.street(_text(address), [_text(p) for p in places]))
    assert got == recipients._street(address, places)


@SETTINGS
@given(
    address=texts,
    places=st.lists(names, max_size=2),
    name=st.sampled_from(["陈大文", "A"]),
    attention=st.one_of(st.none(), st.sampled_from(["", "李主任"])),
)
def test_postal_block_matches_python(address, places, name, attention):
    got = _sql(
        cols.postal_block(_text(address), [_text(p) for p in places], _text(name), _text(attention))
    )
    assert got == recipients._postal_block(None, address, name, attention, places)


@SETTINGS
@given(mobile=st.one_of(st.none(), st.sampled_from(["", "13800000000"])), address=texts)
def test_guardian_channel_and_address_match_python(mobile, address):
    places = ["稔山镇", "新村村"]
    channel, to = cols.guardian_columns(
        _text(mobile), _text(address), [_text(p) for p in places], _text("监护人")
    )
    who = recipients.guardian_recipient(
        id=1,
        name="监护人",
        mobile=mobile,
        region_id=None,
        region=None,
        address=address,
        places=places,
    )
    assert (_sql(channel), _sql(to)) == (who.channel.value, who.to_address)


@SETTINGS
@given(
    kind=st.sampled_from(list(LetterKind)),
    channel=st.sampled_from(list(Channel)),
    email=st.one_of(st.none(), st.sampled_from(["", "p@example.org"])),
    contact=st.one_of(st.none(), st.sampled_from(["", "李主任"])),
    address=texts,
)
def test_sponsor_channel_and_address_match_python(kind, channel, email, contact, address):
    places = ["稔山镇", "新村村"]
    sql_channel, sql_to = cols.sponsor_columns(
        kind,
        channel=_text(channel.value),
        email=_text(email),
        mobile=_text("13900000001"),
        address=_text(address),
        places=[_text(p) for p in places],
        name=_text("爱心单位"),
        contact_name=_text(contact),
    )
    who = recipients.sponsor_recipient(
        kind,
        id=1,
        name="爱心单位",
        channel=channel,
        email=email,
        mobile="13900000001",
        region=None,
        address=address,
        contact_name=contact,
        region_id=None,
        places=places,
    )
    assert (_sql(sql_channel), _sql(sql_to)) == (who.channel.value, who.to_address)


@given(name=st.text(alphabet="陈李A童 ", max_size=4))
@SETTINGS
def test_given_name_matches_python(name):
    from sponsorship.models.child import given_name

    assert _sql(cols.given_name(_text(name))) == given_name(name)


def test_region_rows_name_every_village_in_two_queries_however_many_towns():
    """The regions and all their ancestors come in two queries, not one per town walked up."""
    from sqlalchemy import event

    from sponsorship.models.enums import RegionLevel
    from tests.factories import make_region

    villages = [
        make_region(level=RegionLevel.VILLAGE, parent=make_region(name=f"镇{n}")) for n in range(5)
    ]
    ids = [village.id for village in villages]
    db.session.commit()
    db.session.expire_all()  # as after a chunk's commit: nothing of the tree is loaded
    statements = []

    def count(conn, cursor, statement, *args):
        if statement.startswith("SELECT"):  # not the test's own savepoints
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        rows = cols.RegionRows(ids).rows
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 2
    expected = {v.id: (v.id, v.parent.name, v.parent.name, v.name) for v in villages}
    assert {row[0]: row for row in rows} == expected
