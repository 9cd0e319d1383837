"""The API's OpenAPI document, at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from catalog.models import REQUEST_STATUSES

from . import bp

ERROR = {"$ref": "#/components/responses/Error"}
JSON_OBJECT = {"type": "object", "additionalProperties": True}
ERROR_BODY = {"type": "object", "properties": {"error": {
    "type": "object", "required": ["code", "message"],
    "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                   "fields": {"type": "object"}}}}}


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string"}}


def _query(name: str, description: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": kind}}


def _operation(summary: str, *, parameters: tuple = (), body: dict | None = None,
               status: str = "200", result: dict | None = None, auth: bool = False,
               limited: bool = False) -> dict:
    """One operation; `limited` (and every write) may answer 429 (portal/rate_limits.py)."""
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": list(parameters),
        "responses": {
            status: {"description": "OK",
                     "content": {"application/json": {"schema": result or JSON_OBJECT}}},
            # Any call that sends an unknown, expired or revoked Bearer token.
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "4XX": ERROR,
        },
    }
    if body is not None:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": body}}}
        operation["responses"]["400"] = {
            "$ref": "#/components/responses/Error",
            "description": "`bad_request`: the body is not a JSON object, or it nests deeper "
                           "than 32 levels"}
        operation["responses"]["413"] = {
            "$ref": "#/components/responses/Error",
            "description": "`request_entity_too_large`: the body is larger than "
                           "`PORTAL_MAX_UPLOAD_MB` and 64 KB"}
    if auth:
        operation["security"] = [{"bearer": []}, {"session": []}]
    if body is not None:
        operation["responses"]["403"] = {
            "$ref": "#/components/responses/Error",
            "description": "Not allowed; `insufficient_scope` when the token lacks the scope"}
    if limited or body is not None:
        operation["responses"]["429"] = {"$ref": "#/components/responses/TooManyRequests"}
    return operation


def _status_operation() -> dict:
    """The staff's status change: the current status changes nothing; resolving needs a note."""
    operation = _operation(
        "Change a request's status (the department's staff); its current status changes "
        "nothing and adds no event; resolving needs a non-blank `note`, which the requester "
        "reads", parameters=(REF,), auth=True,
        body={"type": "object", "required": ["status"],
              "properties": {"status": {"type": "string"}, "note": {"type": "string"}}})
    operation["responses"]["422"] = {
        "$ref": "#/components/responses/Error",
        "description": "`validation_failed`: an unknown `status`, or resolving without a "
                       "`note` (`fields.note`)"}
    return operation


