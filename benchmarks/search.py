"""Search benchmark: the portal's search against plain Whoosh on the same generated catalog.

    .venv/bin/python benchmarks/search.py [--offerings 10000] [--rounds 5]

Generates a catalog of German and English offerings (seeded, so every run sees the same text)
in a throwaway SQLite database, builds the portal's index (timed), then runs a fixed mix of
queries (exact, inflected, typo, prefix, phrase, no hit) through the portal's search function
(without the "did you mean" path) and through plain Whoosh with a default schema on the same
documents, and prints p50/p95 per engine and per kind of query; then the same mix once more
with the portal's answer cache on (every query asked before: a lookup and the page's rows).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEPARTMENTS = [
    ("it", "IT Services"), ("hr", "Personalabteilung"), ("facilities", "Facility Management"),
    ("finance", "Finanzen und Controlling"), ("catering", "Kantine und Catering"),
    ("marketing", "Marketing"), ("legal", "Rechtsabteilung"), ("procurement", "Einkauf"),
    ("travel", "Reisestelle"), ("security", "Werkschutz und Sicherheit"),
    ("training", "Learning and Development"), ("communications", "Unternehmenskommunikation"),
]
SITES = ["Berlin", "München", "Hamburg", "Köln", "Frankfurt", "Stuttgart", "Leipzig", "Dresden",
         "Nürnberg", "Bremen", "Hannover", "Düsseldorf", "Wien", "Zürich", "Prag", "London",
         "Paris", "Madrid", "Mailand", "Warschau"]

EN_OBJECTS = [
    "laptop", "monitor", "docking station", "headset", "mobile phone", "printer", "VPN access",
    "SAP account", "email mailbox", "shared drive", "software licence", "parking space",
    "meeting room", "desk", "office key", "access badge", "business card", "travel booking",
    "expense report", "training course", "onboarding", "offboarding", "payslip",
    "sick note", "home office equipment", "conference call", "catering order", "event space",
    "contract review", "purchase order", "invoice", "credit card", "visitor pass",
    "company car", "bicycle lease", "team offsite", "press release", "logo file", "translation",
    "data backup", "password", "firewall rule", "database", "server", "Microsoft Teams channel",
]
EN_ACTIONS = ["Request a new {o}", "Order a {o}", "Repair or replace a {o}", "Book a {o}",
              "Cancel a {o}", "Change your {o}", "Get help with your {o}", "Return a {o}",
              "Report a problem with a {o}", "Extend a {o}"]
EN_SENTENCES = [
    "Use this service if you need a {o} for your daily work.",
    "We handle requests for {o} from every site, including {s}.",
    "Please tell us your cost center and the name of your manager.",
    "Most requests are completed within three business days.",
    "If your {o} is broken, describe the problem and attach a photo.",
    "Temporary staff need the approval of their team lead.",
    "The {d} team checks every request and contacts you if anything is missing.",
    "You can follow the status of your request on the portal.",
    "Urgent cases can be marked as high priority.",
    "For questions about {o} please read the knowledge base first.",
    "Approvals are collected automatically from your manager.",
    "Deliveries to {s} take one extra day.",
]
DE_OBJECTS = [
    ("Laptop", "Laptops"), ("Bildschirm", "Bildschirme"), ("Dockingstation", "Dockingstationen"),
    ("Headset", "Headsets"), ("Diensthandy", "Diensthandys"), ("Drucker", "Drucker"),
    ("VPN-Zugang", "VPN-Zugänge"), ("SAP-Berechtigung", "SAP-Berechtigungen"),
    ("Postfach", "Postfächer"), ("Gruppenlaufwerk", "Gruppenlaufwerke"),
    ("Softwarelizenz", "Softwarelizenzen"), ("Parkplatz", "Parkplätze"),
    ("Besprechungsraum", "Besprechungsräume"), ("Arbeitsplatz", "Arbeitsplätze"),
    ("Büroschlüssel", "Büroschlüssel"), ("Schlüssel", "Schlüssel"),
    ("Zutrittskarte", "Zutrittskarten"),
    ("Visitenkarte", "Visitenkarten"), ("Dienstreise", "Dienstreisen"),
    ("Reisekostenabrechnung", "Reisekostenabrechnungen"), ("Schulung", "Schulungen"),
    ("Urlaubsantrag", "Urlaubsanträge"), ("Gehaltsabrechnung", "Gehaltsabrechnungen"),
    ("Krankmeldung", "Krankmeldungen"), ("Benutzerkonto", "Benutzerkonten"),
    ("Rechnung", "Rechnungen"), ("Bestellung", "Bestellungen"), ("Firmenwagen", "Firmenwagen"),
    ("Dienstfahrrad", "Diensträder"), ("Umzug", "Umzüge"), ("Übersetzung", "Übersetzungen"),
    ("Datensicherung", "Datensicherungen"), ("Passwort", "Passwörter"),
    ("Besucherausweis", "Besucherausweise"), ("Vertragsprüfung", "Vertragsprüfungen"),
]
DE_ACTIONS = ["{o} beantragen", "{o} bestellen", "Neuer {o}", "{o} ändern", "{o} kündigen",
              "Hilfe bei {o}", "Antrag auf {o}", "{o} zurückgeben", "Störung: {o}",
              "{o} verlängern"]
DE_SENTENCES = [
    "Nutzen Sie diesen Service, wenn Sie {p} für Ihre tägliche Arbeit benötigen.",
    "Wir bearbeiten Anfragen zu {p} an allen Standorten, auch in {s}.",
    "Bitte geben Sie Ihre Kostenstelle und den Namen Ihrer Führungskraft an.",
    "Die meisten Anträge sind innerhalb von drei Arbeitstagen erledigt.",
    "Ist Ihr {o} defekt, beschreiben Sie das Problem und fügen Sie ein Foto bei.",
    "Für Zeitarbeitskräfte ist die Freigabe der Teamleitung erforderlich.",
    "Das Team der {d} prüft jeden Antrag und meldet sich, wenn etwas fehlt.",
    "Den Bearbeitungsstand sehen Sie jederzeit im Portal.",
    "Dringende Fälle können mit hoher Priorität markiert werden.",
    "Lesen Sie bei Fragen zu {p} bitte zuerst die Wissensdatenbank.",
    "Die Genehmigung Ihrer Führungskraft wird automatisch eingeholt.",
    "Lieferungen nach {s} dauern einen Tag länger.",
]

# (kind, query): the fixed mix every run measures.
QUERIES = [
    ("exact", "Parkplatz"), ("exact", "laptop"), ("exact", "VPN"), ("exact", "Urlaubsantrag"),
    ("inflected", "Parkplätze"), ("inflected", "laptops"), ("inflected", "Rechnungen"),
    ("inflected", "Schluessel"), ("typo", "Labtop"), ("typo", "Reisekostenabrechnug"),
    ("typo", "meting room"), ("typo", "Besprechngsraum"), ("prefix", "lapt"),
    ("prefix", "Dienstr"), ("prefix", "Besprech"), ("prefix", "parking sp"),
    ("phrase", '"meeting room"'), ("phrase", '"Antrag auf Urlaub"'),
    ("phrase", '"docking station"'), ("nohit", "xylophon quantenphysik"),
    ("nohit", "zebra"), ("mixed", "mein Laptop ist kaputt"), ("mixed", "new monitor Berlin"),
]


def generate_offerings(count: int, seed: int = 42) -> list[dict]:
    """Offerings as plain values: about half German, half English, over 12 departments."""
    rng = random.Random(seed)
    offerings = []
    for number in range(count):
        slug, department = DEPARTMENTS[number % len(DEPARTMENTS)]
        site = rng.choice(SITES)
        if number % 2:
            singular, plural = rng.choice(DE_OBJECTS)
            title = rng.choice(DE_ACTIONS).format(o=singular)
            sentences, fill = DE_SENTENCES, {"o": singular, "p": plural}
            language, keywords = "de", [plural, site, rng.choice(DE_OBJECTS)[0]]
        else:
            thing = rng.choice(EN_OBJECTS)
            title = rng.choice(EN_ACTIONS).format(o=thing)
            sentences, fill = EN_SENTENCES, {"o": thing, "p": thing + "s"}
            language, keywords = "en", [thing, site, rng.choice(EN_OBJECTS)]
        fill.update(s=site, d=department)
        text = [rng.choice(sentences).format(**fill) for _ in range(rng.randint(4, 8))]
        offerings.append({
            "department": slug, "slug": f"service-{number}",
            "title": f"{title} ({site})", "language": language, "keywords": keywords,
            "summary": text[0], "description": " ".join(text[1:4]),
            "included": "- " + "\n- ".join(text[4:]), "process": text[-1],
            "audience": [] if number % 3 else ["employee", "temporary"],
        })
    return offerings


def load_catalog(session, offerings: list[dict]) -> None:  # noqa: ANN001  (any session)
    """Write departments and offerings straight into the database."""
    from catalog.models import Commitment, Department, Offering
    from catalog.revision import bump_catalog_revision

    departments = {}
    for index, (slug, name) in enumerate(DEPARTMENTS):
        department = Department(slug=slug, code=f"D{index}", name=name)
        department.commitments.append(Commitment(priority="normal", rank=1,
                                                 first_response_minutes=240,
                                                 resolution_minutes=1620))
        session.add(department)
        departments[slug] = department
    session.flush()
    for values in offerings:
        values = dict(values)
        session.add(Offering(department=departments[values.pop("department")], **values))
    bump_catalog_revision(session)
    session.commit()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def plain_whoosh(directory: Path, offerings: list[dict]):  # noqa: ANN201
    """The baseline: Whoosh's default TEXT fields, its query parser, its defaults."""
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.index import create_in
    from whoosh.qparser import MultifieldParser

    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(stored=True), content=TEXT)
    directory.mkdir()
    ix = create_in(str(directory), schema)
    writer = ix.writer(limitmb=128)
    for number, o in enumerate(offerings, 1):
        content = " ".join([o["summary"], o["description"], o["included"], o["process"],
                            " ".join(o["keywords"])])
        writer.add_document(id=str(number), title=o["title"], content=content)
    writer.commit()
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "content"], schema)

    def search(text: str) -> int:
        results = searcher.search(parser.parse(text), limit=20)
        return len(results.top_n)
    return search


