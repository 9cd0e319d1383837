"""Full-text search of the catalog (Whoosh). The only package that imports `whoosh`.

    index = SearchIndex(path)                      # one per process and index directory
    results = search(index, session, criteria(text="laptop kaputt", page=2))
    titles = suggest(index, session, "lapt")
    index.catch_up(session)                        # after committing a catalog change
    index.rebuild(session, progress)               # a fresh index from the database
"""

from .index import IndexUnavailable, SearchIndex
from .operations import search, suggest
from .query import ParsedQuery, parse_query
from .results import Criteria, Hit, SearchResults, Suggestion, criteria
from .store import LockBusy

__all__ = [
    "Criteria", "Hit", "IndexUnavailable", "LockBusy", "ParsedQuery", "SearchIndex",
    "SearchResults", "Suggestion", "criteria", "parse_query", "search", "suggest",
]
