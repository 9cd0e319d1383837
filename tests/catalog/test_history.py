"""Snapshots and readable differences between revisions."""

from __future__ import annotations

from catalog import history
from catalog.department_settings import save_department_settings
from catalog.models import DepartmentRevision


def offering(**changes) -> dict:
    data = {"slug": "vpn", "title": "VPN", "status": "published", "language": "en",
            "summary": "", "description": "", "keywords": [], "audience": [],
            "service_standard": {"included": "", "not_included": "", "prerequisites": "",
                                 "process": ""}, "form": [], "reviewed_at": None}
    data.update(changes)
    return data


def test_nothing_differs_between_equal_snapshots():
    assert history.compare(offering(), offering(), "offering") == []


def test_changes_are_listed_in_form_order_with_removed_and_added_lines():
    changes = history.compare(
        offering(title="VPN", keywords=["a"]),
        offering(title="Remote access", keywords=["a", "b"], audience=["employee"]),
        "offering")
    assert [c.key for c in changes] == ["title", "keywords", "audience"]
    assert changes[0].lines == [("-", "VPN"), ("+", "Remote access")]
    assert changes[2].lines == [("+", "employee")]


def test_a_long_text_shows_the_changed_line_with_a_little_context():
    before = "\n".join(f"line {n}" for n in range(1, 21))
    after = before.replace("line 10", "line ten")
    [change] = history.compare(offering(description=before), offering(description=after),
                               "offering")
    assert ("-", "line 10") in change.lines and ("+", "line ten") in change.lines
    assert (" ", "line 9") in change.lines and (" ", "line 11") in change.lines
    assert (" ", "line 1") not in change.lines
    assert ("…", "7") in change.lines and ("…", "8") in change.lines


def test_form_fields_and_commitments_read_like_the_catalog_file():
    old = offering(form=[{"name": "device", "label": "Device", "type": "select",
                          "required": True, "choices": ["Laptop"], "help": ""}])
    new = offering(form=[{"name": "device", "label": "Device", "type": "select",
                          "required": True, "choices": ["Laptop", "Phone"], "help": ""}],
                   commitment={"first_response": "30m", "resolution": "4h"})
    changes = {c.key: c.lines for c in history.compare(old, new, "offering")}
    assert changes["form"] == [("-", "device · 'Device' · select · required · choices: Laptop"),
                               ("+", "device · 'Device' · select · required · choices: Laptop, "
                                     "Phone")]
    assert changes["commitment"] == [("+", "first_response: 30m, resolution: 4h")]


def test_department_snapshots_list_commitments_by_priority(session, make_department, make_user):
    admin = make_user(is_admin=True)
    department = make_department(slug="it", code="IT",
                                 commitments={"high": (60, 540), "low": (540, 2700)})
    snapshot = history.department_snapshot(department)
    assert [c["priority"] for c in snapshot["commitments"]] == ["low", "high"]
    changed = {**snapshot, "commitments": [{"priority": "normal", "first_response": "4h",
                                            "resolution": "3d"}]}
    save_department_settings(session, department, changed, admin)
    session.commit()
    page = history.list_revisions(session, DepartmentRevision, department.id)
    assert [(r.number, r.action) for r in page.items] == [(2, "edited"), (1, "imported")]
    assert page.items[0].changed == ["commitment_low", "commitment_normal", "commitment_high"]
