"""Searching the register by name: a search finds what it says, never a cut-down version of it."""

from sponsorship.extensions import db
from sponsorship.models import Child
from sponsorship.models.enums import Role
from sponsorship.services.children.search import ChildFilters, filtered
from tests.conftest import count
from tests.factories import make_child, make_user

LONGEST_NAME = "欧阳" * 25  # fills the 50 characters a child's name may have


def found(text: str) -> list[int]:
    admin = make_user(Role.ADMIN)
    return list(db.session.scalars(filtered(admin, ChildFilters.from_args({"q": text}))))


def test_a_whole_name_of_the_longest_length_is_found():
    child = make_child(name=LONGEST_NAME)
    assert found(f"  {LONGEST_NAME} ") == [child.id]


def test_a_search_longer_than_any_name_finds_nobody_whose_name_it_begins_with():
    make_child(name=LONGEST_NAME)
    assert found(LONGEST_NAME + "明") == []
    assert count(Child, Child.name == LONGEST_NAME) == 1  # the child is there to be found
