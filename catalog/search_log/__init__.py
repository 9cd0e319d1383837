"""Searches recorded without the person, and what departments learn from them.

    token = record_search(session, "urlaub antrag", "de", results=0, source="page")
    record_opening(session, token, offering_id)        # a result was opened
    write_searches(connection, [search_entry(...), ...])  # many at once (portal/search/log.py)
    department_searches(session, department, now)     # queries plausibly the department's
    purge_search_log(session, days=180, now=now)      # retention
"""

from .closeness import DepartmentWords, close_words
from .recording import (
    normalised_query,
    purge_search_log,
    record_opening,
    record_search,
    search_entry,
    write_searches,
)
from .unfound import SearchGap, add_query_as_keyword, department_searches, keyword_targets

__all__ = [
    "DepartmentWords", "SearchGap", "add_query_as_keyword", "close_words",
    "department_searches", "keyword_targets", "normalised_query", "purge_search_log",
    "record_opening", "record_search", "search_entry", "write_searches",
]
