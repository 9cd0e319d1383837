"""What the search tests share: a small German and English catalog written for them, and the
functions that other processes run (holding the index lock, editing at the same time)."""

from __future__ import annotations

import copy
import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from catalog.catalog_file import import_catalog

COMMITMENTS = [{"priority": "normal", "first_response": "4h", "resolution": "3d"}]


def offering(slug: str, title: str, language: str, summary: str, description: str = "",
             keywords: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    return {"slug": slug, "title": title, "language": language, "summary": summary,
            "description": description, "keywords": list(keywords), **extra}


CATALOG: dict[str, Any] = {"departments": [
    {"slug": "it", "name": "IT-Service", "commitments": COMMITMENTS, "offerings": [
        offering("reset-password", "Reset a password or unlock an account", "en",
                 "Locked out? We reset your password and unlock your account.",
                 "Forgot it or typed it wrong too often? We also re-register your "
                 "authenticator app when you changed phones.",
                 ("login", "locked out", "MFA")),
        offering("new-laptop", "Request a new laptop", "en",
                 "Standard and developer notebooks for new hires and replacements.",
                 "Every device comes with the company image and disk encryption.",
                 ("notebook", "computer", "hardware")),
        offering("laptop-repair", "Laptop-Reparatur", "de",
                 "Ihr Gerät ist defekt oder kaputt? Wir reparieren es oder tauschen es aus.",
                 "Bei Hardwarefehlern holen wir das Gerät ab und geben Ihnen ein Ersatzgerät.",
                 ("Laptop", "kaputt", "defekt", "Display", "Akku")),
        offering("vpn", "VPN access for remote work", "en",
                 "Connect to the company network from home or on the road.",
                 "Install the client and sign in with your company account.",
                 ("remote", "home office", "AnyConnect")),
        offering("sap-roles", "SAP-Berechtigung beantragen", "de",
                 "Zugriff auf SAP-Transaktionen für Ihre Rolle.",
                 "Ihre Führungskraft bestätigt jede neue Berechtigung.", ("SAP", "Rolle")),
        offering("user-admin", "Benutzerverwaltung für Teamleitungen", "de",
                 "Konten anlegen, sperren und Rechte vergeben.",
                 "Für alle Konten Ihres Teams an einem Ort."),
        offering("printer-toner", "Order printer toner", "en",
                 "Toner and ink for the office printers on your floor.", "",
                 ("cartridge", "ink")),
    ]},
    {"slug": "hr", "name": "Personalabteilung", "commitments": COMMITMENTS, "offerings": [
        offering("leave", "Antrag auf Urlaub", "de",
                 "Urlaub und Sonderurlaub beantragen und genehmigen lassen.",
                 "Ihre Führungskraft genehmigt den Antrag im Portal.",
                 audience=["employee"]),
        offering("payslip", "Fragen zur Gehaltsabrechnung", "de",
                 "Unklarheiten in Ihrer Abrechnung? Wir erklären jede Position.", "",
                 ("Lohn", "Gehalt")),
        offering("parental-leave", "Parental leave", "en",
                 "Plan your parental leave and the paperwork it needs.", "",
                 ("maternity", "paternity", "Elternzeit")),
    ]},
    {"slug": "facilities", "name": "Gebäude und Zentrale Verwaltung",
     "commitments": COMMITMENTS, "offerings": [
        offering("keys", "Schlüssel für Büro und Schrank", "de",
                 "Neue oder verlorene Schlüssel für Ihr Büro.", "",
                 ("Zugang", "Schließanlage")),
        offering("parking", "Parking space", "en",
                 "Apply for a parking space in the company garage.", "",
                 ("car park", "garage", "Parkplatz")),
        offering("office-move", "Büroumzug planen", "de",
                 "Wir organisieren den Umzug Ihres Teams in neue Räume.", "",
                 ("Umzugskartons",)),
        offering("meeting-rooms", "Book a meeting room", "en",
                 "Rooms for 4 to 40 people with video conferencing.", "",
                 ("conference room", "Besprechungsraum")),
        offering("cleaning", "Sonderreinigung im Gebäude", "de",
                 "Reinigung nach Veranstaltungen oder Bauarbeiten.", ""),
        offering("draft-secret", "Geheimprojekt Zeppelin", "de", "Noch nicht veröffentlicht.",
                 status="draft"),
        offering("fax", "Fax machine", "en", "We no longer run fax machines.",
                 status="retired"),
    ]},
    {"slug": "finance", "name": "Finance", "commitments": COMMITMENTS, "offerings": [
        offering("travel-expenses", "Travel expense report", "en",
                 "Claim your travel costs after a business trip.", "",
                 ("Reisekosten", "receipts", "per diem")),
        offering("travel-claim-de", "Reisekostenabrechnung einreichen", "de",
                 "Belege Ihrer Dienstreise einreichen und erstattet bekommen.", ""),
    ]},
]}


def load_search_catalog(session: Session) -> None:
    """Import the test catalog (which bumps the catalog revision) and commit."""
    import_catalog(session, copy.deepcopy(CATALOG))
    session.commit()


def one_offering_file(department: str, name: str, slug: str, title: str,
                      **values: Any) -> dict[str, Any]:
    """A catalog file that creates or changes just one offering."""
    return {"departments": [{"slug": department, "name": name, "offerings": [
        {"slug": slug, "title": title, "language": "en", "summary": f"About {title}.",
         **values}]}]}


# -- run in other processes -------------------------------------------------------------------

def hold_write_lock(index_root: str, locked: Any, release: Any) -> None:
    """Take the current generation's Whoosh write lock until told to let go."""
    from catalog.search import store

    writer = store.open_current(Path(index_root)).writer()
    locked.set()
    release.wait(60)
    writer.cancel()


def die_while_writing(index_root: str) -> None:
    """Start writing to the index and get killed before committing."""
    from catalog.search import store

    writer = store.open_current(Path(index_root)).writer()
    writer.add_document(id="999999", title="half written")
    os._exit(1)


def edit_and_search(database_url: str, instance_path: str, department: str, name: str,
                    rounds: int, start: Any) -> list[str]:
    """Rename an offering's title `rounds` times, each change followed by catalog_changed()
    and a search, as a second portal process would."""
    os.environ["PORTAL_INSTANCE_PATH"] = instance_path
    from portal import create_app
    from portal.extensions import db
    from portal.indexing import catalog_changed

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test",
                      "SEARCH_LOCK_TIMEOUT": 30.0, "SEARCH_WARM_UP": False})
    client = app.test_client()
    start.wait(60)
    problems = []
    for round_number in range(rounds):
        word = f"{department}word{round_number}"
        with app.app_context():
            for attempt in range(20):  # SQLite lets one writer in at a time
                try:
                    import_catalog(db.session, one_offering_file(
                        department, name, "moving", f"Moving target {word}"))
                    db.session.commit()
                    break
                except Exception:
                    db.session.rollback()
                    time.sleep(0.05 * (attempt + 1))
            catalog_changed()
        found = client.get(f"/api/v1/search?q={word}").get_json()
        if not any(r["department"] == department for r in found["results"]):
            problems.append(f"{word} not found right after the edit")
    with app.app_context():
        db.engine.dispose()
    return problems
