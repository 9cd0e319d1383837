import click
from flask.cli import AppGroup

from catalog.errors import CatalogError
from catalog.models import AUDIENCES
from catalog.people import accounts

from ..extensions import db

users = AppGroup("users", help="Create and update accounts, issue API tokens.")


@users.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--password", default=None, help="Leave out to keep the current one.")
@click.option("--audience", type=click.Choice(AUDIENCES), default="employee", show_default=True)
@click.option("--admin", is_flag=True, help="May do everything.")
@click.option("--owner", "owner_of", multiple=True, metavar="DEPT_SLUG",
              help="Owner of this department (repeatable).")
@click.option("--agent", "agent_of", multiple=True, metavar="DEPT_SLUG",
              help="Agent of this department (repeatable).")
def create_user(email: str, name: str, password: str | None, audience: str, admin: bool,
                owner_of: tuple[str, ...], agent_of: tuple[str, ...]) -> None:
    """Create a user, or update the one with this e-mail."""
    existed = accounts.find_user(db.session, email) is not None
    try:
        user = accounts.save_user(db.session, email, name=name, password=password,
                                  audience=audience, admin=admin, owner_of=owner_of,
                                  agent_of=agent_of)
    except CatalogError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"{'Updated' if existed else 'Created'} {user.email}.", err=True)


@users.command("token")
@click.argument("email")
def create_token(email: str) -> None:
    """Print a new personal API token for the user (the token alone on standard output)."""
    user = accounts.find_user(db.session, email)
    if user is None:
        raise click.ClickException(f"There is no user {email}.")
    token = accounts.issue_token(db.session, user)
    db.session.commit()
    click.echo(f"New API token for {user.email}; send it as 'Authorization: Bearer <token>'.",
               err=True)
    click.echo(token)
