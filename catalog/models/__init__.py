"""The catalog's data model (SQLAlchemy 2 typed models)."""

from .alerts import ALERT_KINDS, SentAlert, SentDigest
from .approvals import APPROVAL_KINDS, APPROVAL_STATES, RequestApproval
from .attachments import Attachment
from .audit import AuditEntry
from .base import Base, utcnow
from .breakdowns import FormOpening, ServiceAction
from .departments import PRIORITIES, ROLES, Commitment, Department, DepartmentAlias, DepartmentRole
from .feedback import Feedback, FollowUp, Thanks
from .history import REVISION_ACTIONS, DepartmentRevision, OfferingRevision
from .offerings import (
    FIELD_TYPES,
    LANGUAGES,
    OFFERING_STATUSES,
    STANDARD_SECTIONS,
    CatalogState,
    Offering,
    OfferingAlias,
)
from .outbox import MAIL_STATUSES, OutboxMessage
from .replies import ReplyTemplate
from .requests import (
    OPEN_STATUSES,
    REQUEST_STATUSES,
    ReferenceCounter,
    RequestEvent,
    ServiceRequest,
)
from .rollups import AdherenceDay, AdherenceHistogram, BreakdownDay, WaitDay
from .search_log import SEARCH_SOURCES, SearchLogEntry, SynonymList
from .users import AUDIENCES, TOKEN_SCOPES, ApiToken, User, UserSession
from .webhooks import (
    DELIVERY_STATUSES,
    TEST_EVENT,
    WEBHOOK_EVENTS,
    WEBHOOK_FORMATS,
    Webhook,
    WebhookDelivery,
)

__all__ = [
    "AUDIENCES", "FIELD_TYPES", "LANGUAGES", "OFFERING_STATUSES", "OPEN_STATUSES", "PRIORITIES",
    "REQUEST_STATUSES", "REVISION_ACTIONS", "ROLES", "STANDARD_SECTIONS",
    "ApiToken", "Base", "CatalogState", "Commitment", "Department", "DepartmentAlias",
    "DepartmentRevision", "DepartmentRole", "Offering", "OfferingAlias", "OfferingRevision",
    "ReferenceCounter", "RequestEvent", "ServiceRequest", "TOKEN_SCOPES", "User", "UserSession",
    "utcnow",
    "MAIL_STATUSES", "Attachment", "OutboxMessage",
    "Feedback", "FollowUp", "Thanks",
    "AdherenceDay", "AdherenceHistogram", "BreakdownDay", "WaitDay",
    "AuditEntry",
    "APPROVAL_KINDS", "APPROVAL_STATES", "RequestApproval",
    "DELIVERY_STATUSES", "TEST_EVENT", "WEBHOOK_EVENTS", "WEBHOOK_FORMATS", "Webhook",
    "WebhookDelivery",
    "ReplyTemplate",
    "ALERT_KINDS", "SentAlert", "SentDigest",
    "SEARCH_SOURCES", "SearchLogEntry", "SynonymList",
    "FormOpening", "ServiceAction",
]
