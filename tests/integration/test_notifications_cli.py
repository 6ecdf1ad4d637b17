"""``oms notifications ...`` on SQLite and PostgreSQL: an order's mails by number or id, a
channel's mail settings shown and changed (the rest kept), sending what is due into the
``.eml`` folder; a bad setting, an unknown kind or order is one readable line on stderr with
exit code 2 (1 for what does not exist), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from oms.app import tasks
from oms.notifications.cli import notifications_app
from oms.platform.unit_of_work import UnitOfWork
from tests.integration.test_notifications_smtp import place, rows, shop

__all__ = ["shop"]


@pytest.fixture
def environment(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The commands' database is the test's; mail goes to a folder of the test's."""
    monkeypatch.setenv("OMS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("OMS_MAIL_DIRECTORY", str(tmp_path / "mail"))
    monkeypatch.delenv("OMS_SMTP_HOST", raising=False)
    return tmp_path / "mail"


def run(*args: str) -> Result:
    return CliRunner().invoke(notifications_app, list(args), env={"COLUMNS": "200"})


def test_due_mail_is_sent_to_the_folder_and_listed_for_the_order(
    engine: Engine, shop: UnitOfWork, environment: Path
) -> None:
    order = place(shop, locale="fr")
    tasks.relay(engine).drain()

    sent = run("send-due")
    by_number = run("messages", order.number)
    by_id = run("messages", str(order.id))

    assert sent.exit_code == 0, sent.output
    assert f"1 due: 1 sent ({environment})" in sent.output
    assert len(list(environment.glob("*.eml"))) == 1
    assert by_number.exit_code == 0, by_number.output
    assert "order_confirmation" in by_number.output
    assert "sent" in by_number.output
    assert " fr " in by_number.output
    assert by_id.output == by_number.output
    again = run("send-due")
    assert "0 due: nothing to send" in again.output


def test_settings_are_shown_and_changed_one_by_one(shop: UnitOfWork, environment: Path) -> None:
    shown = run("settings", "web")
    changed = run(
        "settings",
        "web",
        "--set",
        "sender_name=Northwind Outfitters",
        "--set",
        "brand_colour=#0B6E4F",
        "--set",
        "enabled=order_confirmation,order_shipped",
    )
    cleared = run("settings", "web", "--set", "sender_address=shop@northwind.example")
    then = run("settings", "web", "--set", "sender_address=")

    assert shown.exit_code == 0, shown.output
    assert "version 0" in shown.output
    assert changed.exit_code == 0, changed.output
    assert "version 1" in changed.output
    assert "Northwind Outfitters" in changed.output
    assert "#0b6e4f" in changed.output
    assert "order_confirmation, order_shipped" in changed.output
    assert "shop@northwind.example" in cleared.output
    assert then.exit_code == 0, then.output
    assert "version 3" in then.output
    assert "(OMS_MAIL_FROM)" in then.output
    assert "Northwind Outfitters" in then.output


def test_bad_input_is_one_readable_line_and_nothing_changes(
    engine: Engine, shop: UnitOfWork, environment: Path
) -> None:
    bad_colour = run("settings", "web", "--set", "brand_colour=teal")
    bad_kind = run("settings", "web", "--set", "enabled=order_confirmation,birthday_card")
    bad_name = run("settings", "web", "--set", "colour=#000000")
    no_channel = run("settings", "nowhere")
    no_order = run("messages", "SO-99999")

    assert (bad_colour.exit_code, bad_kind.exit_code, bad_name.exit_code) == (2, 2, 2)
    assert "brand_colour: must be a colour as #rrggbb" in bad_colour.output
    assert "unknown kind birthday_card" in bad_kind.output
    assert "expected NAME=VALUE" in bad_name.output
    assert (no_channel.exit_code, no_order.exit_code) == (1, 1)
    assert "nowhere" in no_channel.output
    assert "SO-99999" in no_order.output
    for result in (bad_colour, bad_kind, bad_name, no_channel, no_order):
        assert "Traceback" not in result.output
    assert "version 0" in run("settings", "web").output
    assert rows(engine) == []
