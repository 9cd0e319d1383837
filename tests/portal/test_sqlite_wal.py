"""An embedded SQLite database serves several gunicorn workers: a worker reading (a long
export, a page) never makes another's write wait until it fails with `database is locked`."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from catalog.models import Base
from portal import create_app
from portal.extensions import db
from tests import factories


@pytest.fixture
def file_app(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "test"})  # SQLite in the instance folder
    with app.app_context():
        Base.metadata.create_all(db.engine)
        yield app
        db.engine.dispose()


def test_a_write_commits_while_another_worker_is_reading(file_app):
    url = file_app.config["SQLALCHEMY_DATABASE_URI"]
    assert url.startswith("sqlite:///")
    reader = create_engine(url, connect_args={"timeout": 0.5}).connect()
    try:
        reader.exec_driver_sql("BEGIN")
        reader.execute(text("SELECT count(*) FROM department")).scalar_one()  # holds a snapshot
        factories.make_department(db.session)
        db.session.commit()  # without write-ahead logging: `database is locked`
        assert reader.execute(text("SELECT count(*) FROM department")).scalar_one() == 0
        reader.exec_driver_sql("COMMIT")
        assert reader.execute(text("SELECT count(*) FROM department")).scalar_one() == 1
        assert db.session.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    finally:
        reader.close()
