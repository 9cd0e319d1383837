"""Owners set which priorities employees may pick, a hint for each and own commitments per
priority in the offering editor; problems are shown at the priority's row."""

from __future__ import annotations

from sqlalchemy import select

from catalog.models import Offering
from tests.manage_fixtures import form_data

EDIT = "/manage/departments/it/offerings/vpn/edit"
PRIORITIES = ("low", "normal", "high", "critical")


def rows(**per_priority: dict[str, str]) -> dict[str, str]:
    """The priority rows as the page posts them; every priority ticked unless told."""
    data: dict[str, str] = {}
    for index, priority in enumerate(PRIORITIES):
        row = {"employee": "y", **per_priority.get(priority, {})}
        data[f"priority_rows-{index}-priority"] = priority
        for key, value in row.items():
            if value is not None:
                data[f"priority_rows-{index}-{key}"] = value
    return data


def load(session) -> Offering:
    session.expire_all()
    return session.scalar(select(Offering).where(Offering.slug == "vpn"))


def test_owner_sets_choices_hints_and_commitments_per_priority(client, auth, session, people,
                                                               vpn):
    auth.login(people["owner"])
    page = client.get(EDIT).get_data(as_text=True)
    assert "Employees may choose it" in page and 'name="priority_rows-3-hint"' in page
    response = client.post(EDIT, data={**form_data(vpn.version), **rows(
        high={"employee": None, "hint": "You cannot work at all", "first_response": "30m",
              "resolution": "2h"},
        critical={"employee": None, "hint": "A line stands still"})})
    assert response.status_code == 302
    saved = load(session)
    assert saved.employee_priorities == ["low", "normal"]
    assert saved.priority_hints == {"high": "You cannot work at all",
                                    "critical": "A line stands still"}
    assert saved.priority_targets == {"high": [30, 120]}
    assert ("high", 30, 120) in saved.targets() and ("normal", 240, 1620) in saved.targets()
    page = client.get(EDIT).get_data(as_text=True)
    assert 'value="You cannot work at all"' in page and 'value="30m"' in page
    assert 'id="priority_rows-2-employee" name="priority_rows-2-employee" type="checkbox" ' \
           'value="y">' in page  # unticked
    history = client.get(EDIT.replace("/edit", "/history")).get_data(as_text=True)
    assert "Priorities" in history and "Own response commitment" in history


def test_a_bad_duration_is_shown_at_its_priority(client, auth, session, people, vpn):
    auth.login(people["owner"])
    response = client.post(EDIT, data={**form_data(vpn.version), **rows(
        critical={"first_response": "1w", "resolution": "1h"})})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="priority_rows-3-first_response-error"' in page
    assert load(session).priority_targets is None
