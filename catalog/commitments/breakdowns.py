"""Breakdown points: the offerings and moments where a department's service fails most.

A point is an offering and a moment of its requests' lives (a missed first response, a poor
rating, a form given up, ...). Its score is its count times the moment's weight (see
docs/breakdowns.md, which states the formula; WEIGHTS and PRIORITY_WEIGHTS below are it).
Everything counts the requests created in the window (the last `days` days up to `now`), and
the form openings of the window's days. Every figure comes from aggregate SQL, seven
statements however many requests there are: the whole UTC days inside the window from the
rollups (returns, cancellations and stays: catalog.commitments.breakdown_rollups; missed
commitments: the adherence rollups, plus the requests of those days that may still turn late),
the two partial days at its ends from the requests, counted as `rolled=False` counts the whole
window (the reference the tests hold the rollups to). Ratings, comments and form openings are
read for the whole window as they are (a few rows per request rated).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from ..models import (
    OPEN_STATUSES,
    AdherenceDay,
    BreakdownDay,
    Department,
    Feedback,
    FormOpening,
    Offering,
    RequestEvent,
    ServiceRequest,
    WaitDay,
    utcnow,
)
from .adherence import may_turn_late, open_outcomes
from .breakdown_rollups import WAITED_STATUSES
from .columns import count_of
from .full_scan import outcomes
from .rollups import utc_day
from .windows import DEFAULT_DAYS

R, E = ServiceRequest, RequestEvent

MOMENTS = ("first_response", "resolution", "poor_rating", "back_and_forth", "cancelled",
           "abandoned", "wait_new", "wait_in_progress")
# Points per request (per form given up; per day spent waiting at the status).
WEIGHTS = {"first_response": 2.0, "resolution": 3.0, "poor_rating": 3.0, "back_and_forth": 2.0,
           "cancelled": 1.0, "abandoned": 0.5, "wait_new": 0.5, "wait_in_progress": 0.5}
# A missed commitment counts this many times, by the request's priority.
PRIORITY_WEIGHTS = {"low": 1, "normal": 1, "high": 2, "critical": 3}
POOR_RATING = 2  # ratings of 1 or 2 (of 5) are poor
COMMENTS_SHOWN = 3  # poor ratings' comments shown per offering
MINUTES_PER_DAY = 1440


@dataclass
class Point:
    """One offering at one moment: how often it broke down there, and its score."""

    offering: Offering
    moment: str
    count: float  # requests (forms given up; days waited for the wait moments)
    score: float
    by_priority: dict[str, int] = field(default_factory=dict)
    comments: list[tuple[int, str]] = field(default_factory=list)  # (rating, comment)


@dataclass
class Wait:
    """The time requests of an offering spent at one status (stays that ended in the window)."""

    stays: int
    total_minutes: float
    median_minutes: float


@dataclass
class Breakdowns:
    days: int
    since: datetime
    now: datetime
    points: list[Point]
    # offering id -> status -> Wait
    waits: dict[int, dict[str, Wait]]
    offerings: dict[int, Offering]

    @property
    def total(self) -> float:
        return round(sum(point.score for point in self.points), 2)


@dataclass
class DepartmentSummary:
    department: Department
    total: float
    points: int
    top: Point | None


def window(days: int, now: datetime | None = None) -> tuple[datetime, datetime]:
    now = now or utcnow()
    return now - timedelta(days=days), now


def department_breakdowns(session: Session, department: Department, days: int = DEFAULT_DAYS,
                          now: datetime | None = None, rolled: bool = True) -> Breakdowns:
    """The department's breakdown points, highest score first (eight statements).

    `rolled=False` counts every request of the window one by one instead of reading the whole
    days from the rollups: the reference the rollups must agree with (tests, benchmark).
    """
    since, now = window(days, now)
    found = _collect(session, [department.id], since, now, rolled)
    offerings = {o.id: o for o in session.scalars(
        select(Offering).where(Offering.department_id == department.id))}
    return _assemble(found, offerings, days, since, now)


def summary(session: Session, days: int = DEFAULT_DAYS, now: datetime | None = None,
            rolled: bool = True) -> list[DepartmentSummary]:
    """Every department's total score and its worst point, worst first (for admins; `rolled`
    as for department_breakdowns)."""
    since, now = window(days, now)
    found = _collect(session, None, since, now, rolled)
    offerings = {o.id: o for o in session.scalars(select(Offering))}
    result = _assemble(found, offerings, days, since, now)
    per: dict[int, list[Point]] = defaultdict(list)
    for point in result.points:
        per[point.offering.department_id].append(point)
    departments = session.scalars(select(Department).order_by(Department.name))
    rows = [DepartmentSummary(d, round(sum(p.score for p in per[d.id]), 2), len(per[d.id]),
                              per[d.id][0] if per[d.id] else None) for d in departments]
    return sorted(rows, key=lambda row: -row.total)


def missed(now: datetime) -> dict[str, ColumnElement[int]]:
    """1 where the request's first response / resolution commitment is known missed."""
    outcome = outcomes(now)
    return {name: case((outcome[f"{short}_kept"], 0), (outcome[f"{short}_known"], 1), else_=0)
            for name, short in (("first_response", "fr"), ("resolution", "res"))}


