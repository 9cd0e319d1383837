"""The instance's private files are created readable by the portal's user only, whatever the
umask: the folder, the SQLite database, the secret key, uploads and the search index."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest

from catalog.models import Base
from catalog.search import SearchIndex
from catalog.uploads import FileStore, Upload
from portal import create_app
from portal.extensions import db


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual umask of a service account: files 0644, folders 0755 unless asked otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_instance_folder_database_and_secret_key_are_private(tmp_path, monkeypatch, open_umask):
    instance = tmp_path / "var" / "portal"
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(instance))
    app = create_app({"TESTING": True})  # no DATABASE_URL, no SECRET_KEY: SQLite, own key
    with app.app_context():
        Base.metadata.create_all(db.engine)
        db.engine.dispose()
    assert mode(instance) == 0o700
    assert mode(instance / "portal.sqlite3") == 0o600
    assert mode(instance / "secret_key") == 0o600


def test_uploads_and_their_folder_are_private(tmp_path, open_umask):
    store = FileStore(tmp_path / "instance" / "uploads", 1024)
    stored = store.save(Upload("quote.pdf", BytesIO(b"%PDF")))
    assert mode(store.directory) == 0o700
    assert mode(store.path_of(stored.stored_name)) == 0o600


def test_the_search_index_folder_is_private(app, session, tmp_path, open_umask):
    root = tmp_path / "search-index"
    SearchIndex(root).rebuild(session)
    assert mode(root) == 0o700
    assert all(mode(path) == 0o700 for path in root.iterdir() if path.is_dir())
