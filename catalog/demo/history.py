"""About 90 days of past requests for the demo catalog, so that the commitments, ratings and
thanks pages mean something on first run.

The history is played through the real workflow (status changes, comments, waiting pauses,
feedback, follow-ups, thanks) at past times, with a fixed random seed: realistic timing in
business time, some misses, some requests still open and overdue. Each department gets its
own level of service, so the records differ. Mail the replay would send is dropped.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .. import feedback, recognition, workflow
from ..clock import BusinessCalendar
from ..models import (
    Department,
    Feedback,
    FollowUp,
    Offering,
    OutboxMessage,
    RequestEvent,
    ServiceRequest,
    Thanks,
    User,
    utcnow,
)
from ..permissions import can, roles_in
from ..references import next_reference
from ..request_clock import start_clocks

DAYS = 90
SEED = 6
# Chance that a department keeps a target; the rest are late (departments differ on purpose).
KEEPS = {"it": 0.93, "hr": 0.85, "facilities": 0.72, "catering": 0.9, "marketing": 0.8,
         "finance": 0.88, "legal": 0.76}
PRIORITY_WEIGHTS = {"low": 1, "normal": 7, "high": 2, "critical": 0.5}
COMMENTS = {5: "Quick and friendly, thank you!", 4: "Good, all sorted.",
            3: "Fine in the end, took a while.", 2: "Too slow, I had to ask twice.",
            1: "Nobody got back to me for days."}
ANSWERS = ["Sorry about that: we were short-staffed that week and have changed our rota.",
           "You are right, this took too long. We now check open requests every morning."]
THANKS = ["Thanks a lot, that saved my day!", "Super quick, much appreciated.",
          "Thank you for the patient help.", ""]


def has_history(session: Session, now: datetime) -> bool:
    """True if requests older than a day exist already (then the history is not added)."""
    return session.scalar(select(ServiceRequest.id).where(
        ServiceRequest.created_at < now - timedelta(days=1)).limit(1)) is not None


def load_demo_history(session: Session, now: datetime | None = None, days: int = DAYS,
                      seed: int = SEED) -> int:
    """Add the history unless there is one; returns the number of requests added."""
    now = now or utcnow()
    if has_history(session, now):
        return 0
    rng = random.Random(seed)
    requesters = list(session.scalars(select(User).where(User.is_admin.is_(False))
                                      .order_by(User.email)))
    admin = session.scalar(select(User).where(User.is_admin.is_(True)).limit(1))
    added: list[int] = []
    for department in session.scalars(select(Department).order_by(Department.slug)):
        offerings = [o for o in department.offerings if o.status == "published"]
        staff = [r.user for r in department.roles] or ([admin] if admin else [])
        if not offerings or not staff or not department.commitments:
            continue
        replay = _Replay(session, rng, department, staff, now)
        for created in _arrivals(rng, department.calendar, now, days):
            offering = rng.choice(offerings)
            allowed = [u for u in requesters if can(u, "request", offering)
                       and not roles_in(u, department)]
            if allowed:
                added.append(replay.request(offering, rng.choice(allowed), created).id)
                _forget(session)
    _review_dates(session, random.Random(seed + 1), now)
    # The replay wrote notifications as it went; nobody should get mail about the past.
    for start in range(0, len(added), 500):
        session.execute(delete(OutboxMessage).where(
            OutboxMessage.request_id.in_(added[start:start + 500])))
    session.flush()
    return len(added)


def _review_dates(session: Session, rng: random.Random, now: datetime) -> None:
    """A catalog in use: most entries reviewed in the last year, one in nine never, one in
    eleven long ago (overdue), so owners' review lists show each case."""
    offerings = session.scalars(select(Offering).where(Offering.reviewed_at.is_(None))
                                .order_by(Offering.id))
    for number, offering in enumerate(offerings):
        if number % 9 == 4:
            continue
        months = 14 if number % 11 == 6 else rng.randint(1, 10)
        offering.reviewed_at = now - timedelta(days=30 * months + rng.randint(0, 20))


def _forget(session: Session) -> None:
    """Write what the replay did and let go of it: a small session flushes fast."""
    session.flush()
    for item in list(session.identity_map.values()):
        if isinstance(item, ServiceRequest | RequestEvent | OutboxMessage | Feedback | FollowUp
                      | Thanks) and item in session:
            session.expunge(item)


