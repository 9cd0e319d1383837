"""The business time a request actually took, stored on it when it happens.

Measured with the department's calendar (working hours, days off, public holidays) and rounded
up to whole minutes (20 seconds late is late), from where the commitment clock started
(submission, or the last approval); the resolution time leaves out the time the
request waited on its requester, as the resolution clock does. Adherence figures
(catalog/adherence.py) aggregate these stored values in SQL.
"""

from __future__ import annotations

from datetime import datetime
from math import ceil

from .models import ServiceRequest
from .request_clock import pauses_of


def record_first_response(request: ServiceRequest, at: datetime) -> None:
    """Store the business minutes from the clock's start to the first response at `at`."""
    calendar = request.department.calendar
    request.first_response_business_minutes = ceil(
        calendar.business_minutes_between(request.clock_start, at)
    )


def record_resolution(request: ServiceRequest, at: datetime | None) -> None:
    """Store the business minutes to resolution at `at`, without paused time; None clears it.

    Call it after the status event that resolves the request has been added to its events;
    the pause that this resolution starts is clipped away at `at`.
    """
    if at is None:
        request.resolution_business_minutes = None
        return
    calendar = request.department.calendar
    request.resolution_business_minutes = ceil(
        calendar.business_minutes_between(request.clock_start, at, pauses_of(request))
    )