DEPT = _path("dept", "Department slug")
OFFERING = _path("offering", "Offering slug")
REF = _path("ref", "Request reference, e.g. IT-2026-00042")

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Service Portal API", "version": "1"},
    "servers": [{"url": "/api/v1"}],
    "paths": {
        "/departments": {"get": _operation("All departments with their number of offerings",
                                           result={"type": "array", "items": JSON_OBJECT})},
        "/departments/{dept}": {"get": _operation(
            "A department with offerings, commitments and adherence; `name` and `description` "
            "are in its `language`, the other language's in `translations` ({de: {name, "
            "description}}); each offering has `translations` with its other title and "
            "summary", parameters=(DEPT,))},
        "/departments/{dept}/{offering}": {
            "get": _operation("An offering in the catalog file format, with id and ETag; its "
                              "texts in its `language`, the other language's in `translations` "
                              "(an object, empty when there are none)",
                              parameters=(DEPT, OFFERING)),
            "put": _operation(
                "Create or replace an offering (owners, admins); If-Match makes a stale write "
                "fail with 412", parameters=(DEPT, OFFERING, {
                    "name": "If-Match", "in": "header", "required": False,
                    "schema": {"type": "string"}}), body=JSON_OBJECT, auth=True),
        },
        "/search": {"get": _operation(
            "Full-text search with facets and did-you-mean; `search_id` names the search in "
            "the search log (kept without the person; null on later pages): open a result's "
            "`url` with `?from_search=<search_id>` to record which one helped", parameters=(
            _query("q", "Any text"), _query("department", "Department slug"),
            _query("audience", "employee, temporary, contractor or shareholder"),
            _query("page", "Page number", "integer"),
            _query("per_page", "Results per page", "integer")), limited=True)},
        "/suggest": {"get": _operation("Top titles for search as you type",
                                       parameters=(_query("q", "What was typed so far"),),
                                       result={"type": "array", "items": JSON_OBJECT},
                                       limited=True)},
        "/requests": {"post": _operation(
            "Submit a request", status="201", auth=True, body={
                "type": "object", "required": ["department", "offering"],
                "properties": {
                    "department": {"type": "string"}, "offering": {"type": "string"},
                    "priority": {"type": "string", "description":
                                 "low, normal, high or critical; an employee may give only the "
                                 "priorities the offering allows them (`priorities."
                                 "employee_choices`), the department's staff any (else 422)"},
                    "on_behalf_of": {"type": "string", "format": "email", "description":
                                     "The colleague the request is for: their eligibility "
                                     "counts (403 if they may not request it); both see the "
                                     "request and get its e-mails. 422 if nobody with this "
                                     "address can receive requests"},
                    "fields": {**JSON_OBJECT, "description":
                               "Answers by field name; a broken field rule or a missing "
                               "required answer is 422 with the field's message in "
                               "`error.fields`"}}})},
        "/requests/{ref}": {"get": _operation(
            "A request with its events and approvals; `status` is one of " + ", ".join(
                f"`{status}`" for status in REQUEST_STATUSES) + "; `approvals` lists "
            "{kind: manager|department, state: pending|approved|rejected, by, asked_at, at, "
            "comment}", parameters=(REF,), auth=True)},
        "/requests/{ref}/comments": {"post": _operation(
            "Comment on a request", parameters=(REF,), status="201", auth=True,
            body={"type": "object", "required": ["body"],
                  "properties": {"body": {"type": "string"}}})},
        "/requests/{ref}/status": {"post": _status_operation()},
        "/requests/{ref}/information": {"post": _operation(
            "Add information to an open request (the requester, or who sent it for them)",
            parameters=(REF,), status="201", auth=True,
            body={"type": "object", "required": ["body"],
                  "properties": {"body": {"type": "string"}}})},
        "/requests/{ref}/reopen": {"post": _operation(
            "Reopen a resolved request within PORTAL_REOPEN_DAYS of its resolution, with a "
            "reason (the requester); 409 when it is not resolved or too late, 422 without a "
            "reason", parameters=(REF,), auth=True,
            body={"type": "object", "required": ["reason"],
                  "properties": {"reason": {"type": "string"}}})},
        "/requests/{ref}/approval": {"post": _operation(
            "Approve or reject the approval step that waits (its approver); a rejection needs "
            "a `comment` (the reason) and ends the request as `cancelled`", parameters=(REF,),
            auth=True, body={"type": "object", "required": ["decision"], "properties": {
                "decision": {"type": "string", "enum": ["approve", "reject"]},
                "comment": {"type": "string"}}})},
        "/requests/{ref}/notes": {"post": _operation(
            "Write an internal note (the department's staff; 403 for anyone else who sees the "
            "request, 404 for whoever does not, 422 without a body). Notes are never among a "
            "request's `events`, in e-mails or webhooks; the request's JSON lists them as "
            "`notes` for the department's staff only", parameters=(REF,), status="201",
            auth=True, body={"type": "object", "required": ["body"],
                             "properties": {"body": {"type": "string"}}})},
        "/requests/{ref}/assignee": {"post": _operation(
            "Hand the request to an agent or owner of its department, who is told by e-mail "
            "(`email` null or empty: nobody); 403 unless the caller works the department's "
            "queue, 409 when it is not open, 422 for an address that is not the department's "
            "staff", parameters=(REF,), auth=True,
            body={"type": "object", "required": ["email"],
                  "properties": {"email": {"type": ["string", "null"], "format": "email"}}})},
        "/requests/{ref}/priority": {"post": _operation(
            "Change the priority with a reason (the department's staff); both due times are "
            "counted again from the clock's start (creation, or the last approval) under the "
            "commitment for the new priority, and the change is on the timeline (`kind` "
            "`priority`, `details` {old, new}); 403 for anyone else who sees it, 409 when it "
            "is not open, 422 for a priority the offering does not publish or no reason",
            parameters=(REF,), auth=True,
            body={"type": "object", "required": ["priority", "reason"],
                  "properties": {"priority": {"type": "string"},
                                 "reason": {"type": "string"}}})},
        "/requests/{ref}/feedback": {"post": _operation(
            "Rate a resolved request (the requester)", parameters=(REF,), status="201",
            auth=True, body={"type": "object", "required": ["rating"], "properties": {
                "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                "comment": {"type": "string"}}})},
    },
    "components": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "A personal token from the profile page or `flask --app "
                                      "portal users token`. Every token reads; writing requests "
                                      "needs the scope `requests`, writing the catalog `catalog`. "
                                      "With a Bearer header the session cookie is ignored."},
            "session": {"type": "apiKey", "in": "cookie", "name": "session",
                        "description": "The browser session; writes also need X-CSRFToken"},
        },
        "responses": {
            "Error": {"description": "An error", "content": {"application/json": {
                "schema": ERROR_BODY}}},
            "Unauthorized": {
                "description": "The Bearer token is not valid (code `invalid_token`)",
                "headers": {"WWW-Authenticate": {"schema": {"type": "string"},
                                                 "description": 'Bearer error="invalid_token"'}},
                "content": {"application/json": {"schema": ERROR_BODY}}},
            "TooManyRequests": {
                "description": "Over a rate limit (code `too_many_requests`), counted per user, "
                               "or per client address for anonymous callers: searches "
                               "(`PORTAL_SEARCH_LIMIT`), suggestions (`PORTAL_SUGGEST_LIMIT`), "
                               "submissions (`PORTAL_SUBMIT_LIMIT`), comments "
                               "(`PORTAL_COMMENT_LIMIT`) and every write "
                               "(`PORTAL_API_WRITE_LIMIT`)",
                "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1},
                                            "description": "Seconds to wait before trying "
                                                           "again"}},
                "content": {"application/json": {"schema": ERROR_BODY}}},
        },
    },
}


