"""The application factory: create_app() wires extensions, blueprints, CLI and error pages."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, Config, ProductionConfig

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

    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_jobs(app)
    from sponsorship.web import register_web

    register_web(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extensions to the app; a session's user is found by its session token."""
    from sponsorship import database
    from sponsorship.extensions import babel, csrf, db, limiter, login_manager, migrate
    from sponsorship.i18n import select_locale, select_timezone

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

    from sponsorship import models

    @login_manager.user_loader
    def load_user(token: str):
        import sqlalchemy as sa

        user = db.session.scalar(sa.select(models.User).where(models.User.session_token == token))
        return user if user is not None and user.active else None


def register_blueprints(app: Flask) -> None:
    """Register every blueprint of the back office, the public pages and the portal."""
    from sponsorship.views import (
        admin,
        appeal,
        audit_log,
        auth,
        child_edit,
        child_import,
        children,
        donations,
        letter_templates,
        letters,
        main,
        matching,
        pairings,
        payout_bank,
        payouts,
        pledges,
        portal,
        public,
        regions,
        reports,
        sponsors,
        statements,
    )

    blueprints = (
        auth.bp,
        main.bp,
        public.bp,
        regions.bp,
        sponsors.bp,
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
        payout_bank.bp,
        children.bp,
        child_edit.bp,
        child_import.bp,
        audit_log.bp,
        reports.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def register_jobs(app: Flask) -> None:
    """Install the scheduled jobs' catalogue, so views can list and run them without jobs/."""
    from sponsorship.jobs.registry import registry
    from sponsorship.work.job_catalogue import install

    install(app, registry())


def register_cli(app: Flask) -> None:
    """Register the `flask` command groups and the `setup` command."""
    from sponsorship.cli import (
        children,
        demo,
        jobs,
        ledger,
        matching,
        payouts,
        regions,
        setup,
        users,
    )

    for group in (
        users.cli,
        regions.cli,
        jobs.cli,
        demo.cli,
        ledger.cli,
        matching.cli,
        children.cli,
        payouts.cli,
    ):
        app.cli.add_command(group)
    app.cli.add_command(setup.setup_command)
