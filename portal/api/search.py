"""GET /api/v1/search and /api/v1/suggest: any text is a valid query, never an error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app, jsonify, request
from flask_login import current_user

from catalog.search import Hit, search, suggest

from .. import entry_texts
from ..extensions import db
from ..indexing import search_index
from ..rate_limits import search_api
from ..rate_limits import suggest as suggest_limit
from ..search.forms import search_criteria
from ..search.log import log_search
from ..templating import offering_urls
from . import bp

SUGGESTIONS = 8


def hit_json(hit: Hit, audience: str | None, offering_url: Callable[[str, str], str],
             ) -> dict[str, Any]:
    """One result; `audience` is the caller's (None: anonymous), `offering_url` makes the
    offering's address (`templating.offering_urls`)."""
    offering = hit.offering
    return {
        "id": offering.id,
        "department": offering.department.slug,
        "offering": offering.slug,
        "title": offering.title,
        "summary": offering.summary,
        "url": offering_url(offering.department.slug, offering.slug),
        "score": round(hit.score, 4),
        # Findable but not requestable by the caller (null for anonymous callers).
        "open_to_you": offering.is_open_to(audience) if audience is not None else None,
    }


@bp.get("/search")
@search_api
def search_endpoint() -> Response:
    asked = search_criteria(request.args, current_app.config["PER_PAGE"])
    found = search(search_index(), db.session, asked)
    # Open a result with `?from_search=<search_id>` to tell the log which one helped.
    search_id = log_search(asked.text, found.total, "api") if found.query else None
    audience = current_user.audience if current_user.is_authenticated else None
    url = offering_urls(external=True)
    return jsonify({
        "total": found.total,
        "page": found.criteria.page,
        "per_page": found.criteria.per_page,
        "query": found.query,
        "results": [hit_json(hit, audience, url) for hit in found.hits],
        "suggestion": found.suggestion,
        "facets": found.facets,
        "partial": found.partial or found.degraded,
        "search_id": search_id,
    })


@bp.get("/suggest")
@suggest_limit
def suggest_endpoint() -> Response:
    """Titles for search as you type; `format=opensearch` answers in the browsers' format."""
    text = request.args.get("q", "")
    found = suggest(search_index(), db.session, text, limit=SUGGESTIONS,
                    language=entry_texts.page_language())
    address = offering_urls(external=True)
    urls = [address(s.department, s.slug) for s in found]
    if request.args.get("format") == "opensearch":
        response = jsonify([text, [s.title for s in found], [], urls])
        response.mimetype = "application/x-suggestions+json"
    else:
        response = jsonify([{"title": s.title, "url": url}
                            for s, url in zip(found, urls, strict=True)])
    response.cache_control.private = True
    response.cache_control.max_age = 30
    return response
