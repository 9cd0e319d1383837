"""Configuration defaults; `instance/config.py` overrides them, `PORTAL_<NAME>` variables both."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Config, Flask

DEFAULTS: dict[str, Any] = {
    # A URL such as postgresql://user@host:5432/db; None means SQLite in the instance folder.
    "DATABASE_URL": None,
    "REQUIRE_LOGIN_TO_BROWSE": False,
    "CONTENT_LANGUAGE": "en",
    "LANGUAGES": ["en", "de"],
    "DEFAULT_TIMEZONE": "Europe/Berlin",
    "MAX_UPLOAD_MB": 10,
    "PER_PAGE": 20,
    "SEARCH_TIME_LIMIT": 2.0,
    "MAIL_FROM": "service-portal@example.com",
    "SMTP_HOST": "127.0.0.1",
    "SMTP_PORT": 25,
    "SMTP_USER": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": False,
    "BASE_URL": "http://127.0.0.1:5000",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # Signing in (README "Signing in"): e-mail and password, OpenID Connect, a trusted proxy.
    "LOCAL_LOGIN": True,
    "OIDC_ISSUER": None,
    "OIDC_CLIENT_ID": None,
    "OIDC_CLIENT_SECRET": None,
    "OIDC_NAME": "single sign-on",
    "OIDC_SCOPES": "openid email profile",
    "OIDC_GROUPS_CLAIM": "groups",
    "OIDC_GROUP_ROLES": {},
    "OIDC_DEFAULT_AUDIENCE": "employee",
    "OIDC_DEPARTMENT_CLAIM": "department",
    "OIDC_MANAGER_CLAIM": "manager_email",
    "OIDC_TIMEOUT": 10,
    "TRUSTED_HEADER": None,
    "TRUSTED_PROXIES": "",
    "SESSION_HOURS": 12,
    "REMEMBER_DAYS": 14,
    "RATELIMIT_STORAGE_URL": "memory://",
    "LOGIN_LIMIT_PER_ACCOUNT": "20 per minute",
    "LOGIN_LIMIT_PER_ADDRESS": "100 per minute",
}


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Apply defaults, then instance/config.py, then PORTAL_* variables (or the test mapping)."""
    app.config.update(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    if test_config is None:
        app.config.from_prefixed_env("PORTAL")
    else:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(
        app.config.get("DATABASE_URL"), Path(app.instance_path)
    )
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_UPLOAD_MB"] * 1024 * 1024) + 65536
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    _derive_sign_in_settings(app.config)


def _derive_sign_in_settings(config: Config) -> None:
    """Cookie and limiter settings that follow from the portal's own ones."""
    secure = str(config["BASE_URL"]).lower().startswith("https://")
    config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = secure
    config["REMEMBER_COOKIE_DURATION"] = timedelta(days=float(config["REMEMBER_DAYS"]))
    config["RATELIMIT_STORAGE_URI"] = config["RATELIMIT_STORAGE_URL"]
    config["RATELIMIT_HEADERS_ENABLED"] = True


def database_uri(url: str | None, instance_path: Path) -> str:
    """A SQLAlchemy URL: plain postgresql:// URLs get the installed psycopg 3 driver."""
    if not url:
        return f"sqlite:///{instance_path / 'portal.sqlite3'}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret_key(instance_path: Path) -> str:
    """The installation's own random key, written on first start and kept private."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker wrote it first
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