Span = tuple[datetime, datetime, bool]  # created from, until, until included


def _created_in(spans: list[Span]) -> ColumnElement[bool]:
    return or_(*(and_(R.created_at >= start, R.created_at <= end if included
                      else R.created_at < end) for start, end, included in spans))


def _scope(statement: Any, ids: list[int] | None, since: datetime, now: datetime,
           spans: list[Span] | None = None) -> Any:
    """The requests of these departments created in the window (or in `spans` of it)."""
    statement = statement.where(_created_in(spans or [(since, now, True)]))
    if ids is None:
        return statement
    # Spans are short: the department in an expression reads them by time, not the
    # department's whole history (on SQLite; the window as a whole is read by department).
    return statement.where((R.department_id if spans is None else R.department_id + 0)
                           .in_(ids))


def _split(since: datetime, now: datetime) -> tuple[tuple[date, date] | None, list[Span]]:
    """The whole UTC days strictly between since's and now's (first, last; None: none), and
    the spans of the window outside them (read from the requests)."""
    first, last = utc_day(since) + timedelta(days=1), utc_day(now) - timedelta(days=1)
    if first > last:
        return None, [(since, now, True)]
    return (first, last), [(since, datetime.combine(first, time(0, tzinfo=UTC)), False),
                           (datetime.combine(last + timedelta(days=1), time(0, tzinfo=UTC)),
                            now, True)]


def _per_request_events(ids: list[int] | None, since: datetime, now: datetime) -> Any:
    """Per request: times sent back to the requester, reopenings, cancelled by the requester."""
    status = E.kind == "status"
    return _scope(select(
        R.offering_id.label("offering_id"), R.id.label("request_id"),
        count_of(and_(status, E.new_status == "waiting")).label("waits"),
        count_of(and_(status, E.old_status.in_(("resolved", "closed")),
                      E.new_status.in_(OPEN_STATUSES))).label("reopens"),
        count_of(and_(status, E.new_status == "cancelled", or_(
            E.actor_id == R.requester_id, E.actor_id == R.submitted_by_id))).label("cancels"),
    ).join(E, E.request_id == R.id), ids, since, now).group_by(R.offering_id, R.id).subquery()


def back_and_forth(events: Any) -> ColumnElement[bool]:
    """Reopened at least once, or sent back to the requester ("waiting on you") twice or more."""
    return or_(events.c.reopens >= 1, events.c.waits >= 2)


