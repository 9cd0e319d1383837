"""`flask --app portal people import FILE.csv [--dry-run]`: the people directory.

Problems, notes and progress go to standard error; the one-line summary to standard output.
"""

from pathlib import Path

import click
from flask.cli import AppGroup

from catalog.people.directory import DirectoryError, DirectoryReport, import_directory

from ..extensions import db

people = AppGroup("people", help="The people directory: accounts, home departments, managers.")

PROGRESS_FROM = 5000  # rows to write; smaller imports finish before anyone waits
MAX_NOTES = 20


@people.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report, but write nothing.")
def import_people(file: Path, dry_run: bool) -> None:
    """Create and update accounts from a people directory (CSV).

    Columns: email,name,audience,department,manager_email; see docs/people-directory.md.
    """
    def show_progress(what: str, done: int, total: int) -> None:
        if total >= PROGRESS_FROM:
            click.echo(f"{what}: {done:,} of {total:,}", err=True)

    try:
        report = import_directory(file.read_bytes(), db.session, dry_run=dry_run,
                                  progress=show_progress)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    except DirectoryError as error:
        db.session.rollback()
        for line in error.lines():
            click.echo(line, err=True)
        raise click.ClickException(f"{len(error.problems.items)} problem(s) in {file}; "
                                   "nothing was imported.") from None
    except BaseException:
        db.session.rollback()
        raise
    _note_new_managers(report)
    if dry_run:
        click.echo(f"Dry run, nothing written: {report}.")
    elif report.changed:
        click.echo(f"Imported {file}: {report}.")
    else:
        click.echo(f"Imported {file}: {report}; nothing changed.")


def _note_new_managers(report: DirectoryReport) -> None:
    """Name the managers who get an account only because a row names them: a typo shows."""
    verb = "would get" if report.dry_run else "got"
    for email in report.managers_created[:MAX_NOTES]:
        click.echo(f"note: manager {email} is not in the file and had no account; "
                   f"{verb} one", err=True)
    if len(report.managers_created) > MAX_NOTES:
        click.echo(f"note: ... and {len(report.managers_created) - MAX_NOTES} more such "
                   "managers", err=True)
