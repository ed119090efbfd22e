"""The application factory: create_app() wires extensions, blueprints, CLI, jobs and error pages.

It lives here rather than in the package's __init__ so that importing any part of the package (the
pure matching engine, a model) does not import the whole web application.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, Config, ProductionConfig
from sponsorship import database
from sponsorship.cli import backup as cli_backup
from sponsorship.cli import children as cli_children
from sponsorship.cli import demo as cli_demo
from sponsorship.cli import jobs as cli_jobs
from sponsorship.cli import ledger as cli_ledger
from sponsorship.cli import matching as cli_matching
from sponsorship.cli import payouts as cli_payouts
from sponsorship.cli import regions as cli_regions
from sponsorship.cli import setup as cli_setup
from sponsorship.cli import users as cli_users
from sponsorship.extensions import babel, csrf, db, limiter, login_manager, migrate
from sponsorship.i18n import select_locale, select_timezone
from sponsorship.jobs.registry import registry
from sponsorship.models import User
from sponsorship.request_input import install_request_input
from sponsorship.views import (
    admin,
    appeal,
    audit_log,
    auth,
    campaign_handouts,
    campaign_money,
    campaign_people,
    campaigns,
    child_bulk,
    child_edit,
    child_import,
    children,
    data_requests,
    donations,
    email_confirmation,
    letter_templates,
    letters,
    main,
    matching,
    my_data,
    pairings,
    payout_bank,
    payout_draft,
    payouts,
    pledges,
    portal,
    public,
    regions,
    reports,
    sponsor_entry,
    sponsor_import,
    sponsors,
    statements,
)
from sponsorship.web import register_web
from sponsorship.work import job_catalogue

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Create and configure the application."""
    if config_class is None:
        config_class = CONFIGS[os.environ.get("SPONSORSHIP_ENV", "development")]
    if issubclass(config_class, ProductionConfig):
        config_class.check()
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_class)
    Path(app.instance_path).mkdir(exist_ok=True)
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    install_request_input(app)
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_jobs(app)
    register_web(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extensions to the app; a session's user is found by its session token."""
    database.install_sqlite_pragmas()
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(ROOT / "migrations"),
        render_as_batch=True,
        compare_type=database.compare_column_types,
    )
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def load_user(token: str):
        user = db.session.scalar(sa.select(User).where(User.session_token == token))
        return user if user is not None and user.active else None


def register_blueprints(app: Flask) -> None:
    """Register every blueprint of the back office, the public pages and the portal."""
    blueprints = (
        auth.bp,
        main.bp,
        public.bp,
        regions.bp,
        sponsors.bp,
        sponsor_entry.bp,
        sponsor_import.bp,
        matching.bp,
        pairings.bp,
        portal.bp,
        appeal.bp,
        admin.bp,
        letters.bp,
        letter_templates.bp,
        donations.bp,
        pledges.bp,
        statements.bp,
        payouts.bp,
        payout_draft.bp,
        payout_bank.bp,
        campaign_handouts.bp,
        children.bp,
        child_edit.bp,
        child_import.bp,
        child_bulk.bp,
        audit_log.bp,
        reports.bp,
        my_data.bp,
        data_requests.bp,
        email_confirmation.bp,
        campaigns.bp,
        campaign_money.bp,
        campaign_people.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def register_jobs(app: Flask) -> None:
    """Install the scheduled jobs' catalogue, so views can list and run them without jobs/."""
    job_catalogue.install(app, registry())


def register_cli(app: Flask) -> None:
    """Register the `flask` command groups and the `setup` command."""
    for group in (
        cli_users.cli,
        cli_regions.cli,
        cli_jobs.cli,
        cli_demo.cli,
        cli_ledger.cli,
        cli_matching.cli,
        cli_children.cli,
        cli_payouts.cli,
        cli_backup.cli,
    ):
        app.cli.add_command(group)
    app.cli.add_command(cli_setup.setup_command)
