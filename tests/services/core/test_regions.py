"""The region import: all rows or none, idempotent, with line numbers for every problem."""

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Region
from sponsorship.models.enums import Zone
from sponsorship.services.core.regions import RegionImportError, import_regions
from tests.conftest import count

GOOD = """code,name,level,parent,zone
441300,惠州市,city,,
441323,惠东县,county,441300,
441323001,平山街道,town,441323,riverside
441323001001,园岭社区,village,441323001,riverside
441323002,稔山镇,town,441323,coastal
441323002001,新村村,village,441323002,coastal
"""


def by_code(code: str) -> Region:
    return db.session.scalar(sa.select(Region).where(Region.code == code))


def test_import_builds_the_tree_with_paths():
    result = import_regions(GOOD)
    assert (result.created, result.updated) == (6, 0)
    village = by_code("441323002001")
    assert village.path == "/441300/441323/441323002/441323002001/"
    assert village.town.name == "稔山镇" and village.full_name == "稔山镇新村村"
    assert by_code("441323").contains(village) and not by_code("441323001").contains(village)


def test_reimport_updates_in_place_and_creates_no_duplicates():
    import_regions(GOOD)
    changed = GOOD.replace("稔山镇,town,441323,coastal", "稔山镇(新),town,441323,mountain")
    result = import_regions(changed)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 5)
    assert count(Region) == 6
    assert by_code("441323002").zone == Zone.MOUNTAIN


def test_moving_a_village_moves_its_path():
    import_regions(GOOD)
    import_regions(
        GOOD.replace(
            "441323002001,新村村,village,441323002", "441323002001,新村村,village,441323001"
        )
    )
    assert by_code("441323002001").path.startswith("/441300/441323/441323001/")


def test_malformed_file_reports_lines_and_imports_nothing():
    bad = (
        GOOD
        + "abc,坏代码,town,441323,\n441323003,,town,441323,coastal\n441323004,某镇,hamlet,441323,\n"
    )
    with pytest.raises(RegionImportError) as caught:
        import_regions(bad)
    lines = [line for line, _ in caught.value.problems]
    assert lines == [8, 9, 10]
    assert "第 8 行" in caught.value.message
    assert count(Region) == 0


def test_unknown_parent_is_reported_with_its_line():
    with pytest.raises(RegionImportError) as caught:
        import_regions("code,name,level,parent,zone\n441323009,某镇,town,999,\n")
    assert caught.value.problems[0][0] == 2 and "999" in caught.value.problems[0][1]


def test_missing_columns_are_named():
    with pytest.raises(RegionImportError) as caught:
        import_regions("name,level\n平山街道,town\n")
    assert "code" in caught.value.message


def test_cli_import_reports_bad_line_and_leaves_database_empty(runner, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text(GOOD + "441323005,某镇,town,441323,desert\n", encoding="utf-8")
    result = runner.invoke(args=["regions", "import", str(path)])
    assert result.exit_code != 0
    assert "第 8 行" in result.output and "desert" in result.output
    assert count(Region) == 0


def test_cli_import_of_the_demo_file(runner):
    from sponsorship.demo import REGIONS_CSV

    result = runner.invoke(args=["regions", "import", str(REGIONS_CSV)])
    assert result.exit_code == 0, result.output
    assert count(Region) == 68
    again = runner.invoke(args=["regions", "import", str(REGIONS_CSV)])
    assert "新增 0" in again.output and count(Region) == 68
