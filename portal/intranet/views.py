from __future__ import annotations

from flask import make_response, render_template, request
from werkzeug.wrappers import Response

from catalog import directory, feeds
from catalog.models import utcnow

from ..extensions import db
from ..page_cache import cached_page
from . import bp

ATOM = "application/atom+xml; charset=utf-8"
# Feed readers poll; a few minutes of staleness spares the portal, ETags spare the transfer.
FEED_MAX_AGE = 300


@bp.route("/feeds/catalog.atom")
def catalog_feed() -> Response:
    """New, changed and retired offerings of the whole catalog."""
    return _feed(feeds.catalog_changes(db.session), department=None)


@bp.route("/departments/<dept>/feed.atom")
def department_feed(dept: str) -> Response:
    """The same for one department (an old address of the department answers too)."""
    department = directory.find_department(db.session, dept).item
    return _feed(feeds.catalog_changes(db.session, department), department=department)


def _feed(entries: list[feeds.FeedEntry], department: object) -> Response:
    body = render_template("intranet/feed.atom.xml", entries=entries, department=department,
                           updated=feeds.feed_updated(entries, fallback=utcnow()))
    response = make_response(body)
    response.content_type = ATOM
    response.cache_control.public = True
    response.cache_control.max_age = FEED_MAX_AGE
    response.vary.add("Accept-Language")
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/embed/o/<int:offering_id>")
@cached_page()
def embed_offering(offering_id: int) -> str:
    """An offering as a compact card for an intranet page's iframe."""
    offering = directory.embeddable_offering(db.session, offering_id)
    return render_template("intranet/embed_offering.html", offering=offering,
                           department=offering.department)


@bp.route("/embed/departments/<dept>")
@cached_page()
def embed_department(dept: str) -> str:
    """A department's card: what it does, its commitment and its services, for an iframe."""
    department = directory.find_department(db.session, dept).item
    return render_template("intranet/embed_department.html", department=department,
                           offerings=directory.listed_offerings(db.session, department,
                                                                per_page=EMBED_OFFERINGS))


# A card lists this many services and links to the department page for the rest.
EMBED_OFFERINGS = 8
