"""SQL building blocks shared by the rollup-based records and the full-scan reference."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case, func

from ..models import ServiceRequest


def count_of(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END)."""
    return func.sum(case((condition, 1), else_=0))


def group_column(by: str) -> Any:
    """The request column a record groups by."""
    if by == "department":
        return ServiceRequest.department_id
    if by == "offering":
        return ServiceRequest.offering_id
    raise ValueError(f"cannot group adherence by {by!r}")
