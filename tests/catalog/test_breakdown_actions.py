"""Actions on breakdown points: recorded with a date, and their effect measured over two
windows of equal length before and after it, with figures computed here by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from catalog.commitments import actions
from catalog.errors import PermissionDenied, ValidationError
from tests.breakdown_fixtures import add_requests
from tests.factories import make_department, make_offering, make_user

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ACTION_DAY = date(2026, 11, 1)  # 19.5 days before NOW: both windows are 19.5 days long
BEFORE = datetime(2026, 10, 20, 0, 0, tzinfo=UTC)  # inside [Oct 12 12:00, Nov 1)
AFTER = datetime(2026, 11, 5, 0, 0, tzinfo=UTC)


@pytest.fixture
def owned(session):
    owner, requester = make_user(session), make_user(session)
    department = make_department(session, slug="fac", code="FA", owners=[owner])
    loaners = make_offering(session, department, slug="loaners", title="Loaner laptops")
    other = make_offering(session, department, slug="desks", title="Desks")
    # Before the action, Loaner laptops: 12 requests; first response kept by 6 (50 %),
    # resolution by 9 (75 %); rated 2, 2, 3, 1 (mean 2.0).
    add_requests(session, loaners, requester, BEFORE, 2, first=100, resolution=1000, rating=2)
    add_requests(session, loaners, requester, BEFORE + timedelta(hours=2), 1, first=100,
                 resolution=1000, rating=3)
    add_requests(session, loaners, requester, BEFORE + timedelta(hours=3), 1, first=100,
                 resolution=1000, rating=1)
    add_requests(session, loaners, requester, BEFORE + timedelta(hours=4), 2, first=100,
                 resolution=1000)
    add_requests(session, loaners, requester, BEFORE + timedelta(hours=6), 3, first=500,
                 resolution=1000)
    add_requests(session, loaners, requester, BEFORE + timedelta(hours=9), 3, first=500,
                 resolution=2000)
    # After: 10 requests; first response kept by 9 (90 %), resolution by all 10 (100 %);
    # rated 5, 4, 4, 5 (mean 4.5).
    add_requests(session, loaners, requester, AFTER, 2, first=100, resolution=1000, rating=5)
    add_requests(session, loaners, requester, AFTER + timedelta(hours=2), 2, first=100,
                 resolution=1000, rating=4)
    add_requests(session, loaners, requester, AFTER + timedelta(hours=4), 5, first=100,
                 resolution=1000)
    add_requests(session, loaners, requester, AFTER + timedelta(hours=9), 1, first=500,
                 resolution=1000)
    # Not in either window (before Oct 12 12:00), and another offering's requests.
    add_requests(session, loaners, requester, datetime(2026, 10, 1, tzinfo=UTC), 5, first=900,
                 resolution=9000, rating=1)
    add_requests(session, other, requester, AFTER, 3, first=900, resolution=9000, rating=1)
    session.commit()
    return owner, department, loaners


def test_an_action_compares_equal_windows_before_and_after_its_date(session, owned):
    owner, department, loaners = owned
    action = actions.record_action(session, department, owner, text="Added a loaner pool",
                                   taken_on="2026-11-01", offering_id=loaners.id,
                                   moment="resolution", public=True, today=NOW.date())
    session.commit()

    effect = actions.effects(session, [action], NOW)[action.id]

    assert effect.days == 19.5
    before, after = effect.before, effect.after
    assert (before.requests, before.first_response_share, before.resolution_share,
            before.mean_rating, before.ratings) == (12, 0.5, 0.75, 2.0, 4)
    assert (after.requests, after.first_response_share, after.resolution_share,
            after.mean_rating, after.ratings) == (10, 0.9, 1.0, 4.5, 4)
    assert not effect.too_few


def test_a_department_wide_action_counts_every_offering(session, owned):
    owner, department, _loaners = owned
    action = actions.record_action(session, department, owner, text="Second agent",
                                   taken_on=ACTION_DAY, today=NOW.date())

    after = actions.effects(session, [action], NOW)[action.id].after

    assert (after.requests, after.first_response_kept, after.ratings, after.rating_sum) == \
        (13, 9, 7, 21)  # the 3 desks requests too: missed, rated 1 each


def test_too_few_requests_in_either_window_cannot_tell(session, owned):
    owner, department, loaners = owned
    recent = actions.record_action(session, department, owner, text="Recent",
                                   taken_on="2026-11-18", offering_id=loaners.id,
                                   today=NOW.date())
    today = actions.record_action(session, department, owner, text="Today",
                                  taken_on="2026-11-20", today=NOW.date())

    found = actions.effects(session, [recent, today], NOW)

    assert found[recent.id].days == 2.5 and found[recent.id].too_few
    assert found[recent.id].before.requests == 0
    assert found[today.id].days == 0.5 and found[today.id].too_few


def test_bad_input_names_each_field_and_records_nothing(session, owned):
    owner, department, _loaners = owned
    stranger = make_offering(session, make_department(session), slug="x")
    with pytest.raises(ValidationError) as raised:
        actions.record_action(session, department, owner, text="  ", taken_on="2026-12-24",
                              offering_id=stranger.id, moment="nonsense", today=NOW.date())
    assert set(raised.value.fields) == {"text", "taken_on", "offering_id", "moment"}
    with pytest.raises(PermissionDenied):
        actions.record_action(session, department, make_user(session), text="x",
                              taken_on=ACTION_DAY, today=NOW.date())
    assert actions.department_actions(session, department) == []


def test_employees_see_only_public_actions(session, owned):
    owner, department, _loaners = owned
    for public in (True, False):
        actions.record_action(session, department, owner, text=f"public={public}",
                              taken_on=ACTION_DAY, public=public, today=NOW.date())

    shown = actions.department_actions(session, department, public_only=True)

    assert [a.text for a in shown] == ["public=True"]
