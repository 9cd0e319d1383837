"""Who may use which management page and write endpoint, tried with six kinds of user.

Every rule of the app whose path starts with /manage, and every POST/PUT/PATCH/DELETE under
/api/, must be in MATRIX (checked here) or in OTHER_FEATURE_RULES (routes of the request queue
and the request API, which their own tests check); a new route in neither fails the first test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import editing, history
from catalog.department_settings import save_department_settings
from catalog.models import Department, Offering
from catalog.people.tokens import issue_token
from tests.manage_fixtures import form_data, writes

USERS = ("anonymous", "employee", "agent", "owner_other", "owner", "admin")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
OWNERS = ("owner", "admin")            # owners of the department `it`, and admins
STAFF = ("agent", "owner_other", "owner", "admin")   # anyone with a role somewhere
ADMINS = ("admin",)

Body = Callable[[Session, str], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """One route: the URL tried, who may use it, the status they get, and what they send."""

    url: str
    allowed: tuple[str, ...]
    ok: int = 200
    form: Body | None = None       # a form post, built from the database as it is then
    json: Body | None = None       # a JSON body (the API), sent with the user's API token


# Bodies: each builds a valid request from the current state, so both allowed users succeed.

def _offering(session: Session, slug: str = "vpn") -> Offering:
    session.expire_all()
    return session.scalar(select(Offering).where(Offering.slug == slug))


def _loaded_settings(session: Session) -> str:
    session.expire_all()
    department = session.scalar(select(Department).where(Department.slug == "it"))
    return json.dumps(history.department_snapshot(department))


def edit_body(session: Session, who: str) -> dict[str, Any]:
    return form_data(_offering(session).version, title=f"VPN by {who}")


def new_offering_body(session: Session, who: str) -> dict[str, Any]:
    return form_data(slug=f"made-by-{who.replace('_', '-')}", title=f"Made by {who}")


def settings_body(session: Session, who: str) -> dict[str, Any]:
    return {"loaded": _loaded_settings(session), "description": f"Kept by {who}",
            "contact_email": "it@example.com", "timezone": "Europe/Berlin",
            "days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "17:00",
            "holidays": "", "commitments-0-priority": "normal",
            "commitments-0-first_response": "4h", "commitments-0-resolution": "3d"}


def version_body(**extra: str) -> Body:
    return lambda session, who: {"version": str(_offering(session).version), **extra}


def people_body(session: Session, who: str) -> dict[str, Any]:
    return {"name": "IT Services", "slug": "it", "agents": "agent@example.com",
            "owners": "owner@example.com\nowner2@example.com"}


def put_body(session: Session, who: str) -> dict[str, Any]:
    return {"slug": "vpn", "title": f"VPN put by {who}"}


DEPT, OFFER = "/manage/departments/it", "/manage/departments/it/offerings/vpn"
MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/manage/"): Case("/manage/", STAFF),
    ("GET", "/manage/new-department"): Case("/manage/new-department", ADMINS),
    ("POST", "/manage/new-department"): Case(
        "/manage/new-department", ADMINS, 302,
        form=lambda s, who: {"name": "Facilities", "slug": "facilities", "code": "FAC"}),
    ("GET", "/manage/departments/<dept>/"): Case(DEPT + "/", OWNERS),
    ("GET", "/manage/departments/<dept>/settings"): Case(DEPT + "/settings", OWNERS),
    ("POST", "/manage/departments/<dept>/settings"): Case(DEPT + "/settings", OWNERS, 302,
                                                          form=settings_body),
    ("GET", "/manage/departments/<dept>/settings/history"): Case(DEPT + "/settings/history",
                                                                 OWNERS),
    ("GET", "/manage/departments/<dept>/settings/history/compare"): Case(
        DEPT + "/settings/history/compare?from=1&to=2", OWNERS),
    ("POST", "/manage/departments/<dept>/settings/history/<int:number>/restore"): Case(
        DEPT + "/settings/history/1/restore", OWNERS, 302,
        form=lambda s, who: {"loaded": _loaded_settings(s)}),
    ("GET", "/manage/audit"): Case("/manage/audit", ADMINS),
    ("GET", "/manage/departments/<dept>/people"): Case(DEPT + "/people", ADMINS),
    ("POST", "/manage/departments/<dept>/people"): Case(DEPT + "/people", ADMINS, 302,
                                                        form=people_body),
    ("GET", "/manage/departments/<dept>/offerings/new"): Case(DEPT + "/offerings/new", OWNERS),
    ("POST", "/manage/departments/<dept>/offerings/new"): Case(DEPT + "/offerings/new", OWNERS,
                                                               302, form=new_offering_body),
    ("GET", "/manage/departments/<dept>/offerings/<offering>/edit"): Case(OFFER + "/edit", OWNERS),
    ("POST", "/manage/departments/<dept>/offerings/<offering>/edit"): Case(
        OFFER + "/edit", OWNERS, 302, form=edit_body),
    ("POST", "/manage/departments/<dept>/offerings/<offering>/status"): Case(
        OFFER + "/status", OWNERS, 302, form=version_body(status="retired")),
    ("POST", "/manage/departments/<dept>/offerings/<offering>/reviewed"): Case(
        OFFER + "/reviewed", OWNERS, 302, form=version_body()),
    ("GET", "/manage/departments/<dept>/offerings/<offering>/history"): Case(OFFER + "/history",
                                                                            OWNERS),
    ("GET", "/manage/departments/<dept>/offerings/<offering>/history/compare"): Case(
        OFFER + "/history/compare?from=1&to=current", OWNERS),
    ("POST", "/manage/departments/<dept>/offerings/<offering>/history/<int:number>/restore"):
        Case(OFFER + "/history/1/restore", OWNERS, 302, form=version_body()),
    ("GET", "/manage/webhooks"): Case("/manage/webhooks", ADMINS),
    ("GET", "/manage/departments/<dept>/webhooks"): Case(DEPT + "/webhooks", OWNERS),
    ("GET", "/manage/departments/<dept>/reply-templates"): Case(DEPT + "/reply-templates",
                                                                 OWNERS),
    ("GET", "/manage/<dept>/searches"): Case("/manage/it/searches", OWNERS),
    ("POST", "/manage/<dept>/searches"): Case(
        "/manage/it/searches", OWNERS, 302,
        form=lambda s, who: {"query": f"tunnel {who}", "action": "synonym", "synonym_of": "VPN"}),
    ("GET", "/manage/synonyms"): Case("/manage/synonyms", ADMINS),
    ("POST", "/manage/synonyms"): Case("/manage/synonyms", ADMINS, 302,
                                       form=lambda s, who: {"synonyms": f"VPN, tunnel {who}\n"}),
    ("PUT", "/api/v1/departments/<dept>/<offering>"): Case(
        "/api/v1/departments/it/vpn", OWNERS, 200, json=put_body),
    ("GET", "/manage/<dept>/breakdowns"): Case("/manage/it/breakdowns", OWNERS),
    ("GET", "/manage/<dept>/breakdowns/requests"): Case(
        "/manage/it/breakdowns/requests?offering=vpn&moment=cancelled", OWNERS),
    ("POST", "/manage/<dept>/breakdowns/actions"): Case(
        "/manage/it/breakdowns/actions", OWNERS, 303,
        form=lambda s, who: {"text": f"A second agent in the morning ({who})",
                             "taken_on": "2026-11-02"}),
    ("GET", "/manage/breakdowns"): Case("/manage/breakdowns", ADMINS),
}

# Routes of other features, checked by their own tests. Their engineers list each new route
# here (method, rule) with the feature it belongs to, so that nothing slips through unlisted.
OTHER_FEATURE_RULES: dict[tuple[str, str], str] = {
    ("GET", "/manage/queue/"): "request queue",
    ("GET", "/manage/queue/<dept>"): "request queue",
    ("POST", "/manage/queue/requests/<ref>/assign"): "request queue",
    ("POST", "/manage/queue/requests/<ref>/status"): "request queue",
    ("POST", "/api/v1/requests"): "request API",
    ("POST", "/api/v1/requests/<ref>/comments"): "request API",
    ("POST", "/api/v1/requests/<ref>/status"): "request API",
    ("POST", "/api/v1/requests/<ref>/feedback"): "feedback",
    ("POST", "/api/v1/requests/<ref>/information"): "requests for someone else, reopening",
    ("POST", "/api/v1/requests/<ref>/reopen"): "requests for someone else, reopening",
    ("POST", "/api/v1/requests/<ref>/approval"): "approvals (tests/portal/test_approval_pages.py)",
    ("GET", "/manage/feedback/<dept>"): "feedback",
    ("POST", "/manage/webhooks"): "webhooks",
    ("POST", "/manage/departments/<dept>/reply-templates"): "reply templates",
    ("GET", "/manage/departments/<dept>/reply-templates/<int:template_id>"): "reply templates",
    ("POST", "/manage/departments/<dept>/reply-templates/<int:template_id>"): "reply templates",
    ("POST", "/manage/departments/<dept>/reply-templates/<int:template_id>/delete"):
        "reply templates",
    ("POST", "/manage/departments/<dept>/webhooks"): "webhooks",
    ("GET", "/manage/webhooks/<int:hook_id>"): "webhooks",
    ("POST", "/manage/webhooks/<int:hook_id>/test"): "webhooks",
    ("POST", "/manage/webhooks/<int:hook_id>/active"): "webhooks",
    ("POST", "/manage/webhooks/<int:hook_id>/delete"): "webhooks",
    # workbench: tests/portal/test_workbench_pages.py
    ("POST", "/manage/queue/requests/<ref>/notes"): "workbench",
    ("POST", "/manage/queue/requests/<ref>/priority"): "workbench",
    ("POST", "/manage/queue/requests/<ref>/move"): "workbench",
    ("POST", "/api/v1/requests/<ref>/notes"): "workbench",
    ("POST", "/api/v1/requests/<ref>/assignee"): "workbench",
    ("POST", "/api/v1/requests/<ref>/priority"): "workbench",
}


def guarded_rules(app) -> set[tuple[str, str]]:
    """(method, rule) of every management page and every write under /api/."""
    found: set[tuple[str, str]] = set()
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        if rule.rule.startswith("/manage"):
            found |= {(method, rule.rule) for method in methods}
        elif rule.rule.startswith("/api/"):
            found |= {(method, rule.rule) for method in methods & WRITE_METHODS}
    return found


def test_every_management_and_write_route_is_in_the_matrix(app):
    found = guarded_rules(app)
    uncovered = found - MATRIX.keys() - OTHER_FEATURE_RULES.keys()
    assert not uncovered, f"add these routes to MATRIX (or OTHER_FEATURE_RULES): {uncovered}"
    stale = MATRIX.keys() - found
    assert not stale, f"MATRIX names routes the app does not have: {stale}"


@pytest.fixture
def history_exists(session, people, it, vpn):
    """Two revisions of the offering and of the settings, for the compare and restore cases."""
    editing.save_offering(session, it, {**history.offering_snapshot(vpn), "summary": "Changed"},
                          people["admin"], offering=vpn)
    save_department_settings(session, it, {**history.department_snapshot(it),
                                           "description": "Changed"}, people["admin"])
    session.commit()


@pytest.mark.parametrize("key", list(MATRIX), ids=[f"{m} {r}" for m, r in MATRIX])
def test_each_user_gets_the_answer_the_matrix_says(client, auth, session, people, hr,
                                                   history_exists, key):
    case = MATRIX[key]
    method = key[0]
    tokens = {}
    for who in USERS[1:]:
        tokens[who] = issue_token(session, people[who])
    session.commit()
    # The refused go first: each must leave everything as it was.
    for who in sorted(USERS, key=lambda w: w in case.allowed):
        auth.logout()
        headers = {}
        if who != "anonymous":
            if case.json:
                headers["Authorization"] = f"Bearer {tokens[who]}"
            else:
                auth.login(people[who])
        before = writes(session)
        response = client.open(
            case.url, method=method, headers=headers,
            data=case.form(session, who) if case.form else None,
            json=case.json(session, who) if case.json else None)
        where = f"{method} {case.url} as {who}"
        if who in case.allowed:
            assert response.status_code == case.ok, where
            continue
        if who == "anonymous":
            expected = 401 if case.url.startswith("/api/") else 302
            assert response.status_code == expected, where
            if expected == 302:
                assert "/login?next=" in response.headers["Location"], where
        else:
            assert response.status_code == 403, where
        assert writes(session) == before, f"{where} changed something"