def _collect(session: Session, ids: list[int] | None, since: datetime, now: datetime,
             rolled: bool = True) -> dict[str, Any]:
    """Every figure of the window: the whole UTC days inside it from the rollups (`rolled`),
    the rest from the requests (not `rolled`: all of it, request by request)."""
    whole, spans = _split(since, now) if rolled else (None, [(since, now, True)])
    rated = _scope(select(Feedback.offering_id, count_of(Feedback.rating <= POOR_RATING))
                   .join(R, R.id == Feedback.request_id), ids, since, now)
    ratings = session.execute(rated.group_by(Feedback.offering_id)).all()
    comments = session.execute(_scope(
        select(Feedback.offering_id, Feedback.rating, Feedback.comment)
        .join(R, R.id == Feedback.request_id)
        .where(Feedback.rating <= POOR_RATING, Feedback.comment != ""), ids, since, now)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(200)).all()
    opened = select(FormOpening.offering_id, func.sum(FormOpening.opened)).where(
        FormOpening.day >= since.date(), FormOpening.day <= now.date())
    if ids is not None:
        opened = opened.join(Offering, Offering.id == FormOpening.offering_id).where(
            Offering.department_id.in_(ids))
    openings = session.execute(opened.group_by(FormOpening.offering_id)).all()
    waits, returns = _status_moves(session, ids, since, now, spans)
    requests = _requests(session, ids, since, now, spans, whole)
    if whole is not None:
        waits += _rolled_waits(session, ids, whole)
        returns += _rolled_returns(session, ids, whole)
    return {"requests": requests, "returns": returns, "ratings": ratings,
            "comments": comments, "openings": openings, "waits": waits}


def _requests(session: Session, ids: list[int] | None, since: datetime, now: datetime,
              spans: list[Span], whole: tuple[date, date] | None) -> list[tuple[Any, ...]]:
    """(offering, priority, requests, first responses missed, resolutions missed), in one
    statement: the spans from the requests; the whole days from the adherence rollups (what no
    clock changes any more) and from their requests that may still turn late (the queue)."""
    gone = missed(now)
    parts = [_scope(select(R.offering_id, R.priority, func.count(),
                           func.sum(gone["first_response"]), func.sum(gone["resolution"])),
                    ids, since, now, spans).group_by(R.offering_id, R.priority)]
    if whole is not None:
        A = AdherenceDay
        closed = select(A.offering_id, A.priority, func.sum(A.requests),
                        func.sum(A.first_response_known - A.first_response_kept),
                        func.sum(A.resolution_known - A.resolution_kept)).where(
            A.day >= whole[0], A.day <= whole[1])
        if ids is not None:
            closed = closed.where(A.department_id.in_(ids))
        parts.append(closed.group_by(A.offering_id, A.priority))
        fr_open, res_open = open_outcomes(now)
        days = (datetime.combine(whole[0], time(0, tzinfo=UTC)),
                datetime.combine(whole[1] + timedelta(days=1), time(0, tzinfo=UTC)), False)
        parts.append(_scope(select(R.offering_id, R.priority, literal(0), count_of(fr_open),
                                   count_of(res_open)).where(may_turn_late()),
                            ids, since, now, [days]).group_by(R.offering_id, R.priority))
    summed: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for offering_id, priority, *values in session.execute(union_all(*parts)):
        for index, value in enumerate(values):
            summed[(offering_id, priority)][index] += int(value or 0)
    return [(*key, *values) for key, values in summed.items()]


def _rolled_returns(session: Session, ids: list[int] | None,
                    whole: tuple[date, date]) -> list[Any]:
    """(offering, back and forth, cancelled by the requester) of the whole days' requests."""
    B = BreakdownDay
    statement = select(B.offering_id, func.sum(B.back_and_forth), func.sum(B.cancelled)).where(
        B.day >= whole[0], B.day <= whole[1])
    if ids is not None:
        statement = statement.where(B.department_id.in_(ids))
    return list(session.execute(statement.group_by(B.offering_id)).all())


def _rolled_waits(session: Session, ids: list[int] | None,
                  whole: tuple[date, date]) -> list[Any]:
    """(offering, status, bucket, stays, minutes) of the whole days' requests."""
    W = WaitDay
    statement = select(W.offering_id, W.status, W.bucket, func.sum(W.stays),
                       func.sum(W.minutes)).where(W.day >= whole[0], W.day <= whole[1])
    if ids is not None:
        statement = statement.where(W.department_id.in_(ids))
    return list(session.execute(statement.group_by(W.offering_id, W.status, W.bucket)
                                .having(func.sum(W.stays) > 0)).all())


