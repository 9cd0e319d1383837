"""Relevance benchmark: does the intended offering rank first among 10,000?

    .venv/bin/python benchmarks/relevance.py [--offerings 10000] [--seed 17]

Loads the demo catalog (with its request history) into a throwaway SQLite database and asks a
fixed set of held-out queries, each naming the demo offering it means, of nine kinds: exact
words, inflected forms, umlauts spelt ae/oe/ue/ss, one typo, two typos in a long word, a typo
inside a compound, whole questions, German and English mixed, and the first letters of a title
word (answered by the suggestions as you type). Then it adds a generated catalog of distractors
around it (seeded): offerings written from the same words (the demo catalog's sentences, the
search benchmark's objects and sites, German and English title patterns), and asks again.
Queries whose words are a generated offering's own topic (an object of the search benchmark,
such as "Urlaubsantrag") are left out: those offerings are as right an answer.

For each catalog it prints hit@1, hit@3 and MRR (over the top 10) per kind, for the portal's
search and for plain Whoosh (default TEXT fields, its MultifieldParser) on the same offerings,
as a markdown table. None of these queries is used by the tests.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from search import DE_ACTIONS, DE_OBJECTS, EN_ACTIONS, EN_OBJECTS, SITES  # noqa: E402

TOP = 10
# (kind, query, slug of the demo offering it means).
QUERIES: list[tuple[str, str, str]] = [
    ("exact", "Elterngeld", "elternzeit"),
    ("exact", "Papierstau", "druckerproblem"),
    ("exact", "GlobalProtect", "vpn-access"),
    ("exact", "Arbeitszeugnis", "arbeitszeugnis"),
    ("exact", "Kantinenkarte", "kantinenkarte"),
    ("exact", "NDA", "nda"),
    ("exact", "trademark", "trademark-check"),
    ("exact", "Hauptversammlung", "hauptversammlung-anmeldung"),
    ("exact", "credit card", "corporate-credit-card"),
    ("exact", "press release", "press-release-review"),
    ("inflection", "Visitenkarte", "visitenkarten"),
    ("inflection", "Schlüsseln", "buero-schluessel"),
    ("inflection", "Reisekostenabrechnungen", "reisekostenabrechnung"),
    ("inflection", "Geschenken", "geschenke-einladungen"),
    ("inflection", "Reparaturen", "reparatur"),
    ("inflection", "invoices", "invoice-question"),
    ("inflection", "trademarks", "trademark-check"),
    ("inflection", "allergies", "dietary-needs"),
    ("inflection", "Torten", "geburtstagstorte"),
    ("inflection", "Zeugnisse", "arbeitszeugnis"),
    ("umlaut", "Schluessel", "buero-schluessel"),
    ("umlaut", "Jubilaeumstorte", "geburtstagstorte"),
    ("umlaut", "Unvertraeglichkeit", "dietary-needs"),
    ("umlaut", "Aktionaer", "hauptversammlung-anmeldung"),
    ("umlaut", "Gehaltsbestaetigung", "arbeitszeugnis"),
    ("umlaut", "Schliessanlage", "buero-schluessel"),
    ("umlaut", "Jubilaeum", "geburtstagstorte"),
    ("umlaut", "Multifunktionsgeraet", "druckerproblem"),
    ("umlaut", "Bewirtung fuer Besprechungen", "bewirtung-besprechung"),
    ("umlaut", "Vorschuss fuer Dienstreisen", "reisekostenvorschuss"),
    ("typo", "Eltrengeld", "elternzeit"),
    ("typo", "Papeirstau", "druckerproblem"),
    ("typo", "Vollmahct", "vollmacht"),
    ("typo", "trademrak", "trademark-check"),
    ("typo", "invocie", "invoice-question"),
    ("typo", "Kantinenkrate", "kantinenkarte"),
    ("typo", "newsleter", "newsletter-article"),
    ("typo", "dividnd", "investor-relations-contact"),
    ("typo", "Visitenkarten bestelen", "visitenkarten"),
    ("typo", "Datenschtuz", "datenschutz-anfrage"),
    ("two typos", "Gehatlsbestätigugn", "arbeitszeugnis"),
    ("two typos", "Arbietsbescheinigugn", "arbeitszeugnis"),
    ("two typos", "Geheimhaltngsvereinbraung", "nda"),
    ("two typos", "Zeichnugnsberechtigunng", "vollmacht"),
    ("two typos", "Datenschutzbeuftrgater", "datenschutz-anfrage"),
    ("two typos", "Reisekostenvorshcus", "reisekostenvorschuss"),
    ("two typos", "Softwarinstalaltion", "software-installieren"),
    ("two typos", "Mulitfunktoinsgerät", "druckerproblem"),
    ("two typos", "Besucheranmledugn", "visitor-registration"),
    ("two typos", "Handlugnsvollmcaht", "vollmacht"),
    ("compound typo", "Sonderurlaubsantarg", "urlaubsantrag"),
    ("compound typo", "Druckerpapierstaau", "druckerproblem"),
    ("compound typo", "Schlüsselverlsut", "buero-schluessel"),
    ("compound typo", "Tiefgaragenstellpaltz", "parkplatz"),
    ("compound typo", "Firmenkreditkartenlimti", "corporate-credit-card"),
    ("compound typo", "Elternzeitplanugn", "elternzeit"),
    ("compound typo", "Geburtstagskuhcen", "geburtstagstorte"),
    ("compound typo", "Hauptversammlungsvollmahct", "hauptversammlung-anmeldung"),
    ("compound typo", "Kantinenguthabne", "kantinenkarte"),
    ("compound typo", "Kantinenkartensperrugn", "kantinenkarte"),
    ("question", "Wie beantrage ich Elternzeit?", "elternzeit"),
    ("question", "Wo melde ich einen Papierstau?", "druckerproblem"),
    ("question", "Wie kann ich meinen Resturlaub beantragen", "urlaubsantrag"),
    ("question", "Was muss ich bei einer Datenpanne machen?", "datenschutz-anfrage"),
    ("question", "Wie bekomme ich ein Arbeitszeugnis?", "arbeitszeugnis"),
    ("question", "How do I reset my password?", "password-reset"),
    ("question", "Where can I book a meeting room?", "room-booking"),
    ("question", "How do I get a corporate credit card", "corporate-credit-card"),
    ("question", "Who reviews a non-disclosure agreement?", "nda"),
    ("question", "How do I register a visitor?", "visitor-registration"),
    ("mixed", "Messe booth", "event-booth"),
    ("mixed", "meeting room buchen", "room-booking"),
    ("mixed", "Diensthandy smartphone", "mobile-phone"),
    ("mixed", "parking Tiefgarage", "parkplatz"),
    ("mixed", "Urlaub vacation", "urlaubsantrag"),
    ("mixed", "Catering Feier buffet", "event-catering"),
    ("mixed", "Passwort vergessen unlock", "password-reset"),
    ("mixed", "Rechnung payment status", "invoice-question"),
    ("mixed", "Allergie vegan", "dietary-needs"),
    ("mixed", "Vertrag review", "contract-review"),
    # Written after the synonym list gained "book, buchen" for a miss above, and never tuned
    # on: mixed queries still held out.
    ("mixed-2", "Newsletter Artikel", "newsletter-article"),
    ("mixed-2", "Dienstreise advance", "reisekostenvorschuss"),
    ("mixed-2", "Geburtstag cake", "geburtstagstorte"),
    ("mixed-2", "visitor Anmeldung", "visitor-registration"),
    ("mixed-2", "Datenschutz question", "datenschutz-anfrage"),
    ("mixed-2", "Drucker paper jam", "druckerproblem"),
    ("mixed-2", "Vollmacht signature", "vollmacht"),
    ("mixed-2", "Kreditkarte limit", "corporate-credit-card"),
    ("mixed-2", "Software install", "software-installieren"),
    ("mixed-2", "Elternzeit application", "elternzeit"),
    ("prefix", "Urla", "urlaubsantrag"),
    ("prefix", "Visitenk", "visitenkarten"),
    ("prefix", "Elternz", "elternzeit"),
    ("prefix", "Hauptv", "hauptversammlung-anmeldung"),
    ("prefix", "Newsl", "newsletter-article"),
    ("prefix", "Geburt", "geburtstagstorte"),
    ("prefix", "Dieta", "dietary-needs"),
    ("prefix", "Bewritung", "bewirtung-besprechung"),
    ("prefix", "Onbaord", "onboarding-new-hire"),
    ("prefix", "Arbeitsz", "arbeitszeugnis"),
]
KINDS = list(dict.fromkeys(kind for kind, _, _ in QUERIES))

DE_SENTENCES = [
    "Bitte geben Sie Ihre Kostenstelle an.", "Die Bearbeitung dauert meist drei Arbeitstage.",
    "Ihre Führungskraft wird automatisch informiert.", "Den Status sehen Sie im Portal.",
]
EN_SENTENCES = [
    "Please tell us your cost center.", "Most requests are done within three business days.",
    "Your manager is informed automatically.", "You can follow the status in the portal.",
]


def sentences(text: str) -> list[str]:
    """Plain sentences of a demo text (markdown marks and links dropped)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text or "")
    text = re.sub(r"[*_`#>-]+", " ", text)
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.split()) >= 4]


