"""A plain database search for while the index cannot be used (missing, broken, rebuilding).

Slower and simpler than the index (words in titles, summaries and keywords), but it keeps
search answering; the index is rebuilt in the meantime.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from ..models import AUDIENCES, Department, Offering
from .query import ParsedQuery
from .results import Criteria, Hit, SearchResults

MAX_ROWS = 500


def search_database(session: Session, parsed: ParsedQuery, criteria: Criteria) -> SearchResults:
    """Published offerings whose title, summary or keywords (in either language) contain any
    of the words."""
    results = SearchResults(criteria=criteria, query=parsed.text, degraded=True)
    words = [w.lower() for w in (*parsed.words, *(w for p in parsed.phrases for w in p))]
    if not words:
        return results
    # The other language's texts too (all of them: title, summary, keywords and the rest).
    columns = (Offering.title, Offering.summary, cast(Offering.keywords, String),
               cast(Offering.translations, String))
    conditions = [func.lower(column).contains(word, autoescape=True)
                  for word in words for column in columns]
    query = (select(Offering).join(Offering.department)
             .where(Offering.status == "published", or_(*conditions))
             .order_by(Offering.title, Offering.id).limit(MAX_ROWS))
    if criteria.department:
        query = query.where(Department.slug == criteria.department)
    offerings = [o for o in session.scalars(query)
                 if not criteria.audience or o.is_open_to(criteria.audience)]
    start = (criteria.page - 1) * criteria.per_page
    results.total = len(offerings)
    results.facets["department"] = dict(Counter(o.department.slug for o in offerings))
    results.facets["audience"] = {
        a: n for a in AUDIENCES if (n := sum(o.is_open_to(a) for o in offerings))}
    results.department_names = {o.department.slug: o.department.name for o in offerings}
    results.hits = [Hit(o, 0.0, [(o.title, False)], [(o.summary, False)])
                    for o in offerings[start:start + criteria.per_page]]
    return results
