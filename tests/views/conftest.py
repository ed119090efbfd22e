"""Fixtures shared by the view tests of what a town's user may reach."""

import pytest

from tests.factories import county, make_region


@pytest.fixture
def towns():
    """Two towns of the county: the user's own (平山街道) and another (白花镇)."""
    return make_region("平山街道", parent=county()), make_region("白花镇", parent=county())
