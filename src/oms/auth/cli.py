"""``oms user ...``: staff users of the console, from the command line (the root CLI adds this
group).

    oms user create --email ada@example.com --role csr [--location wh-de] [--name Ada] [--locale de]
    oms user list
    oms user disable ada@example.com

``create`` prompts for the password twice (hidden), or reads it from standard input with
``--password-stdin`` (scripts). Bad input is one readable line per problem on stderr and exit
code 2, never a traceback; a user that does not exist is exit code 1. Password hashes are never
printed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from oms.auth.domain.keys import Role
from oms.auth.domain.staff import STAFF_LOCALES, password_problems
from oms.auth.services.staff import (
    CreateStaffUser,
    create_staff_user,
    disable_staff_user,
    list_staff_users,
)
from oms.platform.database import create_database_engine
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import DomainError, Invalid, NotFound

users_app = typer.Typer(help="Staff users (console logins).", no_args_is_help=True)


@users_app.callback()
def _group() -> None:
    """Staff users (console logins)."""


def _err() -> Console:
    return Console(stderr=True)


def _refuse(message: str, *, code: int = 2) -> typer.Exit:
    _err().print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(code=code)


@contextmanager
def _database() -> Iterator[UnitOfWork]:
    """A unit of work on the configured database; domain refusals end the command readably."""
    engine = create_database_engine(Settings().database_url)
    try:
        yield UnitOfWork(engine)
    except DomainError as error:
        problems = error.problems if isinstance(error, Invalid) else []
        for problem in problems:
            _err().print(f"[red]error:[/red] {problem.field}: {escape(problem.message)}")
        if not problems:
            raise _refuse(error.detail, code=1 if isinstance(error, NotFound) else 2) from None
        raise typer.Exit(code=2) from None
    finally:
        engine.dispose()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("create")
def create(
    email: Annotated[str, typer.Option(help="The staff user's email (their login).")],
    role: Annotated[Role, typer.Option(help="Role, as for API keys (not channel).")],
    location: Annotated[
        str | None, typer.Option(help="Location code: bind a warehouse user to one location.")
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Display name (default: from the email).")
    ] = None,
    locale: Annotated[
        str, typer.Option(help=f"Console language: {', '.join(STAFF_LOCALES)}.")
    ] = "en",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a staff user; asks for the password twice unless --password-stdin."""
    password = _password(password_stdin)
    for problem in password_problems(password):
        raise _refuse(problem.message)
    command = CreateStaffUser(
        email=email, role=role, password=password, name=name, location_code=location, locale=locale
    )
    with _database() as uow:
        user = create_staff_user(command, uow=uow)
    typer.echo(f"created {user.role} user {user.email} ({user.id})")


@users_app.command("list")
def list_users() -> None:
    """List staff users: email, role, location, language, state and name."""
    with _database() as uow:
        users = list_staff_users(uow=uow, limit=10_000)
    for user in sorted(users, key=lambda u: u.email.casefold()):
        state = "active" if user.active else "disabled"
        typer.echo(
            f"{user.email:<32} {user.role:<9} {user.location_code or '-':<10} "
            f"{user.locale:<3} {state:<8} {user.name}"
        )


@users_app.command("disable")
def disable(email: Annotated[str, typer.Argument(help="The staff user's email.")]) -> None:
    """Disable a staff user: they cannot log in, and their sessions end now."""
    with _database() as uow:
        user = disable_staff_user(email, uow=uow)
    typer.echo(f"disabled {user.email}")
