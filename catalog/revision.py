"""The catalog revision: bumped in the same transaction as every catalog change."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import CatalogState


def bump_catalog_revision(session: Session) -> None:
    """Count one more catalog change; the search index compares this number with its own."""
    result = session.execute(update(CatalogState).values(revision=CatalogState.revision + 1))
    if result.rowcount == 0:
        session.add(CatalogState(id=1, revision=1))
    session.flush()


def catalog_revision(session: Session) -> int:
    return session.scalar(select(CatalogState.revision)) or 0
