from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask.cli import AppGroup

from catalog import audit
from catalog.errors import CatalogError
from catalog.models import AUDIENCES, TOKEN_SCOPES, User
from catalog.people import accounts, tokens

from ..extensions import db

users = AppGroup("users", help="Create, update and deactivate accounts; issue and revoke tokens.")


@users.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--password", default=None, help="Leave out to keep the current one.")
@click.option("--audience", type=click.Choice(AUDIENCES), default=None,
              help="employee for a new account; left out, an existing account keeps its own.")
@click.option("--admin/--no-admin", default=None,
              help="May do everything (or no longer); left out, nothing changes.")
@click.option("--owner", "owner_of", multiple=True, metavar="DEPT_SLUG",
              help="Owner of this department (repeatable).")
@click.option("--agent", "agent_of", multiple=True, metavar="DEPT_SLUG",
              help="Agent of this department (repeatable).")
@click.option("--approver", "approver_of", multiple=True, metavar="DEPT_SLUG",
              help="Approves requests of this department where its offerings ask for it "
                   "(repeatable).")
@click.option("--manager", default=None, metavar="EMAIL",
              help="The user's manager, who approves where an offering asks for it "
                   "(\"\" clears it).")
def create_user(email: str, name: str, password: str | None, audience: str | None,
                admin: bool | None,
                owner_of: tuple[str, ...], agent_of: tuple[str, ...],
                approver_of: tuple[str, ...], manager: str | None) -> None:
    """Create a user, or update the one with this e-mail."""
    existed = accounts.find_user(db.session, email) is not None
    with _saved():
        user = accounts.save_user(db.session, email, name=name, password=password,
                                  audience=audience, admin=admin, owner_of=owner_of,
                                  agent_of=agent_of, approver_of=approver_of, manager=manager)
    click.echo(f"{'Updated' if existed else 'Created'} {user.email}.", err=True)


@users.command("token")
@click.argument("email")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(TOKEN_SCOPES),
              help="read, requests, catalog (repeatable; default: all three).")
@click.option("--days", type=click.IntRange(1, tokens.MAX_DAYS), default=tokens.DEFAULT_DAYS,
              show_default=True, help="Days until the token expires.")
def create_token(email: str, name: str, scopes: tuple[str, ...], days: int) -> None:
    """Print a new personal API token for the user (the token alone on standard output)."""
    user = _user(email)
    token = tokens.issue_token(db.session, user, name=name, scopes=scopes or TOKEN_SCOPES,
                               days=days)
    db.session.commit()
    click.echo(f"New API token for {user.email}, valid for {days} days; send it as "
               "'Authorization: Bearer <token>'.", err=True)
    click.echo(token)


@users.command("tokens")
@click.argument("email")
def list_tokens(email: str) -> None:
    """List the user's API tokens (id, name, scopes, expiry, last use); never the tokens."""
    found = tokens.tokens_of(db.session, _user(email))
    if not found:
        click.echo("No API tokens.", err=True)
    for token in found:
        expires = token.expires_at.date().isoformat() if token.expires_at else "never"
        used = token.last_used_at.date().isoformat() if token.last_used_at else "never"
        click.echo(f"{token.id}\t{token.name or '-'}\t{' '.join(token.scope_list)}\t"
                   f"expires {expires}\tlast used {used}")


@users.command("revoke-token")
@click.argument("email")
@click.argument("token_id", type=int)
def revoke_token(email: str, token_id: int) -> None:
    """Revoke one of the user's API tokens (its id from `users tokens`)."""
    with _saved():
        tokens.revoke_token(db.session, _user(email), token_id)
    click.echo(f"Token {token_id} revoked.", err=True)


@users.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """The account can no longer sign in; its sessions and API tokens end now."""
    with _saved():
        user = accounts.deactivate_user(db.session, email)
    click.echo(f"Deactivated {user.email}: signed out everywhere, API tokens revoked.", err=True)


@users.command("activate")
@click.argument("email")
def activate(email: str) -> None:
    """Let a deactivated account sign in again."""
    with _saved():
        user = accounts.activate_user(db.session, email)
    click.echo(f"Activated {user.email}.", err=True)


def _user(email: str) -> User:
    user = accounts.find_user(db.session, email)
    if user is None:
        raise click.ClickException(f"There is no user {email}.")
    return user


@contextmanager
def _saved() -> Iterator[None]:
    """Commit what the block changed, or roll it back and exit with the domain's message."""
    try:
        with audit.acting_as(db.session, audit.COMMAND_LINE):
            yield
            db.session.commit()
    except CatalogError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