def measure(engines: dict, rounds: int) -> dict[str, dict[str, list[float]]]:
    """Milliseconds per engine and query kind over `rounds` passes of the mix, after one
    warm-up pass; the engines take turns on each query, so a busy machine slows both alike."""
    for _, text in QUERIES:
        for search in engines.values():
            search(text)
    times: dict[str, dict[str, list[float]]] = {name: {} for name in engines}
    for _ in range(rounds):
        for kind, text in QUERIES:
            for name, search in engines.items():
                start = time.perf_counter()
                search(text)
                times[name].setdefault(kind, []).append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, times: dict[str, list[float]]) -> tuple[float, float]:
    every = [t for values in times.values() for t in values]
    p50, p95 = percentile(every, 0.5), percentile(every, 0.95)
    kinds = ", ".join(f"{kind} {percentile(v, 0.5):.1f}/{percentile(v, 0.95):.1f}"
                      for kind, v in times.items())
    print(f"{name:14} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   ({kinds})")
    return p50, p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offerings", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="search-bench-"))
    os.environ["PORTAL_INSTANCE_PATH"] = str(work)
    from catalog.models import Base
    from catalog.search import SearchIndex, criteria, search
    from portal import create_app
    from portal.extensions import db

    offerings = generate_offerings(args.offerings)
    app = create_app({"SECRET_KEY": "benchmark"})
    with app.app_context():
        Base.metadata.create_all(db.engine)
        start = time.perf_counter()
        load_catalog(db.session, offerings)
        print(f"{args.offerings} offerings written to SQLite in "
              f"{time.perf_counter() - start:.1f} s")

        # Without the answer cache: the mix repeats, and every search should be measured.
        index = SearchIndex(work / "search-index", answer_cache_size=0)
        start = time.perf_counter()
        index.rebuild(db.session)
        portal_build = time.perf_counter() - start
        start = time.perf_counter()
        baseline = plain_whoosh(work / "plain-whoosh", offerings)
        plain_build = time.perf_counter() - start
        print(f"index build: portal {portal_build:.1f} s, plain Whoosh {plain_build:.1f} s")

        def portal(text: str) -> int:
            index.forget_queries()  # nor the words' clauses and scores (catalog/search/memo.py)
            results = search(index, db.session, criteria(text=text), spelling=False)
            db.session.rollback()  # like the end of a request
            return len(results.hits)

        for kind, text in QUERIES:
            print(f"  {kind:9} {text!r:28} portal {portal(text):2} hits, "
                  f"plain Whoosh {baseline(text):2}")
        times = measure({"portal search": portal, "plain Whoosh": baseline}, args.rounds)
        portal_p = report("portal search", times["portal search"])
        plain_p = report("plain Whoosh", times["plain Whoosh"])
        print(f"p95 ratio portal / plain Whoosh: {portal_p[1] / plain_p[1]:.2f}")
        cached = SearchIndex(work / "search-index")

        def repeated(text: str) -> int:
            results = search(cached, db.session, criteria(text=text), spelling=False)
            db.session.rollback()
            return len(results.hits)
        report("repeated query", measure({"cached": repeated}, args.rounds)["cached"])


if __name__ == "__main__":
    main()
