"""Every request form of the demo catalog works: shown to whom it is for, refused to others,
and an empty submission is told what is missing (or accepted), never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.demo import load_demo_data
from catalog.models import Offering, User


@pytest.mark.slow
def test_every_demo_form_renders_and_answers_an_empty_submission(app, client, auth, session):
    app.config["SUBMIT_LIMIT"] = "1000 per minute"  # one person sends every form in a row
    load_demo_data(session)
    session.commit()
    emma = session.scalar(select(User).where(User.email == "emma.employee@example.com"))
    carl = session.scalar(select(User).where(User.email == "carl.contractor@example.com"))
    offerings = session.scalars(select(Offering).where(Offering.status == "published")).all()
    assert len(offerings) > 20
    for offering in offerings:
        url = f"/departments/{offering.department.slug}/{offering.slug}/request"
        auth.login(emma)
        shown = client.get(url)
        expected = 200 if offering.is_open_to("employee") else 403
        assert shown.status_code == expected, url
        if expected == 200:
            sent = client.post(url, data={})
            required = any(f.get("required") for f in offering.form)
            assert sent.status_code == (422 if required else 303), url
        auth.login(carl)
        assert client.get(url).status_code == (200 if offering.is_open_to("contractor")
                                               else 403), url
