"""Fixtures: the app on a throw-away database, each test in a rolled-back transaction."""

from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from config import TestConfig
from sponsorship.app import create_app
from sponsorship.database import deferred_begin
from sponsorship.extensions import db as _db
from sponsorship.extensions import limiter
from sponsorship.models.enums import Role
from tests import factories

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "commits: the test commits for real (threads, live server); tables are emptied after",
    )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url):
    """The application, its schema built by the real migrations."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(Config)
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        upgrade()
    return app


@pytest.fixture(autouse=True)
def db(request, app):
    """Run each test in a transaction that is rolled back, unless it is marked `commits`."""
    ctx = app.app_context()
    ctx.push()
    limiter.reset()
    app.config["FROZEN_NOW"] = None
    if request.node.get_closest_marker("commits"):
        try:
            # The test's own thread mostly sets up and watches while servers and workers write:
            # on SQLite its reads must not hold the write lock they wait for.
            with deferred_begin():
                yield _db
        finally:
            _db.session.remove()
            _empty_tables()
            ctx.pop()
        return
    engines = _db._app_engines[app]
    engine = engines[None]
    connection = engine.connect()
    transaction = connection.begin()
    engines[None] = connection  # every session of this test talks through this one connection
    _db.session.configure(join_transaction_mode="create_savepoint")
    try:
        yield _db
    finally:
        _db.session.remove()
        transaction.rollback()
        connection.close()
        engines[None] = engine
        _db.session.configure(join_transaction_mode="conditional_savepoint")
        ctx.pop()


def _empty_tables() -> None:
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())


class RequestClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    Without this, requests would share the test's app context: one `g` (where Flask-Login caches
    the user) and one session for the whole test, hiding bugs a real server would show.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = RequestClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, url: str = "/login") -> str:
    """Return a CSRF token for the client's session, read from a rendered page."""
    page = client.get(url, follow_redirects=True).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_form(client, url: str, data: dict | None = None, *, token_from: str = "/login", **kw):
    """POST a form with a valid CSRF token, as a browser would."""
    payload = {"csrf_token": csrf_token(client, token_from), **(data or {})}
    return client.post(url, data=payload, **kw)


class Auth:
    """Log in and out through the real forms."""

    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = factories.PASSWORD, **kw):
        return post_form(self.client, "/login", {"username": username, "password": password}, **kw)

    def logout(self):
        return post_form(self.client, "/logout", token_from="/")

    def as_role(self, role: Role, **kw):
        user = factories.make_user(role=role, **kw)
        _db.session.commit()
        response = self.login(user.username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def frozen(app):
    """Freeze the clock: frozen(datetime) sets 'now' for the rest of the test."""

    def set_now(moment):
        app.config["FROZEN_NOW"] = moment

    return set_now


@pytest.fixture
def dialect() -> str:
    return _db.engine.dialect.name


def count(model, *where) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
