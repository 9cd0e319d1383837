"""The search form: read from the query string, never rejected (any text is a query)."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from catalog.search import Criteria, criteria


def search_criteria(args: MultiDict[str, str], per_page: int) -> Criteria:
    """What to search for; odd values (a page of "abc", an unknown audience) are ignored.

    A plain function rather than a WTForms form: nothing is rejected or shown back with
    errors, and building a form's fields (their labels translated) cost a search page as much
    as its scoring."""
    asked_per_page = args.get("per_page", "")
    return criteria(
        text=args.get("q", ""),
        department=args.get("department") or None,
        audience=args.get("audience") or None,
        page=args.get("page") or 1,
        per_page=asked_per_page if asked_per_page.lstrip("-").isdigit() else per_page,
    )
