"""`flask --app portal people import FILE.csv [--dry-run]`: the people directory;
`people export EMAIL [--output FILE]` and `people forget EMAIL`: a person's data (DSGVO).

Problems, notes and progress go to standard error; the one-line summary to standard output.
"""

import json
import os
from pathlib import Path

import click
from flask.cli import AppGroup

from catalog import audit
from catalog.models import User
from catalog.people.accounts import find_user
from catalog.people.directory import DirectoryError, DirectoryReport, import_directory
from catalog.people.privacy import export_person, forget_person, remove_files

from ..extensions import db
from ..uploads import file_store

people = AppGroup("people", help="The people directory: accounts, home departments, managers; "
                  "a person's data: export and forget.")

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
        with audit.acting_as(db.session, audit.COMMAND_LINE):
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


def _person(email: str) -> User:
    user = find_user(db.session, email)
    if user is None:
        raise click.ClickException(f"There is no account {email}.")
    return user


@people.command("export")
@click.argument("email")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the JSON to this file (mode 0600), not to standard output.")
def export_person_command(email: str, output: Path | None) -> None:
    """Write everything stored about a person as JSON (DSGVO Art. 15)."""
    text = json.dumps(export_person(db.session, _person(email)), indent=2, ensure_ascii=False)
    db.session.rollback()
    if output is None:
        click.echo(text)
        return
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when the file was there before
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    click.echo(f"Wrote what is stored about {email} to {output}.", err=True)


@people.command("forget")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def forget_person_command(email: str, yes: bool) -> None:
    """Remove a person's name, e-mail, answers, texts and files (DSGVO Art. 17).

    Their requests stay as anonymous rows with their dates, so adherence does not change;
    the account can no longer sign in.
    """
    user = _person(email)
    if not yes:
        click.confirm(f"Remove the name, e-mail, answers and files of {email} for good?",
                      abort=True, err=True)
    try:
        with audit.acting_as(db.session, audit.COMMAND_LINE):  # also the deactivation
            removal = forget_person(db.session, user, actor=audit.COMMAND_LINE)
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    files = remove_files(file_store(), removal.files)
    click.echo(f"Forgot {email}: {removal.requests} request(s) anonymised, {files} file(s) "
               "deleted.")