def distractors(demo: list[dict], count: int, seed: int) -> list[dict]:
    """Offerings written from the demo catalog's sentences and the search benchmark's
    objects: titles and keywords name objects (a few are the demo's own topics: Parkplatz,
    Schlüssel, Visitenkarte, Urlaubsantrag ...) and sites, summaries and descriptions are
    sentences of the demo catalog's texts; about half German, half English, over the demo's
    departments."""
    rng = random.Random(seed)
    pool: dict[str, list[str]] = {"de": list(DE_SENTENCES), "en": list(EN_SENTENCES)}
    for o in demo:
        for field in ("summary", "description", "included", "not_included", "prerequisites",
                      "process"):
            pool[o["language"]] += sentences(o.get(field) or "")
    departments = sorted({o["department"] for o in demo})
    made = []
    for number in range(count):
        site = rng.choice(SITES)
        if number % 2:
            language = "de"
            singular, plural = rng.choice(DE_OBJECTS)
            title = rng.choice(DE_ACTIONS).format(o=singular)
            words = [plural, site, rng.choice(DE_OBJECTS)[0]]
        else:
            language = "en"
            thing = rng.choice(EN_OBJECTS)
            title = rng.choice(EN_ACTIONS).format(o=thing)
            words = [thing, site, rng.choice(EN_OBJECTS)]
        text = rng.sample(pool[language], 6)
        made.append({
            "department": departments[number % len(departments)],
            "slug": f"generated-{number}", "title": f"{title} ({site})", "language": language,
            "keywords": words,
            "summary": text[0], "description": " ".join(text[1:4]),
            "included": "- " + "\n- ".join(text[4:]), "audience": [],
        })
    return made


