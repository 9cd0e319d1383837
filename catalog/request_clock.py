"""A request's deadlines: the commitment clock applied to one request and its pauses.

Both clocks start at submission, or at the last approval for an offering that needs approval
(`ServiceRequest.clock_start`). The resolution clock stands still while the request waits on
its requester, and while it is resolved or closed (until someone reopens it); each time it
starts running again the due time moves by the business time it stood still.
"""

from __future__ import annotations

from datetime import datetime

from .clock import BusinessCalendar, Pause
from .models import ServiceRequest

# Statuses in which the resolution clock does not run.
PAUSED_STATUSES = ("waiting", "resolved", "closed", "cancelled")


def risk_minutes(target: int) -> int:
    """Business minutes after which a target counts as at risk: three quarters of it."""
    return target * 3 // 4


def start_clocks(request: ServiceRequest, calendar: BusinessCalendar,
                 first_response: int | None, resolution: int | None) -> None:
    """Set the targets and the due and at-risk times, counted from the request's clock start."""
    start = request.clock_start
    request.first_response_minutes = first_response
    request.resolution_minutes = resolution
    if first_response is not None:
        request.first_response_due = calendar.due_at(start, first_response)
        request.first_response_risk_at = calendar.due_at(start, risk_minutes(first_response))
    if resolution is not None:
        request.resolution_due = calendar.due_at(start, resolution)
        request.resolution_risk_at = calendar.due_at(start, risk_minutes(resolution))


def pauses_of(request: ServiceRequest) -> list[Pause]:
    """The intervals in which the resolution clock stood still, from the status events."""
    pauses: list[Pause] = []
    paused_since: datetime | None = None
    for event in request.events:
        if event.kind != "status" or event.new_status is None:
            continue
        if event.new_status in PAUSED_STATUSES and paused_since is None:
            paused_since = event.created_at
        elif event.new_status not in PAUSED_STATUSES and paused_since is not None:
            pauses.append((paused_since, event.created_at))
            paused_since = None
    if paused_since is not None:
        pauses.append((paused_since, None))
    return pauses


def pause_clock(request: ServiceRequest, at: datetime) -> None:
    if request.paused_at is None:
        request.paused_at = at


def resume_clock(request: ServiceRequest, calendar: BusinessCalendar) -> None:
    """Move the resolution due and at-risk times by all the time the clock stood still.

    Call it after the status event that ends the pause has been added to `request.events`.
    """
    request.paused_at = None
    if request.resolution_minutes is None:
        return
    pauses = pauses_of(request)
    request.resolution_due = calendar.due_at(request.clock_start, request.resolution_minutes,
                                             pauses)
    request.resolution_risk_at = calendar.due_at(
        request.clock_start, risk_minutes(request.resolution_minutes), pauses
    )


def restart_targets(request: ServiceRequest, calendar: BusinessCalendar,
                    first_response: int | None, resolution: int | None, now: datetime) -> None:
    """New targets for a request under way (another priority, another department): both due
    and at-risk times counted again from its clock start, by its calendar, the time the
    resolution clock stood still left out (a pause still running counts up to `now`; when it
    ends, `resume_clock` counts it exactly). None: no commitment, nothing due."""
    request.first_response_due = request.first_response_risk_at = None
    request.resolution_due = request.resolution_risk_at = None
    start_clocks(request, calendar, first_response, None)
    request.resolution_minutes = resolution
    if resolution is not None:
        pauses = [(begins, ends or now) for begins, ends in pauses_of(request)]
        request.resolution_due = calendar.due_at(request.clock_start, resolution, pauses)
        request.resolution_risk_at = calendar.due_at(request.clock_start,
                                                     risk_minutes(resolution), pauses)
