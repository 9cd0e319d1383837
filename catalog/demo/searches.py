"""A month of logged searches for the demo, so that owners' "Searches that found nothing" has
something to act on at first run.

The queries are what new employees type, some the catalog answers and some it does not
(yet). Each is asked of the real search when the demo is loaded, so the number of results
logged is what the catalog gives; the hours are spread over the last 30 days.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Offering, SearchLogEntry, utcnow
from ..search_log import search_entry, write_searches

SEED = 15
DAYS = 30
# (query, language of the page, times searched, slug of the offering opened from it, if any)
SEARCHES: tuple[tuple[str, str, int, str | None], ...] = (
    ("Druckertreiber", "de", 4, None),
    ("Dienstfahrrad", "de", 5, None),
    ("standing desk", "en", 3, None),
    ("Stehtisch", "de", 2, None),
    ("WLAN Gastzugang", "de", 3, None),
    ("Gehaltsvorschuss", "de", 2, None),
    ("Firmenhandy Vertrag", "de", 2, None),
    ("Messestand Prospekte", "de", 2, None),
    ("Resturlaub übertragen", "de", 3, None),
    ("Kaffeemaschine", "de", 2, None),
    ("urlaub beantragen", "de", 7, "urlaubsantrag"),
    ("reset password", "en", 6, "password-reset"),
    ("Parkplatz", "de", 4, "parkplatz"),
    ("Visitenkarten", "de", 3, "visitenkarten"),
)

# What the search answers for a query: (number of results, their offering ids, best first).
Answer = Callable[[str], tuple[int, list[int]]]


def load_demo_searches(session: Session, answer: Answer, now: datetime | None = None) -> int:
    """Log the demo's searches unless the log has entries; returns the number logged."""
    if session.scalar(select(SearchLogEntry.id).limit(1)) is not None:
        return 0
    now = now or utcnow()
    rng = random.Random(SEED)
    slugs = {slug: offering_id for slug, offering_id in session.execute(
        select(Offering.slug, Offering.id).where(Offering.status == "published"))}
    entries = []
    for text, language, times, opened in SEARCHES:
        total, found = answer(text)
        opened_id = slugs.get(opened) if opened else None
        for number in range(times):
            when = now - timedelta(hours=rng.randint(1, 24 * DAYS))
            entry = search_entry(text, language, total, "page", when)
            if entry is not None:
                # Most who searched opened the result they meant, where it was found.
                if opened_id in found and number % 3 != 2:
                    entry["opened_offering_id"] = opened_id
                entries.append(entry)
    write_searches(session, entries)
    return len(entries)
