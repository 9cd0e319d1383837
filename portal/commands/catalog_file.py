import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from catalog import audit
from catalog.catalog_file import (
    CatalogFileError,
    dump_yaml,
    export_catalog,
    import_catalog,
    load_yaml,
)
from catalog.demo import demo_sign_ins, load_demo_data
from catalog.demo.searches import load_demo_searches
from catalog.models import Department
from catalog.search import criteria, search

from ..extensions import db
from ..indexing import catalog_changed, search_index


@click.command("import")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report, but write nothing.")
def import_command(file: Path, dry_run: bool) -> None:
    """Create or update departments and offerings from a catalog file."""
    try:
        text = file.read_text("utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text.") from None
    try:
        with audit.acting_as(db.session, audit.COMMAND_LINE):
            summary = import_catalog(db.session, load_yaml(text),
                                     current_app.config["CONTENT_LANGUAGE"])
    except CatalogFileError as error:
        db.session.rollback()
        for path, message in error.problems.items:
            click.echo(f"{file}: {path}: {message}", err=True)
        raise click.ClickException(
            f"{len(error.problems.items)} problem(s) found; nothing was imported.") from None
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run, nothing written: would have {summary}.")
        return
    db.session.commit()
    catalog_changed()
    click.echo(f"Imported {file}: {summary}.")


@click.command("export")
@with_appcontext
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def export_command(file: Path | None) -> None:
    """Write the whole catalog as a catalog file (to FILE, or standard output)."""
    text = dump_yaml(export_catalog(db.session))
    if file is None:
        sys.stdout.write(text)
        return
    file.write_text(text, "utf-8")
    click.echo(f"Exported the catalog to {file}.", err=True)


@click.command("demo-data")
@with_appcontext
def demo_data() -> None:
    """Load the demo catalog and demo users (safe to run again)."""
    click.echo("Loading the demo catalog and users ...", err=True)
    with audit.acting_as(db.session, audit.COMMAND_LINE):
        summary = load_demo_data(db.session, current_app.config["CONTENT_LANGUAGE"])
        db.session.commit()
    catalog_changed()
    searches = load_demo_searches(db.session, _demo_answer)
    db.session.commit()
    click.echo(f"Demo data loaded: {summary}, {searches} searches logged.", err=True)


def _demo_answer(text: str) -> tuple[int, list[int]]:
    """What the portal's search answers for a demo query: (results, offering ids)."""
    found = search(search_index(), db.session, criteria(text=text, per_page=20), spelling=False)
    return found.total, [hit.offering.id for hit in found.hits]


@click.command("catalog-empty")
@with_appcontext
def catalog_empty() -> None:
    """Print "yes" if the catalog has no department yet (used by `make run`)."""
    try:
        found = db.session.scalar(select(Department.id).limit(1))
    except (OperationalError, ProgrammingError):  # no tables (SQLite; PostgreSQL)
        raise click.ClickException("There is no database yet: run `flask --app portal "
                                   "init-db` first.") from None
    click.echo("no" if found else "yes")


@click.command("demo-sign-ins")
@with_appcontext
def demo_sign_ins_command() -> None:
    """List the demo accounts."""
    for email, role in demo_sign_ins():
        click.echo(f"  {email:34} {role}")
