"""``oms notifications preview KIND --order ...`` on SQLite and PostgreSQL: an order's real mail
from the configured database, in the customer's language or the one asked for, about what the
last mail of its kind was about; an order or mail that is not there is one readable line, exit
code 1."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from oms import fulfilment, orders
from oms.app import tasks
from oms.fulfilment.domain.shipments import Package
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.fulfilment.services import shipping
from oms.notifications.cli import notifications_app
from oms.platform.unit_of_work import UnitOfWork
from tests import builders
from tests import payments_money as shop

runner = CliRunner()


@pytest.fixture(autouse=True)
def database_url(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.delenv("OMS_TEMPLATES_DIRECTORY", raising=False)


@pytest.fixture
def shipped_order(uow: UnitOfWork, engine: Engine) -> orders.Order:
    """Grace's German order of three T-shirts, shipped in one UPS parcel; the relay has queued
    its confirmation and shipping mails."""
    shop.open_shop(uow)
    order = orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(
                email="grace@example.com", name="Grace Hopper", locale="de_DE"
            ),
            shipping_address=builders.ADDRESSES["DE"],
            lines=(orders.NewLine(sku="TS-1", quantity=3),),
            actor="test",
        ),
        uow=uow,
    ).order
    tasks.relay(engine).drain()
    with uow.read() as tx:
        (fo,) = tx.repo(FULFILMENT_ORDERS).for_order(order.id)
    shipping.ship_packages(
        shipping.ShipPackages(
            fulfilment_order_id=fo.id,
            packages=(Package(weight_grams=600, lines={order.lines[0].id: 3}),),
            tracking_numbers=("1Z5R89390357567127",),
            carrier="ups",
            actor="wh",
        ),
        uow=uow,
        carriers=fulfilment.karrio_carriers,
    )
    tasks.relay(engine).drain()
    return order


def test_an_orders_confirmation_is_previewed_in_the_customers_language(
    shipped_order: orders.Order,
) -> None:
    result = runner.invoke(
        notifications_app, ["preview", "order_confirmation", "--order", shipped_order.number]
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"Subject: Ihre Bestellung {shipped_order.number} ist bestätigt\n\n"
    )
    assert "3 × T-shirt (TS-1)  60,00\xa0€" in result.stdout


def test_a_shipping_mail_is_previewed_about_its_parcel_in_the_language_asked(
    shipped_order: orders.Order, tmp_path: Path
) -> None:
    target = tmp_path / "shipped.eml"

    result = runner.invoke(
        notifications_app,
        [
            "preview",
            "order_shipped",
            "--order",
            str(shipped_order.id),
            "--locale",
            "zh",
            "-o",
            str(target),
        ],
    )

    assert result.exit_code == 0, result.output
    mail = message_from_bytes(target.read_bytes(), policy=policy.default)
    assert mail["Subject"] == f"您的订单 {shipped_order.number} 已发货"
    assert mail["To"] == "grace@example.com"
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    assert "正由 UPS 配送" in body.get_content()
    assert "运单号：1Z5R89390357567127" in body.get_content()


def test_a_mail_about_something_the_order_never_had_is_refused(
    shipped_order: orders.Order,
) -> None:
    result = runner.invoke(
        notifications_app, ["preview", "return_approved", "--order", shipped_order.number]
    )

    assert result.exit_code == 1
    assert f"order {shipped_order.number} has no return_approved mail yet" in result.stderr


@pytest.mark.parametrize("reference", ["SO-99999", str(UUID(int=7))])
def test_an_order_that_does_not_exist_is_refused(reference: str, uow: UnitOfWork) -> None:
    result = runner.invoke(
        notifications_app, ["preview", "order_confirmation", "--order", reference]
    )

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: ")