def _arrivals(rng: random.Random, calendar: BusinessCalendar, now: datetime,
              days: int) -> list[datetime]:
    """About one request per working day, mostly in working hours, oldest first."""
    times = []
    for back in range(days, 0, -1):
        day = now - timedelta(days=back)
        if not calendar.is_working_day(day):
            continue
        for _ in range(rng.choice((0, 1, 1, 1, 2))):
            local = day.astimezone(calendar.zone).replace(
                hour=rng.randint(calendar.start.hour, calendar.end.hour - 1),
                minute=rng.randint(0, 59), second=0, microsecond=0)
            if rng.random() < 0.1:  # now and then in the evening: the clock starts next morning
                local = local.replace(hour=min(calendar.end.hour + 2, 23))
            times.append(local)
    return sorted(times)


class _Replay:
    """Plays one department's requests through the workflow at past times."""

    def __init__(self, session: Session, rng: random.Random, department: Department,
                 staff: list[User], now: datetime) -> None:
        self.session, self.rng, self.department = session, rng, department
        self.staff, self.now = staff, now
        self.calendar = department.calendar
        self.keeps = KEEPS.get(department.slug, 0.85)

    def _taken(self, target: int) -> int:
        """Business minutes a step takes: within target as often as the department keeps it."""
        share = self.rng.uniform(0.1, 0.95) if self.rng.random() < self.keeps \
            else self.rng.uniform(1.05, 2.5)
        return max(1, int(target * share))

    def request(self, offering: Offering, requester: User, created: datetime) -> ServiceRequest:
        targets = {p: (f, r) for p, f, r in offering.targets()}
        priority = self.rng.choices(list(targets), [PRIORITY_WEIGHTS.get(p, 1) for p in targets])[0]
        item = ServiceRequest(
            ref=next_reference(self.session, self.department, created),
            department=self.department, offering=offering, requester=requester,
            priority=priority, status="new", answers={}, form=[], created_at=created,
            updated_at=created)
        first, resolution = targets[priority]
        start_clocks(item, self.calendar, first, resolution)
        item.events.append(RequestEvent(kind="created", actor=requester, new_status="new",
                                        created_at=created))
        self.session.add(item)
        agent = self.rng.choice(self.staff)
        answered = self.calendar.due_at(created, self._taken(first))
        if answered > self.now:
            return item  # not answered yet: open, perhaps already overdue
        workflow.assign(self.session, item, agent, agent, now=answered)
        pauses: list[tuple[datetime, datetime]] = []
        if self.rng.random() < 0.2:
            workflow.change_status(self.session, item, agent, "waiting",
                                   "Could you tell us a little more?", now=answered)
            replied = self.calendar.due_at(answered, self.rng.randint(30, 600))
            if replied > self.now:
                return item
            workflow.add_comment(self.session, item, requester, "Here you are.", now=replied)
            pauses.append((answered, replied))
        else:
            workflow.change_status(self.session, item, agent, "in_progress", now=answered)
        resolved = self.calendar.due_at(created, self._taken(resolution), pauses)
        resolved = max(resolved, answered + timedelta(minutes=1))
        if resolved > self.now:
            return item
        workflow.change_status(self.session, item, agent, "resolved", "Done.", now=resolved)
        self._feedback(item, requester, agent, resolved)
        return item

    def _feedback(self, item: ServiceRequest, requester: User, agent: User,
                  resolved: datetime) -> None:
        if self.rng.random() > 0.55:
            return
        kept = (item.resolution_business_minutes or 0) <= (item.resolution_minutes or 0)
        rating = self.rng.choice((4, 5, 5, 5, 4, 3) if kept else (1, 2, 2, 3, 3, 4))
        rated = resolved + timedelta(hours=self.rng.randint(1, 48))
        if rated > self.now:
            return
        given = feedback.give_feedback(self.session, item, requester, rating,
                                       COMMENTS[rating] if self.rng.random() < 0.7 else "",
                                       now=rated)
        if given.follow_up is not None and self.rng.random() < 0.85:
            answered = self.calendar.due_at(rated, self.rng.randint(60, 900))
            if answered <= self.now:
                feedback.answer_follow_up(self.session, given.follow_up, agent,
                                          self.rng.choice(ANSWERS), now=answered)
        if rating >= 4 and self.rng.random() < 0.35:
            recognition.send_thanks(self.session, item, requester, self.rng.choice(THANKS),
                                    to_person=self.rng.random() < 0.5,
                                    show_name=self.rng.random() < 0.7, now=rated)
