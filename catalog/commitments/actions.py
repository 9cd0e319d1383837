"""Actions owners take on breakdown points, and their effect measured before and after.

The effect compares two windows of equal length around the action's date (00:00 UTC): up to
EFFECT_DAYS days before it and as many after it (fewer while the action is younger than that).
In each: the requests created, the share of first responses and of resolutions within target
(of those whose outcome is known) and the mean rating. With fewer than MIN_REQUESTS requests in
either window the comparison says "too few to tell". One statement for any number of actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, literal, select, union_all
from sqlalchemy.orm import Session, joinedload

from ..errors import PermissionDenied, ValidationError
from ..messages import _
from ..models import Department, Feedback, Offering, ServiceAction, ServiceRequest, User, utcnow
from ..permissions import can
from ..text_input import clean_text
from .breakdowns import MOMENTS
from .columns import count_of
from .full_scan import outcomes
from .record import share

R = ServiceRequest
EFFECT_DAYS = 30
MIN_REQUESTS = 10
MAX_TEXT = 500
OLDEST_YEARS = 5


@dataclass
class Figures:
    """What one window of the comparison shows."""

    requests: int = 0
    first_response_known: int = 0
    first_response_kept: int = 0
    resolution_known: int = 0
    resolution_kept: int = 0
    ratings: int = 0
    rating_sum: int = 0

    @property
    def first_response_share(self) -> float | None:
        return share(self.first_response_kept, self.first_response_known, 1)

    @property
    def resolution_share(self) -> float | None:
        return share(self.resolution_kept, self.resolution_known, 1)

    @property
    def mean_rating(self) -> float | None:
        return round(self.rating_sum / self.ratings, 2) if self.ratings else None


@dataclass
class Effect:
    action: ServiceAction
    start: datetime  # the action's date, 00:00 UTC
    length: timedelta  # of each window; zero for an action dated today
    before: Figures
    after: Figures

    @property
    def too_few(self) -> bool:
        return min(self.before.requests, self.after.requests) < MIN_REQUESTS

    @property
    def minimum(self) -> int:
        """Requests each window needs before the comparison tells anything."""
        return MIN_REQUESTS

    @property
    def days(self) -> float:
        return round(self.length / timedelta(days=1), 1)



def record_action(session: Session, department: Department, actor: User, *, text: object,
                  taken_on: object, offering_id: object = None, moment: object = None,
                  public: bool = False, today: date | None = None) -> ServiceAction:
    """An owner records what the department did (or does from `taken_on`) about a point."""
    if not can(actor, "act_on_breakdowns", department):
        raise PermissionDenied(_("Only the department's owners and admins may do this."))
    problems: dict[str, Any] = {}
    try:
        cleaned = clean_text(text, "text", required=True, limit=MAX_TEXT)
    except ValidationError as error:
        problems.update(error.fields)
        cleaned = ""
    day = _day(taken_on, today or utcnow().date(), problems)
    offering = _offering(session, department, offering_id, problems)
    if moment not in (None, "") and moment not in MOMENTS:
        problems["moment"] = _("Choose one of the listed moments.")
    if problems:
        raise ValidationError(_("Please correct the marked fields."), problems)
    action = ServiceAction(department_id=department.id, offering_id=offering.id if offering
                           else None, moment=moment or None, text=cleaned, taken_on=day,
                           public=bool(public), created_by_id=actor.id)
    session.add(action)
    session.flush()
    return action


def _day(value: object, today: date, problems: dict[str, Any]) -> date:
    if isinstance(value, date):
        day: date | None = value
    else:
        try:
            day = date.fromisoformat(str(value or "").strip())
        except ValueError:
            day = None
    if day is None:
        problems["taken_on"] = _("Enter a date, e.g. 2026-11-30.")
        return today
    if day > today:
        problems["taken_on"] = _("The date may not be in the future: record an action once it"
                                 " is taken.")
    elif day < today.replace(year=today.year - OLDEST_YEARS):
        problems["taken_on"] = _("The date may be at most %(years)d years ago.",
                                 years=OLDEST_YEARS)
    return day


def _offering(session: Session, department: Department, value: object,
              problems: dict[str, Any]) -> Offering | None:
    if value in (None, ""):
        return None
    offering = session.get(Offering, value) if str(value).isdigit() else None
    if offering is None or offering.department_id != department.id:
        problems["offering_id"] = _("Choose one of the department's offerings.")
        return None
    return offering


def department_actions(session: Session, department: Department, *,
                       public_only: bool = False, offering_id: int | None = None,
                       limit: int = 50) -> list[ServiceAction]:
    """The department's actions, newest first (only the public ones, or one offering's)."""
    query = select(ServiceAction).options(joinedload(ServiceAction.offering)).where(
        ServiceAction.department_id == department.id)
    if public_only:
        query = query.where(ServiceAction.public.is_(True))
    if offering_id is not None:
        query = query.where(ServiceAction.offering_id == offering_id)
    return list(session.scalars(query.order_by(ServiceAction.taken_on.desc(),
                                               ServiceAction.id.desc()).limit(limit)))


def windows(action: ServiceAction, now: datetime) -> tuple[datetime, timedelta]:
    """The action's start (its date, 00:00 UTC) and the length of each window."""
    start = datetime.combine(action.taken_on, time(0), tzinfo=UTC)
    length = max(timedelta(0), min(timedelta(days=EFFECT_DAYS), now - start))
    return start, length


def effects(session: Session, actions: list[ServiceAction],
            now: datetime | None = None) -> dict[int, Effect]:
    """The before/after comparison of each action (one statement for all)."""
    now = now or utcnow()
    found = {}
    parts = []
    outcome = outcomes(now)
    for action in actions:
        start, length = windows(action, now)
        found[action.id] = Effect(action, start, length, Figures(), Figures())
        if not length:
            continue
        scope = R.department_id == action.department_id
        if action.offering_id is not None:
            scope = and_(scope, R.offering_id == action.offering_id)
        for side, low, high in (("before", start - length, start),
                                ("after", start, start + length)):
            parts.append(select(
                literal(action.id), literal(side), func.count(R.id),
                count_of(outcome["fr_known"]), count_of(outcome["fr_kept"]),
                count_of(outcome["res_known"]), count_of(outcome["res_kept"]),
                func.count(Feedback.id), func.coalesce(func.sum(Feedback.rating), 0),
            ).select_from(R).outerjoin(Feedback, Feedback.request_id == R.id)
                .where(scope, R.created_at >= low, R.created_at < high))
    if parts:
        for action_id, side, *values in session.execute(union_all(*parts)):
            setattr(found[action_id], side, Figures(*(int(v or 0) for v in values)))
    return found


def week_marks(weeks: list[Any], marked: list[ServiceAction]) -> list[tuple[float, ServiceAction]]:
    """Where each action falls on a weekly chart, in weeks from its first bar's start."""
    if not weeks:
        return []
    first = weeks[0].start
    found = []
    for action in marked:
        at = datetime.combine(action.taken_on, time(0), tzinfo=UTC)
        position = (at - first) / timedelta(days=7)
        if 0 <= position <= len(weeks):
            found.append((position, action))
    return found
