"""Offerings a result page shows are read once per index state and kept (operations.page_offerings):
read as plain columns and made into detached offerings, they must be what the ORM would have
loaded, and keep what a result, its card and the API read."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, load_only
from sqlalchemy.orm.exc import DetachedInstanceError

from catalog.models import Offering
from catalog.search.memo import Memo
from catalog.search.operations import _KEPT, page_offerings
from tests import factories


@pytest.fixture
def offerings(session: Session) -> list[Offering]:
    it = factories.make_department(session, slug="it", name="IT")
    made = [
        factories.make_offering(
            session, it, slug="laptop", title="New laptop", summary="A **fast** one",
            description="Order a [laptop](https://example.com/laptops) for new staff.",
            audience=["employee"], priority_targets={"high": {"first_response": 60}},
            translations={"de": {"title": "Neuer Laptop"}}),
        factories.make_offering(session, it, slug="printer", title="Printer", summary="",
                                description="", process="1. Ask\n2. Wait"),
        factories.make_offering(session, it, slug="old", title="Old", status="retired"),
    ]
    session.commit()
    return made


def test_kept_offerings_are_what_the_orm_loads(session, offerings):
    ids = [offering.id for offering in offerings]
    memo = Memo(100)
    page_offerings(session, ids[1:2], memo)  # its department is kept with it
    session.close()
    kept = page_offerings(session, ids, memo)
    assert not session.in_transaction()  # the others read without beginning the session
    assert sorted(kept) == sorted(ids[:2])  # published ones only
    with Session(session.get_bind()) as other:
        loaded = {offering.id: offering for offering in other.scalars(
            select(Offering).where(Offering.id.in_(ids)).options(load_only(*_KEPT)))}
        for offering_id, row in kept.items():
            for column in _KEPT:
                assert getattr(row.offering, column.key) == getattr(
                    loaded[offering_id], column.key), column.key
    laptop = kept[ids[0]]
    assert laptop.offering.translations == {"de": {"title": "Neuer Laptop"}}
    assert laptop.offering.priority_targets == {"high": {"first_response": 60}}
    assert laptop.offering.department.slug == "it"
    assert laptop.text.texts[2] == "Order a laptop for new staff."
    assert kept[ids[1]].text.texts == ("Printer", "", "Ask Wait")
    state = inspect(laptop.offering)
    assert state.detached and state.key[1] == (ids[0],)


def test_what_was_not_read_is_not_read_behind_the_pages_back(session, offerings):
    """A kept offering belongs to no session: an attribute it was not read with fails loudly
    (as a detached ORM object does) instead of querying from a template."""
    session.close()
    row = page_offerings(session, [offerings[0].id], Memo(100))[offerings[0].id]
    with pytest.raises(DetachedInstanceError):
        _ = row.offering.form
