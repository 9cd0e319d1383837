"""Errors a user can cause. Views show them at the field; the API returns them as JSON."""

from __future__ import annotations


class CatalogError(Exception):
    """Something the user asked for cannot be done; the message says why."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(CatalogError):
    code = "not_found"
    status = 404


class PermissionDenied(CatalogError):
    code = "forbidden"
    status = 403


class ValidationError(CatalogError):
    code = "validation_failed"
    status = 422


class Conflict(CatalogError):
    code = "conflict"
    status = 409
