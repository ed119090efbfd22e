"""`flask matching run`: for everyone or for one region."""

from sponsorship.models import Pairing
from sponsorship.models.enums import PairingStatus
from tests import factories
from tests.conftest import count


def test_matching_run_proposes_and_reports(runner):
    village = factories.make_village()
    factories.make_sponsor(village)
    factories.make_child(village)
    factories.make_child(village)
    result = runner.invoke(args=["matching", "run"])
    assert result.exit_code == 0, result.output
    assert "新建议 1 条" in result.output and "暂未匹配 1 名" in result.output
    assert count(Pairing, Pairing.status == PairingStatus.PROPOSED) == 1


def test_matching_run_for_one_region_and_an_unknown_one(runner):
    town = factories.make_town()
    village = factories.make_village(town)
    factories.make_sponsor(village)
    child = factories.make_child(village)
    factories.make_child(factories.make_village(factories.make_town()))  # outside the region
    result = runner.invoke(args=["matching", "run", "--region", town.code])
    assert result.exit_code == 0, result.output
    assert count(Pairing, Pairing.child_id == child.id) == 1 and count(Pairing) == 1
    bad = runner.invoke(args=["matching", "run", "--region", "000"])
    assert bad.exit_code != 0 and "没有代码为 000 的地区。" in bad.output
    assert count(Pairing, Pairing.child_id == child.id) == 1  # the proposal stays
