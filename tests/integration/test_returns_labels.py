"""A return's label on SQLite and PostgreSQL: the printable return slip (the RMA as Code 128 and
as text, the order, the lines, the receiving location's address, read back with pypdf) when the
customer pays the way back or the location has no carrier; a label from karrio's generic carrier
when the merchant pays and the location has one; made once, stored, served as PDF to those who
may see the return."""

from __future__ import annotations

import io
from collections.abc import Mapping
from uuid import UUID

import pypdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from oms import auth, fulfilment, inventory, orders, sourcing
from oms.fulfilment.providers.carriers import KarrioCarrier
from oms.fulfilment.services import settings
from oms.orders.services.queries import order_timeline
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.lifecycle import ReturnKind, ReturnSource
from oms.returns.domain.returns import (
    NewReturn,
    ReturnLine,
    ReturnReason,
    ReturnRequest,
    ShippingPayer,
)
from oms.returns.repository.returns import RETURNS
from oms.returns.services import labels
from tests import builders
from tests.conftest import KeyMaker

pytestmark = pytest.mark.usefixtures("balanced_ledger")

HAMBURG = builders.ADDRESSES["DE"]


@pytest.fixture
def shop(uow: UnitOfWork) -> UnitOfWork:
    """A Hamburg warehouse serving the web shop, a T-shirt and a hoodie in stock there."""
    builders.location(uow, "wh-de", "DE")
    builders.channel(uow, "web", locations=("wh-de",))
    builders.pricing(uow)
    builders.product(uow, "TS-1", prices={"web": "20.00"}, name="T-shirt")
    builders.product(uow, "HD-1", prices={"web": "45.00"}, name="Hoodie")
    for sku in ("TS-1", "HD-1"):
        inventory.receive_stock(
            inventory.ReceiveStock(sku=sku, location="wh-de", quantity=10, actor="setup"), uow=uow
        )
    return uow


def delivered(uow: UnitOfWork, *lines: tuple[str, int]) -> orders.Order:
    """An order placed, shipped whole from wh-de and delivered."""
    order = orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email="ada@example.com", name="Ada Lovelace"),
            shipping_address=builders.ADDRESSES["DE"],
            lines=tuple(orders.NewLine(sku=sku, quantity=q) for sku, q in lines),
            actor="test",
        ),
        uow=uow,
    ).order
    every = {line.id: line.quantity for line in order.lines}
    orders.ship_units(order.id, location="wh-de", units=every, reference="S-1", actor="wh", uow=uow)
    return orders.deliver_units(order.id, units=every, how="delivered", actor="carrier", uow=uow)


def approved_return(
    uow: UnitOfWork,
    order: orders.Order,
    units: Mapping[UUID, int],
    *,
    paid_by: ShippingPayer = ShippingPayer.CUSTOMER,
) -> ReturnRequest:
    """A return of ``units`` asked back from the order and approved, in one transaction as the
    approval does it: the order's units asked back, an RMA, the receiving location chosen by
    the channel's rules."""
    with uow.begin() as tx:
        orders.request_return_units(order.id, units, rma=None, actor="csr", uow=uow)
        request = ReturnRequest.request(
            NewReturn(
                order_id=order.id,
                order_number=order.number,
                channel=order.channel,
                currency=order.currency,
                kind=ReturnKind.RETURN,
                source=ReturnSource.STAFF,
                return_shipping_paid_by=paid_by,
                lines=tuple(
                    ReturnLine(
                        line_id=line_id,
                        sku=order.line(line_id).sku,
                        quantity=quantity,
                        reason=ReturnReason.WRONG_SIZE,
                    )
                    for line_id, quantity in units.items()
                ),
                actor="csr",
            ),
            at=tx.now,
        )
        returns = tx.repo(RETURNS)
        location = sourcing.choose_return_location(order.channel, order.shipping_address, uow=uow)
        request.approve(
            rma=returns.next_rma(),
            receiving_location=location.code,
            automatic=False,
            actor="csr",
            at=tx.now,
        )
        returns.add(request)
        tx.record(*request.drain_events())
    return request


def with_carrier(uow: UnitOfWork, location: str, carrier: str | None) -> None:
    settings.put_location_settings(
        settings.PutLocationSettings(
            location=location,
            cutoff_time="15:00",
            timezone="Europe/Berlin",
            handling_days=1,
            pickup_hold_days=7,
            carrier=carrier,
            carrier_service=None,
        ),
        uow=uow,
    )


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def timeline_kinds(uow: UnitOfWork, order: orders.Order) -> list[str]:
    entries = order_timeline(order.id, uow=uow, after=None, limit=200)
    return [entry.kind for _, entry in entries]


