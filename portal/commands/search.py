import sys

import click
from flask.cli import with_appcontext

from catalog.search import LockBusy

from ..extensions import db
from ..indexing import search_index


class Progress:
    """A progress bar while offerings are indexed, then a line while the index is written."""

    def __init__(self) -> None:
        self.bar = None
        self.shown = 0

    def __call__(self, step: str, done: int, total: int) -> None:
        if step == "indexing":
            if self.bar is None:
                self.bar = click.progressbar(length=total, label="Indexing offerings",
                                             file=sys.stderr)
                self.bar.__enter__()
            self.bar.update(done - self.shown)
            self.shown = done
        else:
            self.close()
            click.echo("Writing the index ...", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database (searches keep working meanwhile)."""
    index = search_index()
    progress = Progress()
    try:
        count = index.rebuild(db.session, progress)
    except LockBusy:
        raise click.ClickException("Another process is still rebuilding the search index; "
                                   "try again when it has finished.") from None
    finally:
        progress.close()
    click.echo(f"Search index rebuilt: {count} published offerings in {index.root}.")
