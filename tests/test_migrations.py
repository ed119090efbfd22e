"""The migration chain: its files sort in order, and it goes up, down to nothing and up again."""

from __future__ import annotations

import ast
import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from config import TestConfig
from sponsorship import database
from sponsorship.app import create_app
from sponsorship.extensions import db as _db

VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"


def _revisions() -> list[tuple[str, str, str | None]]:
    """Return (file name, revision, down revision) of every migration, in file-name order."""
    found = []
    for path in sorted(VERSIONS.glob("*.py")):
        values = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target = node.targets[0] if isinstance(node, ast.Assign) else None
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                values[target.id] = ast.literal_eval(node.value)
        found.append((path.name, values["revision"], values["down_revision"]))
    return found


def test_sorting_the_file_names_gives_the_chain():
    revisions = _revisions()
    assert revisions, "no migrations found"
    previous = None
    for name, revision, down in revisions:
        assert down == previous, f"{name} follows {down}, but the file before it is {previous}"
        assert f"_{revision}_" in name, f"{name} does not carry its revision {revision}"
        previous = revision


def test_no_migration_keeps_the_generators_please_adjust_marker():
    marked = [p.name for p in VERSIONS.glob("*.py") if "please adjust" in p.read_text("utf-8")]
    assert marked == []


@pytest.fixture
def scratch_url(tmp_path):
    """A database of its own: a file on SQLite, a throw-away database on PostgreSQL."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'chain.db'}"
        return
    name = f"chain_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _drift(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": database.compare_column_types}
        )
        return compare_metadata(context, _db.metadata)


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_to_base_and_upgrade_again_leaves_no_drift(scratch_url):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = scratch_url

    app = create_app(Config)
    with app.app_context():
        try:
            upgrade()
            assert _tables(_db.engine) == set(_db.metadata.tables)
            assert _drift(_db.engine) == []
            downgrade(revision="base")
            assert _tables(_db.engine) == set()
            assert len(_drift(_db.engine)) >= len(
                _db.metadata.tables
            )  # the check sees what is missing
            upgrade()
            assert _drift(_db.engine) == []
            with _db.engine.connect() as conn:
                head = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            assert head == _revisions()[-1][1]
        finally:
            _db.session.remove()
            _db.engine.dispose()
