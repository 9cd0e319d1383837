"""axe-core (tests/axe/, pinned, installed with `npm ci` on first use) run on a page in Chromium.

The source is evaluated through the DevTools protocol, which the portal's Content-Security-Policy
does not govern (a script tag would be refused, as it should be)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.node_packages import ensure_installed

AXE_DIR = Path(__file__).resolve().parent.parent / "axe"


def axe_violations(page: Any, include: str | None = None,
                   impacts: tuple[str, ...] = ("minor", "moderate", "serious", "critical")
                   ) -> list[str]:
    """The WCAG 2 A/AA violations axe finds on the page (or in `include`), one line each;
    only those of the given impacts."""
    ensure_installed(AXE_DIR, "axe-core")
    page.evaluate((AXE_DIR / "node_modules" / "axe-core" / "axe.min.js").read_text("utf-8"))
    result = page.evaluate(
        """async (include) => await axe.run(include ? {include: [include]} : document,
               {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})""",
        include)
    return [f"{violation['id']}: {violation['help']} at "
            f"{', '.join(str(node['target']) for node in violation['nodes'][:3])}"
            for violation in result["violations"] if violation["impact"] in impacts]