def demo_offerings(session) -> list[dict]:  # noqa: ANN001  (any session)
    from sqlalchemy import select

    from catalog.models import Offering
    return [{"department": o.department.slug, "slug": o.slug, "language": o.language,
             "title": o.title, "summary": o.summary, "description": o.description,
             "included": o.included, "not_included": o.not_included,
             "prerequisites": o.prerequisites, "process": o.process,
             "keywords": list(o.keywords or [])}
            for o in session.scalars(select(Offering).where(Offering.status == "published"))]


def add_offerings(session, offerings: list[dict]) -> None:  # noqa: ANN001
    from sqlalchemy import select

    from catalog.models import Department, Offering
    from catalog.revision import bump_catalog_revision

    departments = {d.slug: d for d in session.scalars(select(Department))}
    for values in offerings:
        values = dict(values)
        session.add(Offering(department=departments[values.pop("department")], **values))
    bump_catalog_revision(session)
    session.commit()


def plain_whoosh(directory: Path, offerings: list[dict]):  # noqa: ANN201
    """Whoosh's defaults on the same offerings: title and content, MultifieldParser, OR."""
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.index import create_in
    from whoosh.qparser import MultifieldParser, OrGroup

    schema = Schema(slug=ID(stored=True, unique=True), title=TEXT, content=TEXT)
    directory.mkdir()
    ix = create_in(str(directory), schema)
    writer = ix.writer(limitmb=128)
    for o in offerings:
        content = " ".join([o.get("summary") or "", o.get("description") or "",
                            o.get("included") or "", " ".join(o.get("keywords") or [])])
        writer.add_document(slug=o["slug"], title=o["title"], content=content)
    writer.commit()
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "content"], schema, group=OrGroup)

    def ranked(kind: str, text: str) -> list[str]:
        query = parser.parse(text + ("*" if kind == "prefix" else ""))
        return [hit["slug"] for hit in searcher.search(query, limit=TOP)]
    return ranked