def _minutes_between(session: Session, start: Any, end: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * MINUTES_PER_DAY
    # date_part gives double precision; extract() gives numeric, several times slower here.
    return func.date_part("epoch", end - start) / 60


def _whole(session: Session, value: Any) -> Any:
    """The (non-negative) value rounded down to an integer, in the database's dialect."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(value, Integer)  # SQLite truncates; PostgreSQL would round
    return cast(func.floor(value), Integer)


def _status_moves(session: Session, ids: list[int] | None, since: datetime,
                  now: datetime, spans: list[Span]) -> tuple[list[Any], list[Any]]:
    """One pass over the status changes of the requests created in the spans of the window.

    Waits: (offering, status, bucket minutes, stays, total minutes), the stays that ended by a
    status change, each from the previous change (or creation). Returns: (offering, requests
    sent back and forth, requests cancelled by the requester) (see `_per_request_events`).
    """
    status = E.kind == "status"
    mine = or_(E.actor_id == R.requester_id, E.actor_id == R.submitted_by_id)
    in_order = {"partition_by": E.request_id, "order_by": (E.created_at, E.id)}
    # The sums run over the whole request with the same order: one sort for every window.
    by_request = {**in_order, "rows": (None, None)}
    entered = func.coalesce(func.lag(E.created_at).over(**in_order), R.created_at)
    # Per request, on its first status change only: its counts over all its status changes.
    first = func.row_number().over(**in_order) == 1
    sent_back = func.sum(case((E.new_status == "waiting", 1), else_=0)).over(**by_request)
    reopened = func.sum(case((and_(E.old_status.in_(("resolved", "closed")),
                                   E.new_status.in_(OPEN_STATUSES)), 1), else_=0)
                        ).over(**by_request)
    cancelled = func.sum(case((and_(E.new_status == "cancelled", mine), 1), else_=0)
                         ).over(**by_request)
    # The minutes are computed once, beside the window functions (SQLite does not flatten a
    # subquery with one, so the outer expressions reuse the column).
    stays = _scope(select(R.offering_id.label("offering_id"), E.old_status.label("status"),
                          _minutes_between(session, entered, E.created_at).label("minutes"),
                          case((first, 1), else_=0).label("first"),
                          sent_back.label("waits"), reopened.label("reopens"),
                          cancelled.label("cancels"))
                   .join(E, E.request_id == R.id).where(status),
                   ids, since, now, spans).subquery()
    whole = _whole(session, stays.c.minutes + 0.5)  # to the nearest minute
    # Buckets: whole minutes up to 2 hours, quarter hours up to 2 days, then whole hours
    # (integer division on both databases).
    bucket = case((whole < 120, whole), (whole < 2880, whole // 15 * 15),
                  else_=whole // 60 * 60)
    waited = stays.c.status.in_(WAITED_STATUSES)
    once = stays.c.first == 1
    rows = session.execute(select(
        stays.c.offering_id, stays.c.status, case((waited, bucket), else_=None),
        count_of(waited), func.sum(case((waited, stays.c.minutes), else_=None)),
        count_of(and_(once, back_and_forth(stays))), count_of(and_(once, stays.c.cancels >= 1)),
    ).group_by(stays.c.offering_id, stays.c.status, case((waited, bucket), else_=None))).all()
    returns: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for offering_id, _status, _bucket, _stays, _minutes, returned, gone in rows:
        returns[offering_id][0] += int(returned or 0)
        returns[offering_id][1] += int(gone or 0)
    waits = [row[:5] for row in rows if row[1] in WAITED_STATUSES]
    return waits, [(offering_id, *counts) for offering_id, counts in returns.items()]


def _median(histogram: list[tuple[float, int]]) -> float:
    """The lower median of bucketed values (bucket start, count)."""
    histogram.sort()
    total = sum(n for _value, n in histogram)
    seen = 0
    for value, n in histogram:
        seen += n
        if 2 * seen >= total:
            return value
    return 0.0


def _assemble(found: dict[str, Any], offerings: dict[int, Offering], days: int,
              since: datetime, now: datetime) -> Breakdowns:
    counts: dict[tuple[int, str], float] = defaultdict(float)
    weighted: dict[tuple[int, str], float] = defaultdict(float)
    by_priority: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    sent: dict[int, int] = defaultdict(int)
    for offering_id, priority, total, first, resolution in found["requests"]:
        sent[offering_id] += int(total)
        for moment, value in (("first_response", int(first or 0)),
                              ("resolution", int(resolution or 0))):
            if value:
                counts[(offering_id, moment)] += value
                weighted[(offering_id, moment)] += value * PRIORITY_WEIGHTS.get(priority, 1)
                by_priority[(offering_id, moment)][priority] = value
    for offering_id, returned, cancelled in found["returns"]:
        for moment, value in (("back_and_forth", returned), ("cancelled", cancelled)):
            counts[(offering_id, moment)] += int(value or 0)
            weighted[(offering_id, moment)] += int(value or 0)
    for offering_id, poor in found["ratings"]:
        counts[(offering_id, "poor_rating")] += int(poor or 0)
        weighted[(offering_id, "poor_rating")] += int(poor or 0)
    for offering_id, opened in found["openings"]:
        abandoned = max(0, int(opened or 0) - sent[offering_id])
        counts[(offering_id, "abandoned")] += abandoned
        weighted[(offering_id, "abandoned")] += abandoned
    waits = _waits(found["waits"])
    for offering_id, statuses in waits.items():
        for status in ("new", "in_progress"):
            if status in statuses:
                waited_days = statuses[status].total_minutes / MINUTES_PER_DAY
                counts[(offering_id, f"wait_{status}")] = round(waited_days, 2)
                weighted[(offering_id, f"wait_{status}")] = waited_days
    comments: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for offering_id, rating, comment in found["comments"]:
        if len(comments[offering_id]) < COMMENTS_SHOWN:
            comments[offering_id].append((rating, comment))
    points = [Point(offerings[offering_id], moment, counts[(offering_id, moment)],
                    round(value * WEIGHTS[moment], 2), by_priority.get((offering_id, moment), {}),
                    comments[offering_id] if moment == "poor_rating" else [])
              for (offering_id, moment), value in weighted.items()
              if value > 0 and offering_id in offerings]
    points.sort(key=lambda p: (-p.score, p.offering.title.lower(), MOMENTS.index(p.moment)))
    return Breakdowns(days, since, now, points, waits, offerings)


def _waits(rows: list[Any]) -> dict[int, dict[str, Wait]]:
    histograms: dict[tuple[int, str], list[tuple[float, int]]] = defaultdict(list)
    totals: dict[tuple[int, str], float] = defaultdict(float)
    for offering_id, status, bucket, stays, minutes in rows:
        histograms[(offering_id, status)].append((float(bucket or 0), int(stays)))
        totals[(offering_id, status)] += float(minutes or 0)
    waits: dict[int, dict[str, Wait]] = defaultdict(dict)
    for (offering_id, status), histogram in histograms.items():
        waits[offering_id][status] = Wait(sum(n for _v, n in histogram),
                                          round(totals[(offering_id, status)], 1),
                                          _median(histogram))
    return dict(waits)


def requests_behind(department: Department, offering_id: int, moment: str, days: int,
                    now: datetime | None = None) -> Select[Any]:
    """The department's requests behind one point, newest first (a query to paginate)."""
    since, now = window(days, now)
    query = _scope(select(R).where(R.offering_id == offering_id), [department.id], since, now)
    if moment in ("first_response", "resolution"):
        query = query.where(missed(now)[moment] == 1)
    elif moment == "poor_rating":
        query = query.where(R.id.in_(select(Feedback.request_id).where(
            Feedback.rating <= POOR_RATING)))
    elif moment in ("back_and_forth", "cancelled"):
        events = _per_request_events([department.id], since, now)
        condition = back_and_forth(events) if moment == "back_and_forth" \
            else events.c.cancels >= 1
        query = query.where(R.id.in_(select(events.c.request_id).where(condition)))
    elif moment in ("wait_new", "wait_in_progress"):
        query = query.where(R.id.in_(select(E.request_id).where(
            E.kind == "status", E.old_status == moment.removeprefix("wait_"))))
    else:
        query = query.where(False)  # abandoned forms have no request
    return query.order_by(R.created_at.desc(), R.id.desc())
