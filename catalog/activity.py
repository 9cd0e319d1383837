"""What a cached catalog page depends on, read in one statement.

Catalog pages show the catalog (its revision is bumped with every catalog change) and figures
derived from requests: adherence records, ratings, thanks, follow-ups. Every change to a request
adds a request event; a rating, a thank-you or a follow-up adds or stamps its row. The newest of
each, with the catalog revision, changes whenever anything a catalog page shows has changed, on
this host or any other, so a page cached under it is never stale. Figures that change only with
time (a request that becomes overdue) are bounded by the page cache's timeout.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from .models import CatalogState, Feedback, FollowUp, RequestEvent, ServiceAction, Thanks
from .prepared import Prepared

# The mark's parts, as columns another statement can select too (a signed-in page view reads
# them with the session's viewer, see catalog.people.sessions.viewer_for_session).
MARK_COLUMNS = (
    select(CatalogState.revision).scalar_subquery(),
    select(func.max(RequestEvent.id)).scalar_subquery(),
    select(func.max(Feedback.updated_at)).scalar_subquery(),
    select(func.max(Thanks.id)).scalar_subquery(),
    select(func.max(FollowUp.id)).scalar_subquery(),
    select(func.max(FollowUp.answered_at)).scalar_subquery(),
    select(func.max(ServiceAction.id)).scalar_subquery(),  # actions shown on department pages
)
# Built once and run on the driver's cursor: this runs on every cached page view, and building
# it, or SQLAlchemy's work around running it, costs more than running it.
_MARK = Prepared(select(*MARK_COLUMNS))


def format_mark(values: Sequence[object]) -> str:
    """The mark of the `MARK_COLUMNS` values of one row."""
    return ":".join("" if value is None else str(value) for value in values).replace(" ", "T")


def activity_mark(source: Session | Engine) -> str:
    """A short text that changes whenever a catalog page could show something new."""
    return format_mark(_MARK.rows(source, {})[0])


def revision_of(mark: str) -> int:
    """The catalog revision a mark was made with (its first part)."""
    return int(mark.partition(":")[0] or 0)