# The read endpoints answer pages of PORTAL_CORS_ORIGINS (portal/cors.py): GET only, no cookies.
CORS_READ_PATHS = ("/departments", "/departments/{dept}", "/departments/{dept}/{offering}",
                   "/search", "/suggest")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": {
        "schema": {"type": "string"},
        "description": "The calling page's origin, when it is one of `PORTAL_CORS_ORIGINS`"},
    "Vary": {"schema": {"type": "string"}, "description": "Includes `Origin` when CORS is on"},
}
for _name in CORS_READ_PATHS:
    SPEC["paths"][_name]["get"]["responses"]["200"]["headers"] = CORS_HEADERS
    SPEC["paths"][_name]["options"] = {
        "summary": "CORS preflight of a page of `PORTAL_CORS_ORIGINS` (GET only)",
        "parameters": [p for p in SPEC["paths"][_name]["get"]["parameters"] if p["in"] == "path"],
        "responses": {"200": {"description": "Allowed methods and headers", "headers": {
            **CORS_HEADERS,
            "Access-Control-Allow-Methods": {"schema": {"type": "string"}},
            "Access-Control-Allow-Headers": {"schema": {"type": "string"}},
            "Access-Control-Max-Age": {"schema": {"type": "integer"}},
            "Allow": {"schema": {"type": "string"}}}}}}


# The staff's actions on a request name each refusal (portal/api/workbench.py).
WORKBENCH_REFUSALS = {
    "403": "`forbidden`: the caller sees the request but does not work its department's queue",
    "404": "`not_found`: no such request, or the caller may not see it",
    "409": "`conflict`: the request is no longer open",
    "422": "`validation_failed`: a field is wrong; its message is in `error.fields`",
}
for _name in ("/requests/{ref}/notes", "/requests/{ref}/assignee", "/requests/{ref}/priority"):
    for _status, _description in WORKBENCH_REFUSALS.items():
        if _status == "409" and _name.endswith("/notes"):
            continue  # a note may be written on any request the caller works
        SPEC["paths"][_name]["post"]["responses"][_status] = {
            "$ref": "#/components/responses/Error", "description": _description}


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(SPEC)
