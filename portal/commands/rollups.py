"""`flask --app portal rollups rebuild`: recompute the adherence and breakdown rollups from the
requests."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from catalog.commitments import breakdown_rollups
from catalog.commitments import rollups as catalog_rollups

from ..extensions import db


@click.group("rollups")
def rollups() -> None:
    """Adherence and breakdown rollups (derived from the requests)."""


@rollups.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Recompute every rollup from the requests (after a migration, or as a repair)."""
    def report(done: int, total: int) -> None:
        click.echo(f"{done:,} of {total:,} requests", err=True)

    read = catalog_rollups.rebuild(db.session, progress=report)
    click.echo("Breakdown rollups:", err=True)
    breakdown_rollups.rebuild(db.session, progress=report)
    db.session.commit()
    click.echo(f"Rollups rebuilt from {read:,} requests.")
