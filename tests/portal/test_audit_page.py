"""The audit log at /manage/audit: admins only, newest first, filtered, in both languages; and
the entries the admin pages and the commands leave in it."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path

import yaml
from sqlalchemy import select

from catalog import audit
from catalog.models import AuditEntry, User
from catalog.submission import submit_request
from catalog.uploads import FileStore
from catalog.workflow import change_status
from tests import factories
from tests.catalog.test_catalog_file import GOOD
from tests.portal.test_german import GERMAN
from tests.portal.test_render_queries import statements_while_rendering


def rows(page: str) -> list[str]:
    """Each table row of the log as its cells' text, joined by " | "."""
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        found.append(" | ".join(html.unescape(re.sub(r"<[^>]+>|\s+", " ", c)).strip()
                                for c in cells))
    return [row for row in found if row and not row.startswith("When")]


def actions(session) -> list[tuple[str, str, object]]:
    session.expire_all()
    found = [(e.action, e.subject, e.actor_id or e.actor_label)
             for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    session.rollback()  # SQLite: a reader's open transaction would lock the app's writes out
    return found


def add(session, at: datetime, action: str, subject: str, actor) -> None:
    audit.record(session, actor=actor, action=action, subject=subject).at = at


def test_only_admins_read_the_log(client, auth, people):
    response = client.get("/manage/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for who in ("employee", "agent", "owner"):
        auth.login(people[who])
        assert client.get("/manage/audit").status_code == 403
        assert "/manage/audit" not in client.get("/manage/").get_data(as_text=True)
    auth.login(people["admin"])
    assert client.get("/manage/audit").status_code == 200
    assert 'href="/manage/audit"' in client.get("/manage/").get_data(as_text=True)


def test_renaming_and_naming_people_on_the_admin_page_is_recorded_for_the_admin(
        client, auth, session, people, it):
    admin = people["admin"]
    auth.login(admin)
    before = len(actions(session))
    response = client.post("/manage/departments/it/people", data={
        "name": "Information Technology", "slug": "tech",
        "owners": "owner@example.com", "agents": "agent@example.com\nemployee@example.com"})
    assert response.status_code == 302
    assert sorted(actions(session)[before:]) == [
        ("department.renamed", "tech", admin.id),
        ("role.granted", "tech", admin.id),
        ("role.removed", "tech", admin.id),
    ]
    page = client.get("/manage/audit").get_data(as_text=True)
    shown = rows(page)
    assert any(row.endswith("| Department renamed | tech | it → tech; IT Services → "
                            "Information Technology") and "admin@example.com" in row
               for row in shown), shown
    assert any("Role granted | tech | Agent: employee@example.com" in row for row in shown)
    assert any("Role removed | tech | Owner: owner2@example.com" in row for row in shown)


def test_a_refused_admin_change_leaves_no_entry(client, auth, session, people, it):
    auth.login(people["admin"])
    before = actions(session)
    response = client.post("/manage/departments/it/people", data={
        "name": "Renamed", "slug": "renamed", "owners": "not an address", "agents": ""})
    assert response.status_code == 422
    assert actions(session) == before


def test_users_create_admin_and_imports_are_recorded_for_the_command_line(runner, session,
                                                                          tmp_path):
    result = runner.invoke(args=["users", "create", "root@example.com", "--name", "Root",
                                 "--admin"])
    assert result.exit_code == 0, result.output
    catalog_file = tmp_path / "catalog.yaml"
    catalog_file.write_text(yaml.safe_dump(GOOD))
    assert runner.invoke(args=["import", str(catalog_file), "--dry-run"]).exit_code == 0
    assert [a for a, _s, _w in actions(session)] == ["user.created", "admin.granted"]
    assert runner.invoke(args=["import", str(catalog_file)]).exit_code == 0
    recorded = actions(session)
    assert all(who == "command line" for _a, _s, who in recorded)
    assert ("catalog.imported", "catalog file", "command line") in recorded
    assert ("department.created", "it", "command line") in recorded
    assert {a for a, _s, _w in recorded} >= {"role.granted", "user.created"}
    assert runner.invoke(args=["users", "deactivate", "root@example.com"]).exit_code == 0
    assert actions(session)[-1][0] == "user.deactivated"
    people_file = tmp_path / "people.csv"
    people_file.write_text("email,name,audience,department,manager_email\n"
                           "new@example.com,New Person,,it,\n")
    assert runner.invoke(args=["people", "import", str(people_file)]).exit_code == 0
    assert actions(session)[-1] == ("people.imported", "people directory", "command line")
    newcomer = f"user:{session.scalar(select(User.id).where(User.email == 'new@example.com'))}"
    session.rollback()
    result = runner.invoke(args=["people", "forget", "new@example.com", "--yes"])
    assert result.exit_code == 0, result.output
    assert sorted(actions(session)[-2:]) == [("user.deactivated", newcomer, "command line"),
                                             ("user.forgotten", newcomer, "command line")]


def test_a_changed_rating_on_the_request_page_keeps_the_old_score(
        app, client, auth, session, it_dept, employee, agent, make_user):
    offering = factories.make_offering(session, it_dept, slug="help", title="Get help", form=[])
    item = submit_request(session, offering, employee, priority="normal", values={},
                          store=FileStore(Path(app.instance_path) / "uploads", 1024))
    change_status(session, item, agent, "resolved", "Done")
    session.commit()
    auth.login(employee)
    for rating in ("2", "4"):
        response = client.post(f"/requests/{item.ref}/feedback", data={"rating": rating})
        assert response.status_code == 303
    assert actions(session)[-1] == ("rating.changed", item.ref, employee.id)
    auth.login(make_user(email="root@example.com", is_admin=True))
    shown = rows(client.get("/manage/audit?action=rating.changed").get_data(as_text=True))
    assert len(shown) == 1 and shown[0].endswith(
        f"| emma@example.com | Rating changed | {item.ref} | 2 → 4")


def test_the_log_is_newest_first_paginated_and_filtered(app, client, auth, session, people):
    admin = people["admin"]
    session.execute(AuditEntry.__table__.delete())  # the fixtures' accounts
    add(session, datetime(2026, 1, 5, 12, tzinfo=UTC), "department.created", "it", admin)
    add(session, datetime(2026, 2, 1, 9, tzinfo=UTC), "role.granted", "it", audit.COMMAND_LINE)
    add(session, datetime(2026, 2, 20, 9, tzinfo=UTC), "admin.granted",
        audit.user_subject(people["owner"]), audit.SINGLE_SIGN_ON)
    session.commit()
    auth.login(admin)

    def shown(query: str = "") -> list[str]:
        response = client.get(f"/manage/audit{query}")
        assert response.status_code == 200
        return [row.split(" | ")[2] for row in rows(response.get_data(as_text=True))]

    assert shown() == ["Admin rights granted", "Role granted", "Department created"]
    assert shown("?action=role.granted") == ["Role granted"]
    assert shown("?actor=ADMIN@") == ["Department created"]
    assert shown("?actor=single") == ["Admin rights granted"]
    assert shown("?subject=it") == ["Role granted", "Department created"]
    assert shown("?since=2026-02-01&until=2026-02-01") == ["Role granted"]
    assert shown("?until=2026-01-31") == ["Department created"]
    assert shown("?action=nonsense&since=yesterday&page=x") == [
        "Admin rights granted", "Role granted", "Department created"]
    page = client.get("/manage/audit?action=user.created").get_data(as_text=True)
    assert "No entries match these filters." in page
    assert "owner@example.com" in client.get("/manage/audit").get_data(as_text=True)

    app.config["PER_PAGE"] = 2
    assert shown() == ["Admin rights granted", "Role granted"]
    assert shown("?page=2") == ["Department created"]


def test_filters_at_the_edges_are_no_500(client, auth, session, people):
    auth.login(people["admin"])
    for query in ("until=9999-12-31", "since=0001-01-01&until=9999-12-31", "actor=a%00b",
                  "subject=%00"):
        response = client.get(f"/manage/audit?{query}")
        assert response.status_code == 200, query


def test_an_empty_log_says_so_in_both_languages(client, auth, session, people):
    session.execute(AuditEntry.__table__.delete())
    session.commit()
    auth.login(people["admin"])
    page = client.get("/manage/audit").get_data(as_text=True)
    assert "Nothing has been recorded yet" in page
    german = client.get("/manage/audit", headers=GERMAN).get_data(as_text=True)
    assert "<h1>Audit-Protokoll</h1>" in german and "Noch nichts aufgezeichnet" in german


def test_the_page_is_german_for_a_german_admin(client, auth, session, people):
    add(session, datetime(2026, 2, 1, 9, tzinfo=UTC), "role.granted", "it", audit.COMMAND_LINE)
    session.commit()
    auth.login(people["admin"])
    german = client.get("/manage/audit", headers=GERMAN).get_data(as_text=True)
    assert "Rolle vergeben" in german and "Kommandozeile" in german and "Filtern" in german


def test_the_page_runs_no_query_while_rendering(app, engine, client, auth, session, people, it):
    auth.login(people["admin"])
    client.post("/manage/departments/it/people", data={
        "name": "IT", "slug": "it", "owners": "owner@example.com", "agents": ""})
    with statements_while_rendering(app, engine) as found:
        response = client.get("/manage/audit")
    assert response.status_code == 200 and found == []
