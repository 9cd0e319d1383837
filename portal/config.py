"""Configuration defaults; `instance/config.py` overrides them, `PORTAL_<NAME>` variables both."""

from __future__ import annotations

import contextlib
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Config, Flask

from .base_url import trusted_hosts
from .limiting import storage_uri

DEFAULTS: dict[str, Any] = {
    # Every setting the portal reads, with its default (docs/settings.md lists them all).
    # `instance/config.py` sets them by these names, the environment as PORTAL_<NAME>.

    # Database and instance
    # A URL such as postgresql://user@host:5432/db; None means SQLite in the instance folder.
    "DATABASE_URL": None,
    # Signs sessions; None means a random key kept in <instance>/secret_key.
    "SECRET_KEY": None,
    # Passed to SQLAlchemy's create_engine. None: a database server's pooled connections are
    # tested before use (pool_pre_ping); a SQLite file's need no test (a statement per request).
    # Either way hide_parameters is on unless set: a database error's message (logged) names
    # the statement but not its values, which can be people's (e-mail addresses, names).
    "SQLALCHEMY_ENGINE_OPTIONS": None,

    # Pages
    # The portal's public address: every absolute link and the sign-in redirect URI.
    "BASE_URL": "http://127.0.0.1:5000",
    # Host names answered besides the base URL's (comma-separated); None: localhost, 127.0.0.1.
    "TRUSTED_HOSTS": None,
    # True: even reading the catalog needs a sign-in.
    "REQUIRE_LOGIN_TO_BROWSE": False,
    # Language of catalog entries that do not say theirs.
    "CONTENT_LANGUAGE": "en",
    # Languages of the pages, chosen by the user or the browser.
    "LANGUAGES": ["en", "de"],
    # Time zone for people who have not chosen one.
    "DEFAULT_TIMEZONE": "Europe/Berlin",
    # "Popular services" on the home page: the most requested of the last 90 days; while fewer
    # were requested, these offerings ("dept/slug", comma-separated, in order) fill the list.
    "POPULAR_FALLBACK": "",
    # Results or rows per page in search results, queues and lists.
    "PER_PAGE": 20,
    # Largest file a request form accepts, in megabytes.
    "MAX_UPLOAD_MB": 10,
    # Days after its resolution in which the requester may reopen a request (with a reason).
    "REOPEN_DAYS": 14,
    # Months after which the answers, texts and files of closed requests are removed by the
    # worker (send-mail --loop) or `purge`; None: kept.
    "RETENTION_MONTHS": None,
    # Origins allowed to show the embeddable cards (/embed/...) in a frame (CSP frame-ancestors),
    # commas or spaces between; every other page may be framed only by the portal itself.
    "FRAME_ANCESTORS": "",
    # Origins whose pages may read the read-only JSON API from a browser (CORS), commas between.
    "CORS_ORIGINS": "",
    # Hosts or origins images in owner Markdown may load from, besides the portal itself.
    "MARKDOWN_IMAGE_HOSTS": "",

    # Search
    # Seconds a search may take before it answers with what it found so far.
    "SEARCH_TIME_LIMIT": 2.0,
    # Seconds an edit waits for another writer of the index.
    "SEARCH_LOCK_TIMEOUT": 5.0,
    # Seconds a search waits before answering from the index as it is.
    "SEARCH_LOCK_WAIT": 0.1,
    # Up to this many offerings a missing index is rebuilt while the request waits.
    "SEARCH_SYNC_REBUILD_LIMIT": 500,
    # Answers to searches each process remembers (0: none).
    "SEARCH_ANSWER_CACHE_SIZE": 1000,
    # Whether each process reads what result pages show of every published offering (and
    # renders their result cards) in the background, after it starts and after each catalog
    # change, instead of a few at a time for the searches that first show them.
    "SEARCH_WARM_UP": True,
    # Days the search log (queries without the person) is kept; the worker deletes older
    # entries every hour. 0: kept until deleted by hand.
    "SEARCH_LOG_DAYS": 180,
    # Seconds searches are gathered in each process before they are written to the search log
    # in one statement (0: at the end of each search's request).
    "SEARCH_LOG_WRITE_SECONDS": 10.0,

    # Page cache for anonymous visitors (Flask-Caching, per process)
    # Flask-Caching backend, e.g. SimpleCache or RedisCache.
    "CACHE_TYPE": "SimpleCache",
    # Seconds a cached page lives: how stale request-derived figures may be.
    "CACHE_DEFAULT_TIMEOUT": 60,
    # Pages kept per process before the oldest are dropped.
    "CACHE_THRESHOLD": 5000,

    # Mail
    # Sender address of the portal's notifications.
    "MAIL_FROM": "service-portal@example.com",
    # SMTP server that send-mail delivers to.
    "SMTP_HOST": "127.0.0.1",
    # Its port.
    "SMTP_PORT": 25,
    # SMTP user name; None: no authentication.
    "SMTP_USER": None,
    # SMTP password.
    "SMTP_PASSWORD": None,
    # True: STARTTLS before authenticating.
    "SMTP_STARTTLS": False,
    # Seconds before a failed message is tried again, doubling each time.
    "MAIL_RETRY_SECONDS": 60,
    # The longest wait between two attempts, in seconds.
    "MAIL_RETRY_MAX_SECONDS": 3600,
    # Attempts before a message is given up.
    "MAIL_MAX_ATTEMPTS": 8,
    # Share of a target's business time after which the worker warns whoever works the
    # request (0..1); the owners hear of the breach itself.
    "WARN_AT_SHARE": 0.75,
    # Hour of the day (in each agent's time zone) from which the worker sends the daily
    # digest of what is due today.
    "DIGEST_HOUR": 7,
    # Address replies to notifications go to, e.g. portal@example.com; each mail's Reply-To
    # is portal+<ref>.<token>@example.com (docs/mail-in.md); None: no Reply-To.
    "REPLY_ADDRESS": None,
    # Days a reply address in a notification stays valid.
    "REPLY_TOKEN_DAYS": 90,

    # Webhooks (docs/webhooks.md), delivered by send-mail --loop or deliver-webhooks
    # True: hooks may post over http to localhost and to private addresses (tests, labs only).
    "WEBHOOK_ALLOW_HTTP": False,
    # Seconds to wait for a receiver's answer.
    "WEBHOOK_TIMEOUT_SECONDS": 5,
    # Seconds before a failed delivery is tried again, doubling each time.
    "WEBHOOK_RETRY_SECONDS": 60,
    # The longest wait between two attempts, in seconds.
    "WEBHOOK_RETRY_MAX_SECONDS": 3600,
    # Attempts before a delivery is given up.
    "WEBHOOK_MAX_ATTEMPTS": 10,

    # Signing in (docs/sign-in.md): e-mail and password, OpenID Connect, a trusted proxy.
    # False hides the password form and refuses passwords.
    "LOCAL_LOGIN": True,
    # The OpenID Connect provider's issuer URL; None: single sign-on off.
    "OIDC_ISSUER": None,
    # The portal's client ID at the provider.
    "OIDC_CLIENT_ID": None,
    # The portal's client secret at the provider.
    "OIDC_CLIENT_SECRET": None,
    # The button says "Sign in with <name>".
    "OIDC_NAME": "single sign-on",
    # Scopes asked for at sign-in.
    "OIDC_SCOPES": "openid email profile",
    # Claim holding the user's groups.
    "OIDC_GROUPS_CLAIM": "groups",
    # Group -> grant or list of grants (a dict, or JSON from the environment).
    "OIDC_GROUP_ROLES": {},
    # Audience of a user whom no group gives one.
    "OIDC_DEFAULT_AUDIENCE": "employee",
    # Claim naming the home department.
    "OIDC_DEPARTMENT_CLAIM": "department",
    # Claim with the manager's e-mail address.
    "OIDC_MANAGER_CLAIM": "manager_email",
    # Seconds to wait for the provider.
    "OIDC_TIMEOUT": 10,
    # Header naming the signed-in user's e-mail, set by an authenticating proxy.
    "TRUSTED_HEADER": None,
    # Comma-separated addresses or CIDR ranges allowed to send that header, and whose
    # X-Forwarded-For and X-Forwarded-Proto name the client's address and scheme.
    "TRUSTED_PROXIES": "",
    # How long a sign-in lasts without "keep me signed in", in hours.
    "SESSION_HOURS": 12,
    # How long "keep me signed in" lasts, in days.
    "REMEMBER_DAYS": 14,
    # Where sign-in attempts are counted: memory:// (per process) or redis://host:6379/0.
    "RATELIMIT_STORAGE_URL": "memory://",
    # Failed passwords for one account before further attempts are refused for the window.
    "LOGIN_LIMIT_PER_ACCOUNT": "20 per minute",
    # Failed passwords from one client address, for any accounts.
    "LOGIN_LIMIT_PER_ADDRESS": "100 per minute",
    # Limits per signed-in user, or else per client address, counted in the same storage;
    # over one, a page answers 429 and the API its JSON error, both with Retry-After.
    # Searches (search page and API together; answers from the page cache do not count).
    "SEARCH_LIMIT": "60 per minute",
    # Suggestions while typing in a search box (GET /api/v1/suggest).
    "SUGGEST_LIMIT": "120 per minute",
    # Requests submitted (request form and API together; forms sent back to be corrected do
    # not count).
    "SUBMIT_LIMIT": "10 per minute",
    # Messages added to requests (request page and API together).
    "COMMENT_LIMIT": "30 per minute",
    # Writes to the JSON API of any kind (POST, PUT, PATCH, DELETE).
    "API_WRITE_LIMIT": "120 per minute",

    # Cookies and forms (Flask, Flask-Login, Flask-WTF settings)
    # The session cookie is invisible to scripts.
    "SESSION_COOKIE_HTTPONLY": True,
    # The session cookie is not sent on cross-site subrequests.
    "SESSION_COOKIE_SAMESITE": "Lax",
    # The "keep me signed in" cookie is invisible to scripts.
    "REMEMBER_COOKIE_HTTPONLY": True,
    # The "keep me signed in" cookie is not sent on cross-site subrequests.
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # Seconds a form's CSRF token is valid; None: as long as the session.
    "WTF_CSRF_ENABLED": True,
    "WTF_CSRF_TIME_LIMIT": None,
}

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
# The instance folder, the SQLite file, uploads and the secret key: the portal's user only.
PRIVATE_DIRECTORY, PRIVATE_FILE = 0o700, 0o600


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Apply defaults, then instance/config.py, then PORTAL_* variables (or the test mapping)."""
    app.config.update(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    if test_config is None:
        app.config.from_prefixed_env("PORTAL")
    else:
        app.config.update(test_config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(
        app.config["DATABASE_URL"], Path(app.instance_path)
    )
    if app.config["SQLALCHEMY_ENGINE_OPTIONS"] is None:
        sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {} if sqlite else {"pool_pre_ping": True}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "hide_parameters": True, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_UPLOAD_MB"] * 1024 * 1024) + 65536
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    _derive_sign_in_settings(app.config)
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)


def _derive_sign_in_settings(config: Config) -> None:
    """Cookie and limiter settings that follow from the portal's own ones."""
    secure = str(config["BASE_URL"]).lower().startswith("https://")
    config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = secure
    config["REMEMBER_COOKIE_DURATION"] = timedelta(days=float(config["REMEMBER_DAYS"]))
    config["RATELIMIT_STORAGE_URI"] = storage_uri(str(config["RATELIMIT_STORAGE_URL"]))
    # Retry-After goes on 429 answers only (portal/rate_limits.py), not on every answer.
    config["RATELIMIT_HEADERS_ENABLED"] = False
    # If the shared store (Redis) is down, count in memory meanwhile rather than fail pages.
    config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
    config["RATELIMIT_SWALLOW_ERRORS"] = True


def database_uri(url: str | None, instance_path: Path) -> str:
    """A SQLAlchemy URL: plain postgresql:// URLs get the installed psycopg 3 driver."""
    if not url:
        return f"sqlite:///{instance_path / 'portal.sqlite3'}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def prepare_instance(instance_path: Path, database_uri: str) -> None:
    """Create the instance folder (0700) and a new SQLite database file (0600) as private;
    SQLite gives its journal and WAL files the database file's mode."""
    instance_path.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
    prefix = "sqlite:///"
    if not database_uri.startswith(prefix) or database_uri == prefix + ":memory:":
        return
    path = Path(database_uri[len(prefix):].split("?", 1)[0])
    # There already, or a missing folder that SQLite will report.
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


def _instance_secret_key(instance_path: Path) -> str:
    """The installation's own random key, written on first start and kept private."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:  # another worker wrote it first
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
