"""`flask --app portal check`: refuses an unsafe production configuration, one problem and its
fix per line, with exit code 1; says OK otherwise. Each test installs the portal as an operator
would: a fresh database with every migration (`init-db`)."""

from __future__ import annotations

import pytest

from catalog.people.accounts import deactivate_user, save_user
from portal.extensions import db

STRONG_KEY = "b3f1c0e0a9d84f7e8c2b6a5d4e3f2a1b0c9d8e7f6a5b4c3d"


@pytest.fixture
def install(make_app, tmp_path):
    """An app on its own migrated SQLite database with these settings."""
    def make(**settings):
        app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}", **settings)
        result = app.test_cli_runner().invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        return app
    return make


@pytest.fixture
def safe_settings(smtp_server):
    smtp_server.start()
    return {"BASE_URL": "https://portal.example.com", "SECRET_KEY": STRONG_KEY,
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port}


def _check(app, *args: str):
    return app.test_cli_runner().invoke(args=["check", *args])


def _account(app, email: str, active: bool = True) -> None:
    with app.app_context():
        save_user(db.session, email, name="Someone", password="long-enough-1")
        if not active:
            deactivate_user(db.session, email)
        db.session.commit()


def test_safe_configuration_is_ok(install, safe_settings):
    app = install(**safe_settings)
    _account(app, "real.person@example.com")

    result = _check(app, "--workers", "1")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: safe for production")
    assert "PROBLEM" not in result.output


def test_each_unsafe_setting_is_refused_with_its_fix(install, smtp_server):
    closed_port = smtp_server.port   # reserved, never started: nothing listens
    app = install(BASE_URL="http://portal.example.com", SECRET_KEY="dev",
                  SMTP_HOST="127.0.0.1", SMTP_PORT=closed_port)
    _account(app, "admin@example.com")   # a demo account, its password is in the README

    result = _check(app, "--workers", "3")

    assert result.exit_code == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith("PROBLEM:")]
    fixes = [line for line in result.stderr.splitlines() if line.strip().startswith("Fix:")]
    assert len(fixes) == len(problems)
    text = result.stderr
    assert "demo account(s)" in text and "admin@example.com" in text
    assert "users deactivate" in text
    assert "PORTAL_BASE_URL is http://portal.example.com" in text
    assert "PORTAL_BASE_URL=https://" in text
    assert f"127.0.0.1:{closed_port} does not take mail" in text
    assert "PORTAL_SMTP_HOST" in text
    assert "secret key" in text and "secrets.token_hex(32)" in text
    assert "SQLite with 3 gunicorn workers" in text and "PORTAL_DATABASE_URL=postgresql" in text
    assert "counted in each of the 3 workers' memory" in text
    assert "PORTAL_RATELIMIT_STORAGE_URL=redis://" in text
    assert len(problems) == 6
    assert "not safe for production" in text
    assert "OK" not in result.stdout


def test_deactivated_demo_accounts_are_no_problem(install, safe_settings):
    app = install(**safe_settings)
    _account(app, "admin@example.com", active=False)

    result = _check(app, "--workers", "1")

    assert result.exit_code == 0, result.output


def test_workers_are_read_from_gunicorns_environment(install, safe_settings, monkeypatch):
    app = install(**safe_settings)
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    assert "SQLite with 4 gunicorn workers" in _check(app).stderr
    monkeypatch.delenv("WEB_CONCURRENCY")
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "--bind 0.0.0.0:8000 --workers 2")
    assert "SQLite with 2 gunicorn workers" in _check(app).stderr
    monkeypatch.delenv("GUNICORN_CMD_ARGS")
    assert _check(app).exit_code == 0


def test_limits_shared_by_several_workers_need_a_shared_store(install, safe_settings):
    app = install(**safe_settings, RATELIMIT_STORAGE_URL="redis://127.0.0.1:6379")
    assert _check(app, "--workers", "4").exit_code == 1  # SQLite, not the limits
    assert "workers' memory" not in _check(app, "--workers", "4").stderr
    app = install(**safe_settings)
    assert "counted in each of the 4 workers' memory" in _check(app, "--workers", "4").stderr
    assert _check(app, "--workers", "1").exit_code == 0


def test_database_without_the_current_schema_is_refused(make_app, safe_settings, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}", **safe_settings)

    result = _check(app)

    assert result.exit_code == 1
    assert "schema is not the current one" in result.stderr
    assert "flask --app portal db upgrade" in result.stderr
    assert "Traceback" not in result.output


def test_unreachable_database_is_refused(make_app, safe_settings):
    app = make_app(DATABASE_URL="postgresql://nobody@127.0.0.1:1/nothing", **safe_settings)

    result = _check(app)

    assert result.exit_code == 1
    assert "the database does not answer" in result.stderr
