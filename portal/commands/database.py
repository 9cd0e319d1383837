import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from ..extensions import migrate


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    click.echo(f"Upgrading the schema of {current_app.extensions['sqlalchemy'].engine.url!r} ...",
               err=True)
    upgrade(directory=migrate.directory)
    click.echo("The database schema is up to date.", err=True)
