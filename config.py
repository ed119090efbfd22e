"""Configuration classes: every setting comes from an environment variable with a sane default."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

#: The value a developer gets when SECRET_KEY is unset; production refuses to start with it.
DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - a marker, refused in production


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _hosts(value: str | None) -> list[str] | None:
    if value is None or not value.strip():
        return None
    return [host.strip() for host in value.split(",") if host.strip()]


def _host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


class Config:
    """Development defaults: embedded SQLite under instance/, in-memory rate limits."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'sponsorship.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    TIMEZONE = os.environ.get("TIMEZONE", "Asia/Shanghai")
    #: Uploads (Excel sheets, bank files) stay well under this.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 16 * 1024 * 1024))

    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = {"zh": "中文", "en": "English"}

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "sponsorship")
    #: Failed logins: per client address (a whole office may share one), and per login name.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "30 per minute")
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute")
    #: Sign-ups: per client address generously (a recruitment event on one Wi-Fi), and strictly
    #: per mobile number and per ID number typed.
    SIGNUP_ADDRESS_RATE_LIMIT = os.environ.get("SIGNUP_ADDRESS_RATE_LIMIT", "200 per hour")
    SIGNUP_PERSON_RATE_LIMIT = os.environ.get("SIGNUP_PERSON_RATE_LIMIT", "5 per hour")
    #: Other public forms (password reset), per client address.
    PUBLIC_FORM_RATE_LIMIT = os.environ.get("PUBLIC_FORM_RATE_LIMIT", "10 per hour")
    #: Per user, on looking a child up by a whole ID number (each look-up is audited too).
    ID_LOOKUP_RATE_LIMIT = os.environ.get("ID_LOOKUP_RATE_LIMIT", "20 per hour")
    #: Seconds a caring parent's password-reset link stays valid.
    PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE", 3600))
    #: Seconds the link of a portal invitation (a paper applicant's first password) stays valid:
    #: longer than a reset, since an SMS may be read days later.
    PORTAL_INVITATION_MAX_AGE = int(os.environ.get("PORTAL_INVITATION_MAX_AGE", 7 * 24 * 3600))

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = int(os.environ.get("SESSION_LIFETIME_SECONDS", 8 * 3600))
    #: Number of reverse proxies in front of the app whose X-Forwarded-* headers we trust.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", 0))
    #: The address people open the site at; every link in a letter (password reset, portal)
    #: is built from it, never from the request's Host or X-Forwarded-Host.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000").strip()
    #: Host names the app answers to (comma-separated); any other Host gets 400. Unset: any.
    TRUSTED_HOSTS = _hosts(os.environ.get("TRUSTED_HOSTS"))

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "noreply@example.org")
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", 30))
    #: Seconds one delivery run (every minute) may spend talking to servers; the rest waits.
    LETTER_DELIVERY_BUDGET = float(os.environ.get("LETTER_DELIVERY_BUDGET", 45))
    #: A CA bundle for a mail relay with a private certificate authority; the system's otherwise.
    MAIL_CA_FILE = os.environ.get("MAIL_CA_FILE")
    #: The delivery adapter for SMS, "module:Class"; the default only writes to the log.
    SMS_SENDER = os.environ.get("SMS_SENDER", "sponsorship.letters.sms:LoggingSmsSender")
    #: The sender on the letterhead and under every letter.
    FEDERATION_NAME = os.environ.get("FEDERATION_NAME", "县妇女联合会")
    FEDERATION_NAME_EN = os.environ.get("FEDERATION_NAME_EN", "County Women's Federation")
    #: The return address printed above the window of the envelope.
    FEDERATION_ADDRESS = os.environ.get("FEDERATION_ADDRESS", "")

    #: Where `flask backup create` and the nightly job keep their copies (instance/backups/).
    BACKUP_DIR = os.environ.get("BACKUP_DIR")
    #: A second directory, ideally on another disk, that receives a copy of every backup.
    BACKUP_COPY_DIR = os.environ.get("BACKUP_COPY_DIR")

    #: Start the scheduler's catch-up of missed periods when `flask jobs run` starts.
    SCHEDULER_CATCH_UP = _bool("SCHEDULER_CATCH_UP", True)
    #: Who runs paying a batch and importing a statement once the request has queued it:
    #: "thread" (a thread beside the request, at once), "scheduler" (the scheduler's
    #: every-minute job only) or "inline" (inside the request: tests). The scheduler also
    #: resumes work whose runner died, whatever this says.
    BACKGROUND_WORK = os.environ.get("BACKGROUND_WORK", "thread")
    #: A frozen "now" (ISO 8601, aware) for demonstrations and tests; unset in real use.
    FROZEN_NOW = os.environ.get("FROZEN_NOW")


class TestConfig(Config):
    """Tests: a throw-away database chosen by TEST_DATABASE_URL, SQLite otherwise; CSRF stays on."""

    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    SERVER_NAME = None
    SCHEDULER_CATCH_UP = False
    #: Tests that back up without choosing a directory write here, never into instance/.
    BACKUP_DIR = os.environ.get(
        "TEST_BACKUP_DIR", str(Path(tempfile.gettempdir()) / "sponsorship-test-backups")
    )
    # Background money work runs inside the request that asked for it (see work/background.py).
    BACKGROUND_WORK = "inline"
    # Cheap hashing keeps the suite quick; production uses werkzeug's scrypt default.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - a method name, not a secret


class ProductionConfig(Config):
    """Production: PostgreSQL, Redis-backed rate limits, secure cookies."""

    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    PREFERRED_URL_SCHEME = "https"
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "").strip()
    #: Production answers only to the public address's host unless TRUSTED_HOSTS says more.
    TRUSTED_HOSTS = _hosts(os.environ.get("TRUSTED_HOSTS")) or [_host_of(PUBLIC_URL)]

    @classmethod
    def check(cls) -> None:
        """Refuse to start without a real secret key and the public address of the site."""
        key = os.environ.get("SECRET_KEY", "")
        if not key or key == DEVELOPMENT_SECRET_KEY or len(key) < 32:
            raise SystemExit(
                "SECRET_KEY must be set to a random value of at least 32 characters in production "
                "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        url = os.environ.get("PUBLIC_URL", "").strip()
        if urlsplit(url).scheme not in ("http", "https") or not _host_of(url):
            raise SystemExit(
                "PUBLIC_URL must be set to the address people open the site at "
                "(e.g. https://aixin.example.gov.cn): links in letters are built from it."
            )


CONFIGS = {"development": Config, "testing": TestConfig, "production": ProductionConfig}
