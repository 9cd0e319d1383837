"""Building request histories fast for adherence tests: rows with explicit times and measured
business minutes, inserted in bulk (no workflow, no mail), so thousands take a moment."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from catalog.commitments import rollups
from catalog.models import Department, Offering, ServiceRequest, User

_numbers = itertools.count(1)


def request_row(department: Department, offering: Offering, requester: User,
                created: datetime, *, priority: str = "normal", status: str = "resolved",
                first_response: int | None = 30, resolution: int | None = 600,
                targets: tuple[int | None, int | None] = (240, 1620),
                first_response_due: datetime | None = None,
                resolution_due: datetime | None = None,
                paused_at: datetime | None = None) -> dict[str, Any]:
    """One request's columns: `first_response`/`resolution` are the business minutes taken
    (None: not yet); due times default to far in the future (not overdue)."""
    far = created + timedelta(days=365)
    number = next(_numbers)
    answered = first_response is not None
    resolved = resolution is not None
    return {
        "ref": f"{department.code}-T-{number:07d}", "department_id": department.id,
        "offering_id": offering.id, "requester_id": requester.id, "priority": priority,
        "status": status, "answers": {}, "form": [], "created_at": created,
        "updated_at": created,
        "first_response_minutes": targets[0], "resolution_minutes": targets[1],
        "first_response_due": first_response_due or (far if targets[0] is not None else None),
        "resolution_due": resolution_due or (far if targets[1] is not None else None),
        "first_response_at": created + timedelta(minutes=1) if answered else None,
        "resolved_at": created + timedelta(minutes=2) if resolved else None,
        "first_response_business_minutes": first_response,
        "resolution_business_minutes": resolution,
        "paused_at": paused_at,
    }


def insert_requests(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert many request rows in one statement per batch, then rebuild their departments'
    adherence rollups (bulk inserts bypass the flush that keeps them up to date)."""
    for start in range(0, len(rows), 2000):
        session.execute(insert(ServiceRequest), rows[start:start + 2000])
    rollups.rebuild(session, {row["department_id"] for row in rows})
    session.commit()