def test_a_return_the_customer_sends_back_gets_a_slip_with_the_rma_and_the_address(
    shop: UnitOfWork,
) -> None:
    order = delivered(shop, ("TS-1", 2), ("HD-1", 1))
    shirt = order.lines[0]
    request = approved_return(shop, order, {shirt.id: 1})

    made = labels.make_return_label(request.id, uow=shop, carriers=fulfilment.karrio_carriers)

    assert made.kind == labels.SLIP
    assert made.tracking_number is None
    text = text_of(made.pdf)
    assert request.number == "RMA-000001"
    assert text.count("RMA-000001") >= 3  # the facts, the barcode's value, the note
    assert order.number in text
    assert "TS-1 T-shirt 1" in text
    assert "HD-1" not in text
    send_to = text[text.index("Send to") : text.index("From")]
    for part in ("Location wh-de", HAMBURG.line1, f"{HAMBURG.postal_code} {HAMBURG.city}"):
        assert part.upper() in send_to.upper()
    assert labels.return_label(request.id, uow=shop) == ("RMA-000001", made.pdf)
    assert "return_label" in timeline_kinds(shop, order)


def test_the_merchant_pays_with_the_locations_carrier_a_karrio_label(shop: UnitOfWork) -> None:
    with_carrier(shop, "wh-de", "generic")
    order = delivered(shop, ("TS-1", 1))
    request = approved_return(shop, order, {order.lines[0].id: 1}, paid_by=ShippingPayer.MERCHANT)

    made = labels.make_return_label(request.id, uow=shop, carriers=fulfilment.karrio_carriers)

    assert made.kind == labels.CARRIER
    assert made.carrier == "generic"
    assert made.tracking_number
    text = text_of(made.pdf)
    assert made.tracking_number in text
    assert "RMA-000001" in text  # the carrier's reference
    assert "Ada Lovelace" in text  # from the customer
    assert "Location wh-de" in text  # to the receiving location
    stored = stored_return(shop, request.id)
    assert stored.label_tracking == made.tracking_number


def stored_return(uow: UnitOfWork, return_id: UUID) -> ReturnRequest:
    with uow.read() as tx:
        return tx.repo(RETURNS).get(return_id)


def test_the_merchant_pays_but_the_location_has_no_carrier_a_slip(shop: UnitOfWork) -> None:
    order = delivered(shop, ("TS-1", 1))
    request = approved_return(shop, order, {order.lines[0].id: 1}, paid_by=ShippingPayer.MERCHANT)
    made = labels.make_return_label(request.id, uow=shop, carriers=fulfilment.karrio_carriers)
    assert made.kind == labels.SLIP
    assert "RMA-000001" in text_of(made.pdf)


def test_a_label_is_made_once_and_a_second_call_answers_the_stored_one(shop: UnitOfWork) -> None:
    with_carrier(shop, "wh-de", "generic")
    order = delivered(shop, ("TS-1", 1))
    request = approved_return(shop, order, {order.lines[0].id: 1}, paid_by=ShippingPayer.MERCHANT)
    bought: list[str] = []

    def counting(account: fulfilment.CarrierAccount) -> KarrioCarrier:
        bought.append(account.carrier)
        return fulfilment.karrio_carriers(account)

    first = labels.make_return_label(request.id, uow=shop, carriers=counting)
    again = labels.make_return_label(request.id, uow=shop, carriers=counting)

    assert bought == ["generic"]
    assert again.pdf == first.pdf
    assert again.tracking_number == first.tracking_number
    assert timeline_kinds(shop, order).count("return_label") == 1


def test_the_label_is_served_as_pdf_to_those_who_may_see_the_return(
    engine: Engine, shop: UnitOfWork, client: TestClient, key_for: KeyMaker
) -> None:
    order = delivered(shop, ("TS-1", 1))
    request = approved_return(shop, order, {order.lines[0].id: 1})
    csr = key_for("csr")

    missing = client.get(f"/v1/returns/{request.id}/label", headers=csr)
    assert missing.status_code == 404, missing.text

    made = client.post(f"/v1/returns/{request.id}/label", headers=csr)
    assert made.status_code == 200, made.text
    assert made.json()["kind"] == "return_slip"
    assert made.json()["rma"] == "RMA-000001"

    answer = client.get(made.json()["label_url"], headers=key_for("warehouse"))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert "RMA-000001" in text_of(answer.content)

    builders.channel(shop, "app", locations=("wh-de",))
    other_channel = key_for("channel", channel="app")
    assert client.get(made.json()["label_url"], headers=other_channel).status_code in (403, 404)
    elsewhere = warehouse_key(engine, builders.location(shop, "wh-fr", "FR").code)
    assert client.get(made.json()["label_url"], headers=elsewhere).status_code == 404


def warehouse_key(engine: Engine, location: str) -> dict[str, str]:
    issued = auth.create_api_key(
        auth.CreateApiKey(name="receiver", role=auth.Role.WAREHOUSE, location_code=location),
        uow=UnitOfWork(engine),
    )
    return {"Authorization": f"Bearer {issued.secret}"}
