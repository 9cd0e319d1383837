import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..operations import configured_workers, production_problems


@click.command("check")
@click.option("--workers", type=int, default=None,
              help="Gunicorn workers the portal runs with [default: from WEB_CONCURRENCY or "
                   "--workers in GUNICORN_CMD_ARGS, else 1].")
@with_appcontext
def check_command(workers: int | None) -> None:
    """Refuse a configuration that is unsafe for production; say how to fix each problem."""
    workers = configured_workers() if workers is None else workers
    problems = production_problems(current_app, db.session, workers)
    db.session.rollback()
    for problem in problems:
        click.echo(f"PROBLEM: {problem.what}.\n  Fix: {problem.fix}.", err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s): not safe for production.")
    config = current_app.config
    click.echo(f"OK: safe for production ({db.engine.dialect.name}, {workers} worker(s), "
               f"{config['BASE_URL']}, mail via {config['SMTP_HOST']}:{config['SMTP_PORT']}).")
