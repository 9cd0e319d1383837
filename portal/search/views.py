from __future__ import annotations

from flask import Response, current_app, g, render_template, request
from markupsafe import Markup

from catalog import directory
from catalog.search import search

from ..extensions import db
from ..indexing import search_index
from ..page_cache import cached_page, known_catalog_revision, shared_part, viewer_audience
from ..rate_limits import search_page
from . import bp
from .cards import result_cards
from .facets import result_facets
from .forms import search_criteria
from .log import LINK_MARKER, logged_search_page


@bp.route("/search")
@search_page
@logged_search_page
@cached_page(params=("q", "department", "audience", "page", "per_page"))
def results() -> str:
    """Search results with facets and pages, or popular offerings and departments if none."""
    found = search(search_index(), db.session,
                   search_criteria(request.args, current_app.config["PER_PAGE"]),
                   revision=known_catalog_revision())
    # Counts against SEARCH_LIMIT; an answer kept from an earlier search, like a cached page,
    # costs no search.
    g.search_ran = not found.asked_before
    # Only complete answers from an index that reflected the catalog are kept, and only for a
    # query asked before: one-off queries would fill the page cache (and its pruning) with
    # pages nobody asks for again; the second ask of a query is kept for the third.
    g.page_uncacheable = not (found.current and not found.partial and not found.degraded
                              and (found.asked_before or not found.query))
    audience = viewer_audience()
    return render_template(
        "search/results.html", results=found, cards=result_cards(found, audience, LINK_MARKER),
        facets=result_facets(found) if found.hits else None,
        where_to_look=Markup(shared_part("search-where-to-look", lambda: where_to_look(
            audience))) if not found.hits else "")


def where_to_look(audience: str | None) -> str:
    """Popular services and the departments, under a search that found nothing (the same as
    the home page's: what is most requested, then the curated list)."""
    return render_template(
        "search/_where_to_look.html", audience=audience,
        popular=directory.popular_offerings(
            db.session, curated=current_app.config["POPULAR_FALLBACK"].split(",")),
        departments=directory.departments_with_counts(db.session))


@bp.route("/opensearch.xml")
def opensearch() -> Response:
    """Lets browsers add the portal as a search engine, with suggestions."""
    body = render_template("search/opensearch.xml")
    response = Response(body, mimetype="application/opensearchdescription+xml")
    response.cache_control.max_age = 3600
    return response
