"""The index on disk: generations of Whoosh indexes and a pointer to the current one.

    search-index/CURRENT         name of the current generation (replaced atomically)
    search-index/gen-.../        one complete Whoosh index
    search-index/REBUILD_LOCK    held by the one process building a new generation

A rebuild writes a new generation and then swaps CURRENT, so searches never see a half-built
index; incremental updates write into the current generation under Whoosh's own write lock.
"""

from __future__ import annotations

import gc
import os
import shutil
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex
from whoosh.util.filelock import FileLock

from .schema import build_schema

T = TypeVar("T")
CURRENT = "CURRENT"
REBUILD_LOCK = "REBUILD_LOCK"
PREFIX = "gen-"
# The index is built from the catalog only, but lives with the instance's private files.
PRIVATE_DIRECTORY = 0o700


class IndexMissing(Exception):
    """There is no usable current generation (never built, deleted, or pointer broken)."""


class LockBusy(Exception):
    """Another process holds the lock and did not let go in time."""


class IndexDamaged(Exception):
    """Reading the index failed (a damaged or half-written file)."""


def without_leaks(operation: Callable[[], T]) -> T:
    """Run a Whoosh operation; if it fails, raise IndexDamaged after closing what it left open.

    Whoosh leaves segment files open when it cannot read them; dropping the failed call's
    frames and collecting them closes those files now instead of at some later collection.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return operation()
        except (LockBusy, IndexMissing):
            raise
        except Exception as error:
            damaged = IndexDamaged(f"{type(error).__name__}: {error}")
        gc.collect()
    raise damaged


def marker(root: Path) -> tuple[int, int] | None:
    """Identifies the current pointer file; changes when another process swaps generations."""
    try:
        info = os.stat(root / CURRENT)
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns)


def current_path(root: Path) -> Path:
    try:
        name = (root / CURRENT).read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        raise IndexMissing(f"{root / CURRENT} cannot be read") from None
    path = root / name
    if not name.startswith(PREFIX) or "/" in name or not path.is_dir():
        raise IndexMissing(f"{root / CURRENT} points to {name!r}, which is not there")
    return path


def storage(path: Path, mmap: bool = False) -> FileStorage:
    # Searches read without mmap: a segment file truncated under a running process then
    # raises an error we can handle, instead of a SIGBUS that kills the worker. A new
    # generation is private to its builder until published, so building may map files.
    return FileStorage(str(path), supports_mmap=mmap)


def open_current(root: Path) -> FileIndex:
    """The current generation's index (raises IndexMissing, or Whoosh's errors if corrupt)."""
    return storage(current_path(root)).open_index()


def new_generation(root: Path) -> tuple[Path, FileIndex]:
    """An empty index in a fresh directory, not yet current."""
    root.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
    path = root / f"{PREFIX}{time.time_ns():x}-{uuid.uuid4().hex[:8]}"
    path.mkdir(mode=PRIVATE_DIRECTORY)
    return path, storage(path, mmap=True).create_index(build_schema())


def publish(root: Path, path: Path) -> None:
    """Make the generation current in one atomic step, then remove the older ones."""
    previous = None
    with suppress(IndexMissing):
        previous = current_path(root)
    temporary = root / f"{CURRENT}.{os.getpid()}.{uuid.uuid4().hex[:6]}"
    with open(temporary, "w", encoding="ascii") as handle:
        handle.write(path.name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, root / CURRENT)
    keep = {path.name} | ({previous.name} if previous else set())
    for old in root.iterdir():
        # Processes that still read an old generation keep their open files (POSIX).
        if old.name.startswith(PREFIX) and old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
        elif old.name.startswith(f"{CURRENT}.") and old != temporary:
            old.unlink(missing_ok=True)


@contextmanager
def rebuild_lock(root: Path, timeout: float) -> Iterator[None]:
    """Held while a new generation is built, so only one process builds at a time."""
    root.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
    lock = FileLock(str(root / REBUILD_LOCK))
    deadline = time.monotonic() + timeout
    while not lock.acquire(blocking=False):
        if time.monotonic() >= deadline:
            raise LockBusy("another process is rebuilding the search index")
        time.sleep(0.05)
    try:
        yield
    finally:
        lock.release()