def scores(engine, queries=QUERIES) -> dict[str, tuple[float, float, float]]:  # noqa: ANN001
    """{kind: (hit@1, hit@3, MRR)}; misses of the portal are printed."""
    found: dict[str, list[int | None]] = {}
    for kind, text, slug in queries:
        ranked = engine(kind, text)[:TOP]
        rank = ranked.index(slug) + 1 if slug in ranked else None
        found.setdefault(kind, []).append(rank)
        if rank is None or rank > 3:
            engine.misses.append((kind, text, slug, rank, ranked[:3]))
    return {kind: (sum(r == 1 for r in ranks) / len(ranks),
                   sum(r is not None and r <= 3 for r in ranks) / len(ranks),
                   sum(1 / r for r in ranks if r) / len(ranks))
            for kind, ranks in found.items()}


class Engine:
    def __init__(self, ranked) -> None:  # noqa: ANN001
        self.ranked = ranked
        self.misses: list = []

    def __call__(self, kind: str, text: str) -> list[str]:
        return self.ranked(kind, text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offerings", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--misses", action="store_true", help="print the portal's misses")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="relevance-bench-"))
    os.environ["PORTAL_INSTANCE_PATH"] = str(work)
    from catalog.demo import load_demo_data
    from catalog.models import Base
    from catalog.search import SearchIndex, criteria, search, suggest
    from portal import create_app
    from portal.extensions import db

    app = create_app({"SECRET_KEY": "benchmark"})
    results: dict[str, dict[str, dict[str, tuple[float, float, float]]]] = {}
    with app.app_context():
        Base.metadata.create_all(db.engine)
        load_demo_data(db.session)
        db.session.commit()
        demo = demo_offerings(db.session)
        catalogs = [("small", demo, []),
                    ("large", demo, distractors(demo, args.offerings, args.seed))]
        for name, base, extra in catalogs:
            if extra:
                start = time.perf_counter()
                add_offerings(db.session, extra)
                print(f"{len(extra)} distractors added in {time.perf_counter() - start:.1f} s",
                      file=sys.stderr)
            index = SearchIndex(work / f"index-{name}", answer_cache_size=0)
            index.rebuild(db.session)

            def portal(kind: str, text: str, index: SearchIndex = index) -> list[str]:
                if kind == "prefix":
                    found = [s.slug for s in suggest(index, db.session, text, limit=TOP)]
                else:
                    hits = search(index, db.session, criteria(text=text, per_page=TOP),
                                  spelling=False).hits
                    found = [h.offering.slug for h in hits]
                db.session.rollback()
                return found

            engines = {"portal": Engine(portal),
                       "plain Whoosh": Engine(plain_whoosh(work / f"whoosh-{name}",
                                                           base + extra))}
            for engine_name, engine in engines.items():
                results.setdefault(engine_name, {})[name] = scores(engine)
                if args.misses and engine_name == "portal":
                    for miss in engine.misses:
                        print(f"  {name} miss: {miss}", file=sys.stderr)
            index.close()
    print_table(results, args.offerings)


def print_table(results: dict, large: int) -> None:
    small_label, large_label = "demo catalog", f"+ {large:,} generated"
    print(f"| kind (queries) | portal, {small_label} | portal, {large_label} "
          f"| plain Whoosh, {small_label} | plain Whoosh, {large_label} |")
    print("|---|---|---|---|---|")
    counts = {kind: sum(k == kind for k, _, _ in QUERIES) for kind in KINDS}
    for kind in KINDS:
        cells = [f"{results[e][c][kind][0]:.2f} / {results[e][c][kind][1]:.2f} / "
                 f"{results[e][c][kind][2]:.2f}"
                 for e in ("portal", "plain Whoosh") for c in ("small", "large")]
        print(f"| {kind} ({counts[kind]}) | " + " | ".join(cells) + " |")
    print("\nEach cell: hit@1 / hit@3 / MRR (top 10).")


if __name__ == "__main__":
    main()
