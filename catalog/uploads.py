"""Files sent with a request: stored under a generated name, never the sender's path."""

from __future__ import annotations

import base64
import binascii
import mimetypes
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

CHUNK = 64 * 1024
MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,40}/[a-z0-9][a-z0-9!#$&^_.+-]{0,50}\Z")
MAX_FILENAME = 200
# Requests' files are personal data: readable by the portal's own user only.
PRIVATE_DIRECTORY, PRIVATE_FILE = 0o700, 0o600


@dataclass
class Upload:
    """A file as it arrived: the sender's name, its bytes, and the type the sender claimed."""

    filename: str
    stream: BinaryIO
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    filename: str
    content_type: str
    size: int


class FileTooLarge(Exception):
    """The file is larger than the store accepts."""


class NotAnUpload(ValueError):
    """A JSON value that does not describe a file."""


def display_filename(name: str | None) -> str:
    """The sender's file name without any folder, control characters or excess length."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        suffix = f".{extension[:20]}" if dot else ""
        name = (stem if dot else name)[: MAX_FILENAME - len(suffix)] + suffix
    return name or "attachment"


def download_type(filename: str) -> str:
    """The content type to send a stored file with, guessed from its name, not trusted input."""
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def upload_from_json(value: Any) -> Upload:
    """An upload from the API's `{"filename": ..., "content": <base64>}`."""
    if not isinstance(value, dict) or not isinstance(value.get("filename"), str) \
            or not isinstance(value.get("content"), str):
        raise NotAnUpload("expected {filename, content (base64)}")
    try:
        data = base64.b64decode(value["content"], validate=True)
    except (binascii.Error, ValueError) as error:
        raise NotAnUpload("content is not valid base64") from error
    content_type = value.get("content_type")
    return Upload(filename=value["filename"], stream=BytesIO(data),
                  content_type=content_type if isinstance(content_type, str) else
                  "application/octet-stream")


@dataclass
class FileStore:
    """The uploads folder; remembers what it wrote so a failed transaction can take it back."""

    directory: Path
    max_bytes: int
    written: list[Path] = field(default_factory=list)

    def path_of(self, stored_name: str) -> Path:
        if not stored_name or os.sep in stored_name or "/" in stored_name \
                or stored_name.startswith("."):
            raise ValueError(f"not a stored file name: {stored_name!r}")
        return self.directory / stored_name

    def save(self, upload: Upload) -> StoredFile:
        """Copy the upload into the folder; FileTooLarge (and nothing kept) beyond the limit."""
        self.directory.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
        stored_name = secrets.token_hex(16)
        target = self.path_of(stored_name)
        partial = target.with_name(f".{stored_name}.part")
        size = 0
        try:
            with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                                   PRIVATE_FILE), "wb") as out:
                while chunk := upload.stream.read(CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FileTooLarge(upload.filename)
                    out.write(chunk)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self.written.append(target)
        claimed = (upload.content_type or "").strip().lower()
        content_type = claimed if MEDIA_TYPE.match(claimed) else "application/octet-stream"
        return StoredFile(stored_name=stored_name, filename=display_filename(upload.filename),
                          content_type=content_type, size=size)

    def discard_written(self) -> None:
        """Delete every file this store wrote (the transaction that referred to them failed)."""
        for path in self.written:
            path.unlink(missing_ok=True)
        self.written.clear()
