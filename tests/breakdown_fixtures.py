"""Helpers that write requests with known outcomes and timelines directly, for the breakdown
and action tests (imported where used)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from catalog.models import Feedback, Offering, RequestEvent, ServiceRequest, User

_refs = itertools.count(1)
TARGETS = {"low": (480, 2700), "normal": (240, 1620), "high": (60, 540), "critical": (30, 270)}


def add_request(session: Session, offering: Offering, requester: User, created: datetime, *,
                priority: str = "normal", first: int | None = None,
                resolution: int | None = None, status: str = "resolved",
                rating: int | None = None, comment: str = "",
                moves: list[tuple[float, str, str, User | None]] = ()) -> ServiceRequest:
    """A request whose first response and resolution took `first` / `resolution` business
    minutes (None: not measured), with status moves (days after creation, old, new, actor)."""
    fr_target, res_target = TARGETS[priority]
    request = ServiceRequest(
        ref=f"BD-{next(_refs):05d}", department_id=offering.department_id,
        offering_id=offering.id, requester_id=requester.id, priority=priority, status=status,
        answers={}, form=[], created_at=created, updated_at=created,
        clock_started_at=created,
        first_response_minutes=fr_target, resolution_minutes=res_target,
        first_response_due=created + timedelta(days=30),
        resolution_due=created + timedelta(days=30),
        first_response_at=created + timedelta(minutes=first) if first is not None else None,
        first_response_business_minutes=first, resolution_business_minutes=resolution,
        resolved_at=created + timedelta(minutes=resolution) if resolution is not None else None,
        paused_at=created + timedelta(days=1) if status == "cancelled" else None)
    session.add(request)
    session.flush()
    for days, old, new, actor in moves:
        session.add(RequestEvent(request_id=request.id, kind="status", old_status=old,
                                 new_status=new, actor_id=actor.id if actor else None,
                                 created_at=created + timedelta(days=days)))
    if rating is not None:
        session.add(Feedback(request_id=request.id, department_id=offering.department_id,
                             offering_id=offering.id, rating=rating, comment=comment,
                             created_at=created + timedelta(days=4),
                             updated_at=created + timedelta(days=4)))
    session.flush()
    return request


def add_requests(session: Session, offering: Offering, requester: User, start: datetime,
                 count: int, **values: Any) -> None:
    """`count` alike requests, one an hour from `start`."""
    for number in range(count):
        add_request(session, offering, requester, start + timedelta(hours=number), **values)
