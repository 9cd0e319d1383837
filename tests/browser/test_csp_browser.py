"""The main pages under the portal's Content-Security-Policy, enforced by Chromium (not
bypassed): none of them makes the browser block anything, and its scripts still work."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import factories

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
# Every violation, also of an element's style or an image, as a console error the test reads.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def catalog(live_server):
    with live_server.session() as session:
        olga = factories.make_user(session, email="olga@example.com", name="Olga Owner")
        olga.set_password(PASSWORD)
        department = factories.make_department(
            session, slug="it", code="IT", name="IT Services", owners=[olga], agents=[olga],
            description="We keep **your** computers running."
                        " ![Pixel](https://tracker.example.net/p.gif)")
        factories.make_offering(
            session, department, slug="new-laptop", title="Order a new laptop",
            summary="A laptop for new staff", keywords=["laptop", "notebook"],
            form=[{"name": "summary", "label": "Short summary", "type": "text",
                   "required": True, "help": ""},
                  {"name": "quote", "label": "Quote", "type": "file", "required": False,
                   "help": ""}])
        session.commit()


def test_main_pages_cause_no_csp_violation(live_server, catalog, browser_page):
    page: Any = browser_page
    problems: list[str] = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: message.type == "error" and problems.append(
        f"{page.url}: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    base = live_server.url

    def visit(path: str) -> None:
        response = page.goto(base + path)
        assert response is not None and response.ok, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")

    for path in ("/", "/departments/it", "/departments/it/new-laptop", "/search?q=laptop",
                 "/login"):
        visit(path)
    assert page.locator("main img").count() == 0  # the pixel is a link, not loaded

    # The policy is enforced: an inline script is refused and reported (then forgotten).
    ran = page.evaluate("""() => { const s = document.createElement("script");
        s.textContent = "window.inlineRan = true"; document.body.append(s);
        return window.inlineRan === true; }""")
    page.wait_for_timeout(100)
    assert not ran and any("script-src" in problem for problem in problems), problems
    problems.clear()

    page.get_by_label("E-mail").fill("olga@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    page.locator("#home-q").fill("lapt")  # search as you type: script, fetch, stylesheet
    page.get_by_role("option").first.wait_for()

    visit("/departments/it/new-laptop/request")
    page.get_by_label("Short summary").fill("A laptop for Jo")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url(re.compile(r"/requests/IT-\d{4}-\d+$"))
    for path in ("/requests/", "/manage/queue/", "/manage/queue/it", "/manage/",
                 "/manage/departments/it/", "/manage/departments/it/offerings/new-laptop/edit"):
        visit(path)
    page.wait_for_timeout(100)  # a late violation report still arrives
    assert problems == []
