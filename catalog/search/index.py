"""One process's use of the search index: a view kept open, kept current, and repaired.

A `SearchIndex` is created per process (after the fork) for an index directory. Every search
compares the catalog revision in the database with the one the index reflects and catches up
when they differ; a missing or unreadable index is rebuilt into a new directory, and until
that is done the database answers (see fallback.py), so search never stops working.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from ..revision import catalog_revision
from . import store, sync
from .cache import DEFAULT_SIZE
from .memo import Memo
from .schema import SCHEMA_VERSION
from .view import IndexView
from .warming import Warming

log = logging.getLogger(__name__)
PROBE_INTERVAL = 30.0


class IndexUnavailable(Exception):
    """No index can be searched right now (it is being rebuilt)."""


def build_quietly(root: str, url: str, lock_timeout: float) -> None:
    """Build a new generation from the database at `url` (run in a child process)."""
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            sync.build(Path(root), session, lock_timeout=lock_timeout, only_if_needed=True)
    except store.LockBusy:
        log.info("another process is rebuilding the search index")
    finally:
        engine.dispose()


class _OpenView:
    """The view a SearchIndex has open; closed by a finalizer when the SearchIndex goes."""

    def __init__(self) -> None:
        self.view: IndexView | None = None

    def close(self) -> None:
        if self.view is not None:
            view, self.view = self.view, None
            try:
                view.close()
            except Exception:  # closing a broken index must not stop us opening a good one
                log.debug("closing the old searcher failed", exc_info=True)


class SearchIndex:
    """The index in `root` as this process sees it."""

    def __init__(self, root: str | Path, *, time_limit: float = 2.0, lock_timeout: float = 5.0,
                 search_lock_wait: float = 0.1, sync_rebuild_limit: int = 500,
                 answer_cache_size: int = DEFAULT_SIZE, warm_up: bool = False) -> None:
        self.root = Path(root)
        self.time_limit = time_limit
        # How long an edit waits for another writer; a search waits only briefly and
        # otherwise answers from the index as it is.
        self.lock_timeout = lock_timeout
        self.search_lock_wait = search_lock_wait
        # Up to this many offerings a missing index is rebuilt while the request waits.
        self.sync_rebuild_limit = sync_rebuild_limit
        # Answers to searches on this process's index states (see cache.py).
        self.answers = Memo(answer_cache_size)
        # Whether searches have what result pages show read ahead in the background.
        self.warm_up = warm_up
        self.warming = Warming()
        self.pid = os.getpid()
        self.lock = threading.RLock()
        self._open_view = _OpenView()
        # Open files are closed when the SearchIndex is no longer used (e.g. an app in tests).
        weakref.finalize(self, self._open_view.close)
        self._marker: tuple[int, int] | None = None
        self._background: threading.Thread | None = None
        self._last_probe = 0.0

    @property
    def _view(self) -> IndexView | None:
        return self._open_view.view

    @_view.setter
    def _view(self, view: IndexView | None) -> None:
        self._open_view.view = view

    @contextmanager
    def reading(self, session: Session, revision: int | None = None) -> Iterator[IndexView]:
        """The current view, held so that no other thread of ours replaces it meanwhile.

        `revision`: the catalog revision as this request already read it, if it did."""
        self._check_process()
        with self.lock:
            yield self.view(session, revision=revision)

    def kept_rows(self, state: object) -> Memo | None:
        """The result rows kept for this index state (`SearchResults.state`), if it is still
        the open one (see operations.page_offerings)."""
        view = self._view
        return view.memo.rows if view is not None and (view.key, view.state) == state else None

    def _check_process(self) -> None:
        if os.getpid() != self.pid:  # inherited through a fork: open our own files
            self.pid, self._marker = os.getpid(), None
            self._open_view.view = None
            self.lock = threading.RLock()
            self.answers = Memo(self.answers.limit)
            self.warming = Warming()

    def view(self, session: Session, lock_wait: float | None = None,
             revision: int | None = None) -> IndexView:
        """The index as current as the database allows; raises IndexUnavailable.

        Callers hold `self.lock` while they use the view (see `reading`).
        """
        self._check_process()
        if revision is None:
            revision = catalog_revision(session)
        with self.lock:
            try:
                self._open()
                if not self._reflects(revision):
                    self._refresh()
            except store.IndexMissing as error:
                self._recover(session, str(error))
            except Exception as error:  # an unreadable index: whatever Whoosh raised
                self._recover(session, f"unreadable: {error!r}")
            if not self._reflects(revision):
                self._catch_up(session, self.search_lock_wait if lock_wait is None else lock_wait)
            if self._view is None:
                raise IndexUnavailable("the search index is being rebuilt")
            self._view.current = self._reflects(revision)
            return self._view

    def _reflects(self, revision: int) -> bool:
        return self._view is not None and self._view.state == sync.IndexState(
            revision, SCHEMA_VERSION)

    def _open(self) -> None:
        marker = store.marker(self.root)
        if marker is None:
            self._close()
            raise store.IndexMissing("no current search index")
        if self._view is not None and marker == self._marker:
            return
        self._close()

        def open_view() -> IndexView:
            ix = store.open_current(self.root)
            return IndexView(ix, ix.searcher())

        self._view = store.without_leaks(open_view)
        self._marker = marker

    def _refresh(self) -> None:
        view = self._view
        if view is not None and not store.without_leaks(view.searcher.up_to_date):
            # A fresh searcher, not Whoosh's refresh(): that one reuses segment readers
            # together with their outdated lists of deleted documents.
            fresh = store.without_leaks(lambda: IndexView(view.ix, view.ix.searcher()))
            self._open_view.close()
            self._view = fresh

    def _close(self) -> None:
        self._open_view.close()
        self._marker = None

    def _catch_up(self, session: Session, lock_wait: float) -> bool:
        """Write what changed; False if another writer is busy or a rebuild is needed."""
        if self._view is None:
            return False
        ix = self._view.ix
        try:
            store.without_leaks(lambda: sync.catch_up(ix, session, lock_wait))
        except store.LockBusy:
            log.info("search index locked by another writer; it catches up on a later try")
            return False
        except sync.TooManyChanges as why:
            log.info("search index needs a rebuild: %s", why)
            self.rebuild_in_background(session.get_bind())
            return False
        except Exception:  # disk full, a killed writer's leftovers: search what we have
            log.exception("catching up the search index in %s failed", self.root)
            return False
        self._refresh()
        return True

    def _recover(self, session: Session, reason: str) -> IndexView:
        """Rebuild a missing or unreadable index: now if small, else in the background."""
        log.warning("search index in %s needs a rebuild: %s", self.root, reason)
        self._close()
        if sync.published_count(session) > self.sync_rebuild_limit:
            self.rebuild_in_background(session.get_bind())
            raise IndexUnavailable(reason)
        try:
            with Session(session.get_bind()) as own:
                sync.build(self.root, own, lock_timeout=self.lock_timeout, only_if_needed=True)
            self._open()
        except store.LockBusy:
            raise IndexUnavailable("another process is rebuilding the index") from None
        assert self._view is not None
        return self._view

    def repair_after(self, session: Session, error: Exception) -> bool:
        """A search failed: rebuild if the index is damaged; True if a retry is worth it."""
        with self.lock:
            self._close()
            now = time.monotonic()
            if now - self._last_probe < PROBE_INTERVAL:
                return False  # probed a moment ago: this query is the problem, not the index
            self._last_probe = now
            if sync.probe(self.root):
                log.error("search failed on a healthy index", exc_info=error)
                return False
            self._marker = None
        try:
            self.view(session)
        except IndexUnavailable:
            return False
        return True

    def rebuild_in_background(self, engine: Engine) -> None:
        """Start building a new generation (one at a time per process).

        The build runs in a child process: it needs a few hundred MB at 10,000 offerings,
        which a web worker would otherwise keep after it finished.
        """
        with self.lock:
            if self._background is not None and self._background.is_alive():
                return
            url = engine.url.render_as_string(hide_password=False)
            self._background = threading.Thread(
                target=self._build_in_child, args=(url,), name="search-index-rebuild",
                daemon=True)
            self._background.start()

    def _build_in_child(self, url: str) -> None:
        # "spawn": a fresh interpreter, nothing inherited from a threaded parent.
        child = multiprocessing.get_context("spawn").Process(
            target=build_quietly, args=(str(self.root), url, self.lock_timeout),
            name="search-index-rebuild", daemon=True)
        child.start()
        child.join()
        if child.exitcode:
            log.error("rebuilding the search index in %s failed (exit %s)", self.root,
                      child.exitcode)

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background rebuild of this process to finish."""
        thread = self._background
        if thread is not None:
            thread.join(timeout)

    def catch_up(self, session: Session, lock_timeout: float | None = None) -> bool:
        """After a committed catalog change: index it now. False if that has to wait."""
        try:
            return self.view(session, self.lock_timeout if lock_timeout is None else lock_timeout
                             ).current
        except IndexUnavailable:
            return False

    def rebuild(self, session: Session, progress: sync.Progress | None = None,
                wait: float = 600.0) -> int:
        """Build a fresh index from the database and make it current; the offerings indexed.

        Waits up to `wait` seconds for a rebuild another process is running (store.LockBusy).
        """
        with Session(session.get_bind()) as own:
            count = sync.build(self.root, own, progress, lock_timeout=wait)
        with self.lock:
            self._close()
        return count

    def forget_queries(self) -> None:
        """Drop what the open view remembers of earlier queries (see memo.py); for
        measuring what a search costs the first time."""
        with self.lock:
            if self._view is not None:
                self._view.memo.clear()

    def close(self) -> None:
        with self.lock:
            self._close()
