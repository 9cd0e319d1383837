"""A new request, a first response, a resolution and a reopening show up in the record on
the next signed-in view of the department (API and page) and of /commitments."""

from __future__ import annotations

from datetime import timedelta

from catalog.models import utcnow
from catalog.submission import submit_request
from catalog.uploads import FileStore
from catalog.workflow import add_comment, change_status
from tests import factories
from tests.adherence_fixtures import insert_requests, request_row


def test_request_changes_show_on_the_next_signed_in_view(client, auth, session, tmp_path):
    agent = factories.make_user(session, email="agent@example.com", name="Adam Agent")
    employee = factories.make_user(session, email="emma@example.com", name="Emma Employee")
    it = factories.make_department(session, slug="it", code="IT", name="IT Services",
                                   agents=[agent])
    help_desk = factories.make_offering(session, it, slug="help", title="Help")
    session.commit()
    now = utcnow()
    insert_requests(session, [request_row(it, help_desk, employee, now - timedelta(days=d),
                                          first_response=30, resolution=600)
                              for d in range(1, 6)])
    auth.login(employee)

    def month() -> dict:
        return client.get("/api/v1/departments/it").get_json()["adherence"]["30"]

    assert (month()["requests"], month()["first_response_met"]) == (5, 1.0)
    assert "(5/5)" in client.get("/departments/it").get_data(as_text=True)

    # A new request, sent ten days ago and never answered: past due on both counts.
    late = submit_request(session, help_desk, employee, priority="normal", values={},
                          store=FileStore(tmp_path, 1024), now=now - timedelta(days=10))
    session.commit()
    record = month()
    assert record["requests"] == 6
    assert record["first_response_met"] == record["resolution_met"] == 5 / 6
    assert "(5/6)" in client.get("/commitments").get_data(as_text=True)

    add_comment(session, late, agent, "On it", now=now)  # the first response, late
    session.commit()
    assert month()["p90_first_response_minutes"] > 240

    change_status(session, late, agent, "resolved", "Done", now=now + timedelta(minutes=1))
    session.commit()
    assert month()["p90_resolution_minutes"] > 1620

    change_status(session, late, agent, "in_progress", now=now + timedelta(minutes=2))
    session.commit()
    record = month()
    assert record["p90_resolution_minutes"] == 600  # the resolution is taken back out
    assert record["resolution_met"] == 5 / 6  # open and past due again
    assert "(5/6)" in client.get("/departments/it").get_data(as_text=True)
