"""The uploads folder of this installation: `<instance>/uploads`, with the configured limit."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from catalog.uploads import FileStore


def file_store() -> FileStore:
    """Where request files go, and how large each may be (`MAX_UPLOAD_MB`)."""
    return FileStore(Path(current_app.instance_path) / "uploads",
                     int(current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024))
