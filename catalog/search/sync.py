"""Keeping an index in step with the database, which is always the source of truth.

The index records the catalog revision it reflects (in a small meta document committed with
the changes). Catching up compares each published offering's stamp with the index's and
rewrites only what differs, so it is correct whatever happened in between.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh.index import FileIndex, LockError
from whoosh.reading import IndexReader
from whoosh.writing import IndexWriter

from ..models import Department, Offering
from ..revision import catalog_revision
from . import store
from .compounds import Vocabulary
from .schema import META_ID, SCHEMA_VERSION, document_for, stamp_for
from .text import current_vocabulary, vocabulary_words

BATCH = 500
# Above this many changed offerings a fresh build is cheaper than updating in place.
MAX_INCREMENTAL = 1000

# Reports (step, done, total): step "indexing" per batch of offerings, then "writing" once.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IndexState:
    revision: int | None
    schema: int | None


def read_state(reader: IndexReader) -> IndexState:
    """The revision and schema version the index says it reflects."""
    for docnum in reader.postings("id", META_ID).all_ids() if ("id", META_ID) in reader else ():
        if not reader.is_deleted(docnum):
            meta = reader.stored_fields(docnum).get("meta") or {}
            return IndexState(meta.get("revision"), meta.get("schema"))
    return IndexState(None, None)


def indexed_stamps(reader: IndexReader) -> dict[str, str]:
    """{offering id: stamp} of every live document."""
    ids = reader.column_reader("id", translate=True)
    stamps = reader.column_reader("stamp", translate=True)
    return {ids[n]: stamps[n] for n in reader.all_doc_ids() if ids[n] != META_ID}


def published_stamps(session: Session) -> dict[str, str]:
    """{offering id: stamp} of every published offering in the database."""
    rows = session.execute(
        select(Offering.id, Offering.version, Department.slug, Department.name)
        .join(Offering.department).where(Offering.status == "published")
    )
    return {str(i): stamp_for(i, v, slug, name) for i, v, slug, name in rows}


def published_count(session: Session) -> int:
    return session.scalar(select(func.count(Offering.id)).where(Offering.status == "published"))


def load_documents(session: Session, ids: Iterable[str]) -> Iterator[dict]:
    """Index documents of these offerings, read in batches (only published ones)."""
    wanted = sorted(int(i) for i in ids)
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start:start + BATCH]
        offerings = session.scalars(select(Offering).where(
            Offering.id.in_(batch), Offering.status == "published"))
        yield from (document_for(o) for o in offerings)


def _write_meta(writer: IndexWriter, revision: int) -> None:
    writer.update_document(id=META_ID, meta={"revision": revision, "schema": SCHEMA_VERSION})


class TooManyChanges(Exception):
    """So much changed that the index should be rebuilt instead."""


def catch_up(ix: FileIndex, session: Session, lock_timeout: float) -> int:
    """Write what changed since the index's revision; returns the number of documents written.

    Raises store.LockBusy if another writer holds the lock past the timeout, and
    TooManyChanges if a rebuild is the better way (or the schema changed).
    """
    try:
        writer = ix.writer(timeout=lock_timeout, delay=0.02)
    except LockError:
        raise store.LockBusy("the search index is locked by another writer") from None
    try:
        reader = writer.searcher().reader()  # closed by the writer when it finishes
        state = read_state(reader)
        # Read under the lock: whatever another writer did before us is already in the index.
        revision = catalog_revision(session)
        if state.schema not in (None, SCHEMA_VERSION):
            raise TooManyChanges("the index was built with another schema")
        if state.revision == revision and state.schema == SCHEMA_VERSION:
            writer.cancel()
            return 0
        wanted = published_stamps(session)
        indexed = indexed_stamps(reader)
        gone = indexed.keys() - wanted.keys()
        changed = [i for i, stamp in wanted.items() if indexed.get(i) != stamp]
        if len(gone) + len(changed) > MAX_INCREMENTAL:
            raise TooManyChanges(f"{len(gone) + len(changed)} offerings changed")
        documents = list(load_documents(session, changed))
        new_words = set().union(*(vocabulary_words(d["exact"]) for d in documents))
        known = Vocabulary(lambda w: ("exact", w) in reader or w in new_words)
        for offering_id in gone:
            writer.delete_by_term("id", offering_id)
        token = current_vocabulary.set(known)
        try:
            for document in documents:
                writer.update_document(**document)
        finally:
            current_vocabulary.reset(token)
        _write_meta(writer, revision)
        writer.commit()
        return len(documents) + len(gone)
    except BaseException:
        writer.cancel()
        raise


def probe(root: Path) -> bool:
    """True if the current generation opens and every document, column and term reads."""
    try:
        return store.without_leaks(lambda: _read_everything(root))
    except Exception:  # any failure to read means damage
        return False


def _read_everything(root: Path) -> bool:
    with store.open_current(root).searcher() as searcher:
        reader = searcher.reader()
        state = read_state(reader)
        indexed_stamps(reader)
        for _ in reader.all_stored_fields():
            pass
        for fieldname in ("id", "exact"):
            for term in reader.lexicon(fieldname):
                reader.doc_frequency(fieldname, term)
        return state.schema == SCHEMA_VERSION


def is_current(root: Path, session: Session) -> bool:
    """True if the current generation is readable and reflects the database's revision."""
    def state() -> IndexState:
        with store.open_current(root).searcher() as searcher:
            return read_state(searcher.reader())

    try:
        found = store.without_leaks(state)
    except Exception:
        return False
    return found == IndexState(catalog_revision(session), SCHEMA_VERSION) and probe(root)


def build(root: Path, session: Session, progress: Progress | None = None,
          lock_timeout: float = 600.0, only_if_needed: bool = False) -> int:
    """Build a complete new generation from the database and make it current.

    Returns the number of offerings indexed (-1 if `only_if_needed` and another process
    built a good one meanwhile). Searches keep using the old generation meanwhile.
    """
    with store.rebuild_lock(root, lock_timeout):
        if only_if_needed and is_current(root, session):
            return -1
        revision = catalog_revision(session)
        ids = [str(i) for i in session.scalars(
            select(Offering.id).where(Offering.status == "published").order_by(Offering.id))]
        total = len(ids)
        documents: list[dict] = []
        words: set[str] = set()
        for document in load_documents(session, ids):
            documents.append(document)
            words |= vocabulary_words(document["exact"])
        path, ix = store.new_generation(root)
        writer = ix.writer(limitmb=256)
        token = current_vocabulary.set(Vocabulary(words))
        try:
            if progress:
                progress("indexing", 0, total)
            for done, document in enumerate(documents, 1):
                writer.add_document(**document)
                if progress and (done % 100 == 0 or done == total):
                    progress("indexing", done, total)
            _write_meta(writer, revision)
            if progress:
                progress("writing", total, total)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        finally:
            current_vocabulary.reset(token)
        store.publish(root, path)
        return len(documents)
