"""The catalog's data model (SQLAlchemy 2 typed models)."""

from .base import Base, utcnow
from .departments import PRIORITIES, ROLES, Commitment, Department, DepartmentAlias, DepartmentRole
from .offerings import (
    FIELD_TYPES,
    LANGUAGES,
    OFFERING_STATUSES,
    STANDARD_SECTIONS,
    CatalogState,
    Offering,
    OfferingAlias,
)
from .requests import (
    OPEN_STATUSES,
    REQUEST_STATUSES,
    ReferenceCounter,
    RequestEvent,
    ServiceRequest,
)
from .users import AUDIENCES, ApiToken, User

__all__ = [
    "AUDIENCES", "FIELD_TYPES", "LANGUAGES", "OFFERING_STATUSES", "OPEN_STATUSES", "PRIORITIES",
    "REQUEST_STATUSES", "ROLES", "STANDARD_SECTIONS",
    "ApiToken", "Base", "CatalogState", "Commitment", "Department", "DepartmentAlias",
    "DepartmentRole", "Offering", "OfferingAlias", "ReferenceCounter", "RequestEvent",
    "ServiceRequest", "User", "utcnow",
]
