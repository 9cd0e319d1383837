"""The shared synonym list as stored: the shipped file until someone changes it, then the
database's copy. Every change bumps the catalog revision, so every host's search uses the new
list at once (its cached answers are keyed on the revision, see cache.py)."""

from __future__ import annotations

import threading
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import CatalogError
from ..messages import _
from ..models import SynonymList
from ..revision import bump_catalog_revision
from .synonyms import Thesaurus, format_groups, parse_groups, shipped_text, term_words

MAX_TEXT = 100_000


def synonym_text(session: Session) -> str:
    """The list as admins edit it."""
    stored = session.scalar(select(SynonymList.text).where(SynonymList.id == 1))
    return shipped_text() if stored is None else stored


# Per index view that reflects the database's catalog revision: the list as of that revision
# (a change of the list bumps the revision, which gives a new view).
_per_view: WeakKeyDictionary[object, Thesaurus] = WeakKeyDictionary()
_per_view_lock = threading.Lock()


def thesaurus_for(session: Session, view: object | None = None) -> Thesaurus:
    """The list ready for queries, read once per current index view (None: read it now)."""
    if view is None:
        return Thesaurus.from_text(synonym_text(session))
    with _per_view_lock:
        found = _per_view.get(view)
    if found is None:
        found = Thesaurus.from_text(synonym_text(session))
        with _per_view_lock:
            _per_view[view] = found
    return found


def save_synonyms(session: Session, text: str) -> int:
    """Store the list as written (comments and order kept); returns its number of groups."""
    text = text.replace("\r\n", "\n")
    if len(text) > MAX_TEXT:
        raise CatalogError(_("The synonym list is too long (at most %(count)s characters).",
                             count=MAX_TEXT))
    row = session.get(SynonymList, 1)
    if row is None:
        session.add(SynonymList(id=1, text=text))
    else:
        row.text = text
    bump_catalog_revision(session)
    return len(parse_groups(text))


def add_synonym(session: Session, term: str, of: str) -> None:
    """Put `term` in the group of `of` (a new group of the two if `of` is in none)."""
    term, of = " ".join(term.split()), " ".join(of.split())
    if not term_words(term) or not term_words(of) or term_words(term) == term_words(of):
        raise CatalogError(_("Give a word for the synonym that differs from the query."))
    text = synonym_text(session)
    groups = parse_groups(text)
    for group in groups:
        keys = {term_words(t) for t in group}
        if term_words(of) in keys:
            if term_words(term) in keys:
                return
            # The line is rewritten with the new term; other lines stay as written.
            lines = text.splitlines()
            for number, line in enumerate(lines):
                if parse_groups(line) == [group]:
                    lines[number] = format_groups([[*group, term]]).rstrip("\n")
                    break
            save_synonyms(session, "\n".join(lines) + "\n")
            return
    save_synonyms(session, text.rstrip("\n") + "\n" + format_groups([[of, term]]))
