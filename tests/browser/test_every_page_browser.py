"""Every page of the portal (tests/page_list.py) on the demo catalog, as an anonymous visitor,
an employee, an agent, an owner and an admin, in German and English, at 390 px and 1366 px:
no horizontal scrolling (the document no wider than the window) and no serious or critical
accessibility violation that axe-core finds. Screenshots to test-output/every-page/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from catalog import history
from catalog.demo import DEMO_PASSWORD, load_demo_data
from catalog.department_settings import save_department_settings
from catalog.editing import mark_reviewed
from catalog.models import Offering, ReplyTemplate, User, Webhook
from portal import ROOT
from tests.browser.axe import axe_violations
from tests.page_list import PAGES, example

pytestmark = pytest.mark.browser

PEOPLE = (None, "emma.employee@example.com", "adam.agent@example.com",
          "olivia.owner@example.com", "admin@example.com")
VIEWS = ((390, "de"), (1366, "en"), (390, "en"), (1366, "de"))
SHOTS = ROOT / "test-output" / "every-page"


@pytest.fixture
def demo(live_server) -> dict[str, str]:
    """The demo catalog, a request of Emma's, a webhook and a reply template: values for the
    pages' placeholders."""
    with live_server.session() as session:
        load_demo_data(session)
        session.commit()
        emma = session.scalar(select(User).where(User.email == "emma.employee@example.com"))
        offering = next(o for o in session.scalars(select(Offering).where(
            Offering.status == "published").order_by(Offering.id))
            if o.form and not o.approval and all(f.get("type") != "file" or not f.get("required")
                                                 for f in o.form))
        department = offering.department
        from catalog.submission import submit_request
        from catalog.uploads import FileStore
        request = submit_request(session, offering, emma, priority=None,
                                 values=_answers(offering.form),
                                 store=FileStore(ROOT / "test-output" / "uploads", 1 << 20))
        hook = Webhook(url="https://hooks.example.com/portal", events=["request.created"],
                       secret="whsec_demo", department=department)
        session.add(hook)
        reply = ReplyTemplate(department=department, title="Ready for pick-up",
                              body="Hello {name}, {ref} is ready for you.")
        session.add(reply)
        # A revision of the offering and of the settings, so both compare pages have a link.
        admin = session.scalar(select(User).where(User.is_admin.is_(True)))
        mark_reviewed(session, offering, admin)
        settings = history.department_snapshot(department)
        save_department_settings(session, department, {
            **settings, "description": settings["description"] + "\n\nUpdated."}, admin)
        session.commit()
        return {"dept": department.slug, "offering": offering.slug,
                "offering_id": str(offering.id), "ref": request.ref, "hook_id": str(hook.id),
                "template_id": str(reply.id)}


def _answers(form: list[dict[str, Any]]) -> dict[str, Any]:
    """Plain answers for a demo form's required fields."""
    answers: dict[str, Any] = {}
    for field in form:
        if not field.get("required"):
            continue
        kind = field.get("type", "text")
        answers[field["name"]] = {"number": 1, "checkbox": True, "email": "emma@example.com",
                                  "date": "2031-01-15"}.get(kind, "A reason")
        if kind in ("select", "multiselect"):
            first = field["choices"][0]
            answers[field["name"]] = [first] if kind == "multiselect" else first
    return answers


def sign_in(page: Any, base: str, email: str | None) -> None:
    page.context.clear_cookies()
    if email is None:
        return
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def paths(page: Any, base: str, values: dict[str, str]) -> list[str]:
    """Every page's address; a compare page is the first one its history page links."""
    found = []
    for rule in PAGES:
        if rule.endswith("/compare"):
            history = example(rule.removesuffix("/compare"), values)
            page.goto(base + history)
            link = page.locator("a[href*='/compare?']").first
            if link.count():
                found.append(link.get_attribute("href"))
            continue
        if rule.endswith("/breakdowns/requests"):  # the requests behind one point
            found.append(example(rule, values) + f"?offering={values['offering']}"
                         "&moment=first_response")
            continue
        found.append(example(rule, values))
    return found


def test_every_page_fits_the_window_and_passes_axe(live_server, demo, browser_page):
    page = browser_page
    base = live_server.url
    problems: list[str] = []
    shot: set[tuple[str, int, str]] = set()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for email in PEOPLE:
        sign_in(page, base, email)
        who = (email or "anonymous").split("@")[0]
        for path in paths(page, base, demo):
            for width, language in VIEWS:
                page.set_viewport_size({"width": width, "height": 900})
                separator = "&" if "?" in path else "?"
                response = page.goto(f"{base}{path}{separator}lang={language}")
                if response is None or response.status >= 400 or (
                        "/login" in page.url and not path.startswith("/login")):
                    break  # not for this person: the permission matrix checks that
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > width:
                    problems.append(f"{who} {language} {width}px {path}: {wide}px wide")
                problems += [f"{who} {language} {width}px {path}: {violation}"
                             for violation in axe_violations(page, impacts=("serious",
                                                                             "critical"))]
                key = (path, width, language)
                if key not in shot:
                    shot.add(key)
                    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
                    page.screenshot(path=str(SHOTS / f"{name}-{width}-{language}.png"),
                                    full_page=True)
    assert not problems, "\n".join(problems)
    # Every page was seen by someone (its address, placeholders filled).
    assert len({re.sub(r"\?.*", "", key[0]) for key in shot}) == len(PAGES), sorted(
        {key[0] for key in shot})
