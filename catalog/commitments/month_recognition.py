"""Each month's recognition: the teams that kept their commitments best and were thanked most.

The rules (docs/commitments.md says the same):

- A month is a calendar month in UTC.
- *Kept their commitments best*: among departments with at least MIN_CLOSED requests resolved
  in the month (resolved or closed now), the share of first responses and resolutions within
  target, over those requests, pooled (kept / known). A department is named when its share is
  the highest and at least MIN_SHARE; departments with exactly the same share are named
  together.
- *Thanked most*: the departments with the most thanks received in the month, at least
  MIN_THANKS; ties are named together.
- Thanks shown with the recognition: those of the month to a named team, with a message, not
  to a confidential department, and, when addressed to one person, only if that person agreed
  (in their profile) to be named when thanked; the sender is named only if they ticked "show
  my name". People are never counted or ranked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from fractions import Fraction

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from .. import recognition
from ..models import Department, ServiceRequest, Thanks, User, utcnow
from .columns import count_of
from .full_scan import outcomes

MIN_CLOSED = 10
MIN_SHARE = Fraction(8, 10)
MIN_THANKS = 3
MESSAGES = 12  # thank-you messages shown per month, newest first

R = ServiceRequest


@dataclass(frozen=True)
class KeptStanding:
    department: Department
    closed: int
    known: int
    kept: int

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.kept, self.known) if self.known else None


@dataclass(frozen=True)
class ThanksStanding:
    department: Department
    thanks: int


@dataclass
class MonthRecognition:
    month: date  # its first day
    kept_best: list[KeptStanding] = field(default_factory=list)
    thanked_most: list[ThanksStanding] = field(default_factory=list)
    # How many departments met the minimum volumes (so a page can say "3 took part").
    kept_eligible: int = 0
    thanks_eligible: int = 0
    messages: list[tuple[Department, recognition.PublicThanks]] = field(default_factory=list)

    def reasons_for(self, department: Department) -> list[str]:
        """"kept" and/or "thanked": why the department is named this month."""
        return ([*(["kept"] if any(s.department.id == department.id for s in self.kept_best)
                   else []),
                 *(["thanked"] if any(s.department.id == department.id
                                      for s in self.thanked_most) else [])])


def parse_month(value: object) -> date | None:
    """"2026-10" -> 2026-10-01; None if it is not a month."""
    text = str(value or "").strip()
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
        return None
    year, month = int(text[:4]), int(text[5:])
    return date(year, month, 1) if 1 <= month <= 12 and year >= 2000 else None


def last_full_month(now: datetime | None = None) -> date:
    today = (now or utcnow()).astimezone(UTC).date()
    return add_months(today.replace(day=1), -1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _start(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=UTC)


def month_recognition(session: Session, month: date) -> MonthRecognition:
    """The recognition of one month with its publishable thanks: 3 statements."""
    found = recognitions(session, month, month)[month]
    named = {s.department.id: s.department for s in found.kept_best + found.thanked_most}
    found.messages = _messages(session, month, named)
    return found


def recognitions(session: Session, first: date, last: date) -> dict[date, MonthRecognition]:
    """Who is named in each month from `first` to `last`: 2 statements however many months."""
    months = [first]
    while months[-1] < last:
        months.append(add_months(months[-1], 1))
    starts = [_start(m) for m in months]
    end = _start(add_months(last, 1))
    departments = {d.id: d for d in session.scalars(select(Department))}
    result = {month: MonthRecognition(month) for month in months}

    resolved_at = R.resolved_at
    bucket = _bucket(resolved_at, starts)
    outcome = outcomes(end)
    kept = {}
    for department_id, index, closed, *counts in session.execute(
            select(R.department_id, bucket, func.count(),
                   *(count_of(outcome[n]) for n in ("fr_known", "fr_kept", "res_known",
                                                     "res_kept")))
            .where(resolved_at >= starts[0], resolved_at < end,
                   R.status.in_(("resolved", "closed")))
            .group_by(R.department_id, bucket)):
        fr_known, fr_kept, res_known, res_kept = (int(c or 0) for c in counts)
        kept[(department_id, index)] = KeptStanding(
            departments[department_id], int(closed), fr_known + res_known, fr_kept + res_kept)
    thanks_bucket = _bucket(Thanks.created_at, starts)
    thanked = {(department_id, index): int(n) for department_id, index, n in session.execute(
        select(Thanks.department_id, thanks_bucket, func.count())
        .where(Thanks.created_at >= starts[0], Thanks.created_at < end)
        .group_by(Thanks.department_id, thanks_bucket))}

    for index, month in enumerate(months):
        entry = result[month]
        eligible = [s for (_, i), s in kept.items() if i == index
                    and s.closed >= MIN_CLOSED and s.share is not None]
        entry.kept_eligible = len(eligible)
        best = max((s.share for s in eligible if s.share is not None), default=None)
        if best is not None and best >= MIN_SHARE:
            entry.kept_best = _by_name([s for s in eligible if s.share == best])
        counts = {d: n for (d, i), n in thanked.items() if i == index and n >= MIN_THANKS}
        entry.thanks_eligible = len(counts)
        if counts:
            most = max(counts.values())
            entry.thanked_most = _by_name([ThanksStanding(departments[d], n)
                                           for d, n in counts.items() if n == most])
    return result


def _bucket(column: object, starts: list[datetime]) -> object:
    """SQL: the index of the month the time falls in (from the newest start down)."""
    return case(*((column >= start, index)  # type: ignore[operator]
                  for index, start in reversed(list(enumerate(starts)))), else_=-1)


def _by_name(standings: list) -> list:  # type: ignore[type-arg]
    return sorted(standings, key=lambda s: s.department.name.lower())


def _messages(session: Session, month: date, named: dict[int, Department]
              ) -> list[tuple[Department, recognition.PublicThanks]]:
    """The month's publishable thanks to the named teams, newest first."""
    public = [d for d in named if not named[d].confidential]
    if not public:
        return []
    Recipient = User.__table__.alias("recipient")  # noqa: N806
    rows = session.scalars(
        select(Thanks).outerjoin(Recipient, Recipient.c.id == Thanks.recipient_id)
        .where(Thanks.department_id.in_(public), Thanks.message != "",
               Thanks.created_at >= _start(month),
               Thanks.created_at < _start(add_months(month, 1)),
               or_(Thanks.recipient_id.is_(None), Recipient.c.show_name_when_thanked.is_(True)))
        .options(joinedload(Thanks.sender), joinedload(Thanks.recipient))
        .order_by(Thanks.created_at.desc(), Thanks.id.desc()).limit(MESSAGES))
    return [(named[t.department_id], recognition.public_view(t)) for t in rows]


def department_recognitions(session: Session, department: Department, months: int = 12,
                            now: datetime | None = None) -> list[tuple[date, list[str]]]:
    """The months (newest first, the last `months` full months) the department was named in,
    with why: 3 statements."""
    last = last_full_month(now)
    found = recognitions(session, add_months(last, 1 - months), last)
    return [(month, reasons) for month, entry in sorted(found.items(), reverse=True)
            if (reasons := entry.reasons_for(department))]
