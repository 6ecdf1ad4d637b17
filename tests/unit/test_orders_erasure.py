"""Erasing a buyer from orders, without a database: what goes, what the books keep."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from uuid import UUID, uuid4

from oms.orders.domain.erasure import BuyerRecords, erase_buyer, erase_copies, holds_address
from oms.orders.repository.erasure import BUYERS, Buyers
from oms.orders.services.erasure import ACTOR, EraseBuyer
from oms.orders.services.erasure import erase_buyer as erase_buyer_service
from oms.platform.idempotency import STORED_RESPONSES, StoredResponses
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.address import Address

HOME = Address(
    name="Ada Lovelace",
    company="Engines Ltd",
    line1="12 St James's Square",
    line2="Flat 2",
    city="London",
    postal_code="SW1Y 4JH",
    region="LND",
    country="GB",
)
COPY = {"name": "Ada", "line1": "1 Elsewhere", "city": "Bath", "region": "", "country": "GB"}


def records(order_id: UUID | None = None) -> BuyerRecords:
    return BuyerRecords(
        order_id=order_id or uuid4(),
        email="ada@example.com",
        name="Ada Lovelace",
        phone="+442071234567",
        shipping_address=HOME,
        billing_address=HOME,
        notes="leave with the porter",
        timeline={7: {"before": {"total": "10.00", "shipping_address": COPY}, "after": {}}},
        change_requests={uuid4(): {"operations": [{"op": "x", "address": COPY}]}},
    )


def test_the_buyer_becomes_the_customers_pseudonym_and_the_tax_place_stays() -> None:
    customer_id = uuid4()
    erased = erase_buyer(records(), customer_id)
    assert (erased.email, erased.name, erased.phone, erased.notes) == (
        f"erased+{customer_id}@invalid",
        "Erased customer",
        None,
        "",
    )
    for address in (erased.shipping_address, erased.billing_address):
        assert address == Address(line1="", city="", region="LND", country="GB")


def test_copies_of_addresses_are_erased_wherever_they_are_nested() -> None:
    erased = erase_buyer(records(), uuid4())
    (details,) = erased.timeline.values()
    assert details["before"]["shipping_address"] == {
        "name": "",
        "line1": "",
        "city": "",
        "region": "",
        "country": "GB",
    }
    assert details["before"]["total"] == "10.00"
    (request,) = erased.change_requests.values()
    assert request["operations"][0]["address"]["line1"] == ""
    assert not holds_address(erase_copies({"lines": [{"sku": "A"}]}))
    assert holds_address({"x": [{"address": {}}]})


def test_erasing_twice_gives_the_same_records() -> None:
    customer_id = uuid4()
    once = erase_buyer(records(), customer_id)
    assert erase_buyer(once, customer_id) == once


class MemoryBuyers:
    def __init__(self, *found: BuyerRecords) -> None:
        self.rows = {r.order_id: r for r in found}
        self.notes: list[tuple[UUID, datetime, str]] = []

    def records_of(self, customer_id: UUID) -> list[BuyerRecords]:
        return list(self.rows.values())

    def save(self, records: Sequence[BuyerRecords], *, at: datetime, actor: str) -> None:
        for r in records:
            self.rows[r.order_id] = r
            self.notes.append((r.order_id, at, actor))


class MemoryResponses:
    def __init__(self) -> None:
        self.erased: list[str] = []

    def erase(self, subjects: Iterable[str]) -> int:
        found = list(subjects)
        self.erased.extend(found)
        return len(found)


def test_the_service_erases_every_order_and_the_responses_about_them() -> None:
    first, second = records(), records()
    buyers, responses = MemoryBuyers(first, second), MemoryResponses()
    ports: dict[str, Buyers | StoredResponses] = {
        BUYERS.name: buyers,
        STORED_RESPONSES.name: responses,
    }
    uow = FakeUnitOfWork(ports)
    customer_id = uuid4()
    assert erase_buyer_service(EraseBuyer(customer_id=customer_id), uow=uow) == 2
    assert all(r.name == "Erased customer" for r in buyers.rows.values())
    assert sorted(responses.erased) == sorted(f"order:{r.order_id}" for r in (first, second))
    assert {actor for _, _, actor in buyers.notes} == {ACTOR}
    assert all(at.tzinfo is not None for _, at, _ in buyers.notes)
    assert uow.commits == 1


def test_a_customer_without_orders_is_erased_from_none() -> None:
    uow = FakeUnitOfWork({BUYERS.name: MemoryBuyers(), STORED_RESPONSES.name: MemoryResponses()})
    assert erase_buyer_service(EraseBuyer(customer_id=uuid4()), uow=uow) == 0
