"""``oms user ...`` on SQLite and PostgreSQL: create with the password typed twice or read from
standard input, list without hashes, disable; bad input is exit 2, an unknown user exit 1."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from oms import auth
from oms.app.cli import app as cli
from oms.platform.unit_of_work import UnitOfWork
from tests import builders

PASSWORD = "correct horse battery"

pytestmark = pytest.mark.usefixtures("database_env")


@pytest.fixture
def database_env(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMS_DATABASE_URL", engine.url.render_as_string(hide_password=False))


def test_a_user_created_with_a_prompted_password_can_log_in(uow: UnitOfWork) -> None:
    made = CliRunner().invoke(
        cli,
        ["user", "create", "--email", "ada@example.com", "--role", "csr", "--locale", "de"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert made.exit_code == 0, made.output
    user = auth.authenticate_staff_user("ada@example.com", PASSWORD, uow=uow)
    assert (user.role, user.locale) == (auth.Role.CSR, "de")


def test_a_warehouse_user_bound_to_a_location_from_standard_input(uow: UnitOfWork) -> None:
    builders.location(uow, "wh-a")
    made = CliRunner().invoke(
        cli,
        [
            *("user", "create", "--email", "w@example.com", "--role", "warehouse"),
            *("--location", "wh-a", "--name", "Wim", "--password-stdin"),
        ],
        input=f"{PASSWORD}\n",
    )
    assert made.exit_code == 0, made.output
    listed = CliRunner().invoke(cli, ["user", "list"])
    assert listed.exit_code == 0
    assert "w@example.com" in listed.stdout
    assert "wh-a" in listed.stdout
    assert "Wim" in listed.stdout
    assert "$argon2" not in listed.stdout


def test_a_short_password_or_a_bad_field_is_one_readable_line_and_exit_2() -> None:
    short = CliRunner().invoke(
        cli,
        ["user", "create", "--email", "a@example.com", "--role", "csr", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code == 2
    assert "at least 12 characters" in short.stderr
    channel = CliRunner().invoke(
        cli,
        ["user", "create", "--email", "a@example.com", "--role", "channel", "--password-stdin"],
        input=f"{PASSWORD}\n",
    )
    assert channel.exit_code == 2
    assert "role: staff users cannot have the channel role" in channel.stderr
    assert "Traceback" not in channel.output


def test_a_taken_email_is_exit_2() -> None:
    args = ["user", "create", "--email", "a@example.com", "--role", "csr", "--password-stdin"]
    assert CliRunner().invoke(cli, args, input=f"{PASSWORD}\n").exit_code == 0
    again = CliRunner().invoke(cli, [*args[:3], "A@EXAMPLE.com", *args[4:]], input=f"{PASSWORD}\n")
    assert again.exit_code == 2
    assert "exists already" in again.stderr


def test_disabling_a_user_stops_their_logins_and_an_unknown_one_is_exit_1(
    uow: UnitOfWork,
) -> None:
    args = ["user", "create", "--email", "a@example.com", "--role", "csr", "--password-stdin"]
    assert CliRunner().invoke(cli, args, input=f"{PASSWORD}\n").exit_code == 0
    disabled = CliRunner().invoke(cli, ["user", "disable", "a@example.com"])
    assert disabled.exit_code == 0, disabled.output
    with pytest.raises(auth.LoginRefused):
        auth.authenticate_staff_user("a@example.com", PASSWORD, uow=uow)
    assert "disabled" in CliRunner().invoke(cli, ["user", "list"]).stdout
    unknown = CliRunner().invoke(cli, ["user", "disable", "nobody@example.com"])
    assert unknown.exit_code == 1
    assert "no staff user nobody@example.com" in unknown.stderr
