"""The fulfilment desk end to end through its pages, on SQLite and PostgreSQL: a location's
queue (oldest promise first, late ones marked, keyset paged), its printable pick list by bin,
one fulfilment order picked, shipped with bought labels or typed tracking numbers, rejected to
the next location, a pickup packed and handed over with its code; bad input answered next to
its field with what was typed kept; and a user bound to a location who cannot see or act on
another location's queue or fulfilment orders."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import UUID

import pytest
from sqlalchemy import Engine

from oms import fulfilment, inventory, orders, sourcing
from oms.app import tasks
from oms.channels import LocationKind
from oms.fulfilment.domain.fulfilment_orders import FulfilmentOrder
from oms.fulfilment.services import queues, tracking
from oms.orders.pricing import ShippingMethod
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import FixedClock
from tests import builders
from tests.console.conftest import StaffFor

_ = fulfilment  # its consumers create the fulfilment orders when the relay runs


@pytest.fixture
def shop(uow: UnitOfWork) -> None:
    """wh-a and wh-b (warehouses) and store-c (a pickup store) serve ``web``; TS-1 and HD-1
    in wh-a (HD-1 in wh-b too, where a rejection sends it), PU-1 at the store; TS-1 shelved
    in bin B-02."""
    builders.location(uow, "wh-a", "DE")
    builders.location(uow, "wh-b", "DE")
    builders.location(
        uow, "store-c", "FR", kind=LocationKind.STORE, offers_pickup=True, ships=False
    )
    builders.channel(uow, "web", locations=("wh-a", "wh-b", "store-c"))
    builders.pricing(uow)
    for sku in ("TS-1", "HD-1", "PU-1"):
        builders.product(uow, sku, prices={"web": "20.00"})
    for sku, location, units in (
        ("TS-1", "wh-a", 10),
        ("HD-1", "wh-a", 4),
        ("HD-1", "wh-b", 4),
        ("PU-1", "store-c", 5),
    ):
        inventory.receive_stock(
            inventory.ReceiveStock(sku=sku, location=location, quantity=units, actor="setup"),
            uow=uow,
        )
    inventory.change_level_settings(
        inventory.ChangeLevelSettings(sku="TS-1", location="wh-a", bin="B-02"), uow=uow
    )


def place(
    uow: UnitOfWork, engine: Engine, *lines: tuple[str, int], pickup: bool = False
) -> tuple[orders.Order, FulfilmentOrder]:
    """A confirmed order and its one fulfilment order (the relay hands it to fulfilment)."""
    placed = orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email="ada@example.com", name="Ada Lovelace"),
            shipping_address=builders.ADDRESSES["FR" if pickup else "DE"],
            lines=tuple(orders.NewLine(sku=sku, quantity=q) for sku, q in lines),
            shipping_method=ShippingMethod.PICKUP if pickup else ShippingMethod.STANDARD,
            pickup_location="store-c" if pickup else None,
            actor="test",
        ),
        uow=uow,
    ).order
    tasks.relay(engine).drain()
    (fo,) = queues.order_fulfilment_orders(placed.id, uow=uow)
    return placed, fo


def fo_of(uow: UnitOfWork, fo_id: UUID) -> FulfilmentOrder:
    return queues.get_fulfilment_order(fo_id, uow=uow)


def line_of(fo: FulfilmentOrder, sku: str) -> UUID:
    return next(line.line_id for line in fo.lines if line.sku == sku)


def error_next_to(html: str, name: str) -> str:
    """The message the page shows next to the field ``name``."""
    found = re.search(rf'<small id="e-{re.escape(name)}" class="error">([^<]*)</small>', html)
    assert found, f"no message next to {name}"
    return found.group(1)


def value_of(html: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" type="[a-z]+" value="([^"]*)"', html)
    assert found, f"no field {name}"
    return found.group(1)


@pytest.mark.usefixtures("shop")
def test_a_bound_user_goes_to_their_queue_which_lists_its_work_oldest_promise_first(
    uow: UnitOfWork, engine: Engine, staff_for: StaffFor
) -> None:
    first, first_fo = place(uow, engine, ("TS-1", 2))
    _, second_fo = place(uow, engine, ("HD-1", 1))
    packer = staff_for("warehouse", location="wh-a")

    assert packer.get("/console/fulfilment").headers["location"] == "/console/fulfilment/wh-a"
    late = packer.get("/console/fulfilment?late=true")
    assert late.headers["location"] == "/console/fulfilment/wh-a?late=true"

    page = packer.get("/console/fulfilment/wh-a")
    assert page.status_code == 200
    html = page.text
    assert first_fo.number in html
    assert second_fo.number in html
    assert html.index(first_fo.number) < html.index(second_fo.number), "oldest promise first"
    assert f'href="/console/orders/{first.number}"' in html
    assert "TS-1 × 2" in html
    assert "late</span>" not in html

    fragment = packer.htmx("/console/fulfilment/wh-a?status=in_progress")
    assert fragment.status_code == 200
    assert "<h1>" not in fragment.text
    assert first_fo.number not in fragment.text
    assert "Nothing waits here." in fragment.text

    bad = packer.get("/console/fulfilment/wh-a?status=lost")
    assert bad.status_code == 422
    assert "not a fulfilment order status" in bad.text


@pytest.mark.usefixtures("shop")
def test_late_fulfilment_orders_are_marked_and_listed_across_locations(
    app: object, uow: UnitOfWork, engine: Engine, staff_for: StaffFor
) -> None:
    _, fo = place(uow, engine, ("TS-1", 1))
    later = FixedClock(fo.ship_by + timedelta(days=2))
    app.state.clock = later  # type: ignore[attr-defined]
    lead = staff_for("admin")

    queue = lead.get("/console/fulfilment/wh-a?late=true").text
    assert fo.number in queue
    assert "late</span>" in queue
    everywhere = lead.get("/console/fulfilment?late=true").text
    assert fo.number in everywhere
    assert "<td>wh-a</td>" in everywhere, "the late list names each FO's location"
    assert "store-c" in lead.get("/console/fulfilment").text, "every location to choose from"


@pytest.mark.usefixtures("shop")
def test_the_queue_pages_by_keyset(uow: UnitOfWork, engine: Engine, staff_for: StaffFor) -> None:
    numbers = [place(uow, engine, ("TS-1", 1))[1].number for _ in range(3)]
    from oms.console.pages import fulfilment as desk

    original, desk.PAGE = desk.PAGE, 2
    try:
        packer = staff_for("warehouse", location="wh-a")
        first = packer.get("/console/fulfilment/wh-a").text
        assert numbers[0] in first
        assert numbers[1] in first
        assert numbers[2] not in first
        next_url = re.search(r'href="([^"]+)" rel="next"', first)
        assert next_url
        second = packer.get(next_url.group(1).replace("&amp;", "&")).text
        assert numbers[2] in second
        assert numbers[0] not in second
        assert 'rel="next"' not in second
        assert packer.get("/console/fulfilment/wh-a?after=nonsense").status_code == 422
    finally:
        desk.PAGE = original


@pytest.mark.usefixtures("shop")
def test_the_pick_list_walks_the_bins_with_units_and_order_numbers(
    uow: UnitOfWork, engine: Engine, staff_for: StaffFor
) -> None:
    one, _ = place(uow, engine, ("TS-1", 2), ("HD-1", 1))
    two, _ = place(uow, engine, ("TS-1", 3))
    page = staff_for("warehouse", location="wh-a").get("/console/fulfilment/wh-a/pick-list")
    assert page.status_code == 200
    html = page.text
    assert "data-print" in html
    assert "@media print" in open_css()
    rows = re.findall(r"<tr>\s*<td>([^<]*)</td>\s*<th scope=\"row\">([^<]*)</th>", html)
    assert rows == [("B-02", "TS-1"), ("—", "HD-1")], "by bin, SKUs without a bin last"
    assert "<strong>5</strong>" in html, "TS-1: 2 + 3 units"
    assert f"{one.number} · 2" in html
    assert f"{two.number} · 3" in html
    assert "2 fulfilment orders waiting to be picked" in html


def open_css() -> str:
    from oms.console.shell.install import STATIC

    return (STATIC / "console.css").read_text()


@pytest.mark.usefixtures("shop")
def test_a_packer_picks_and_ships_in_two_packages_with_bought_labels(
    uow: UnitOfWork, engine: Engine, staff_for: StaffFor
) -> None:
    order, fo = place(uow, engine, ("TS-1", 2), ("HD-1", 1))
    packer = staff_for("warehouse", location="wh-a")
    page = packer.get(f"/console/fulfilment/orders/{fo.id}")
    assert page.status_code == 200
    assert "B-02" in page.text, "the bin of each line"
    assert "Lagerstraße 5" in page.text, "where it goes"
    assert "Ada Lovelace" in page.text
    assert 'action="/console/fulfilment/orders/' in page.text

    picked = packer.post(f"/console/fulfilment/orders/{fo.id}/pick")
    assert picked.status_code == 303
    assert picked.headers["location"].endswith("?done=picked")
    assert fo_of(uow, fo.id).status.value == "in_progress"
    assert "Picking started." in packer.get(picked.headers["location"]).text
    again = packer.post(f"/console/fulfilment/orders/{fo.id}/pick")
    assert again.status_code == 409, "only an open FO starts"

    two = packer.get(f"/console/fulfilment/orders/{fo.id}?packages=2").text
    assert "Package 2 of 2" in two
    ts, hd = line_of(fo, "TS-1"), line_of(fo, "HD-1")
    shipped = packer.post(
        f"/console/fulfilment/orders/{fo.id}/ship",
        {
            "packages": "2",
            "carrier": "generic",
            "packages.0.weight_grams": "900",
            f"packages.0.line.{ts}": "2",
            "packages.1.weight_grams": "400",
            "packages.1.length_mm": "300",
            f"packages.1.line.{hd}": "1",
        },
    )
    assert shipped.status_code == 303, shipped.text
    assert fo_of(uow, fo.id).status.value == "shipped"
    found = tracking.order_shipments(order.id, uow=uow)
    assert sorted((s.weight_grams, s.carrier) for s in found) == [
        (400, "generic"),
        (900, "generic"),
    ]
    assert all(s.tracking_number for s in found)
    html = packer.get(shipped.headers["location"]).text
    assert "Shipped." in html
    for s in found:
        assert s.tracking_number in html
        label = packer.get(f"/console/fulfilment/orders/{fo.id}/label?shipment={s.id}")
        assert label.status_code == 200
        assert label.headers["content-type"] == "application/pdf"
        assert label.content.startswith(b"%PDF")
    level = next(x for x in inventory.get_stock("TS-1", uow=uow).locations if x.location == "wh-a")
    assert (level.on_hand, level.allocated) == (8, 0), "the units left the ledger"
    assert "Pack and ship" not in html, "nothing left to ship"


@pytest.mark.usefixtures("shop")
def test_a_typed_tracking_number_ships_without_a_label_and_prints_a_packing_label(
    uow: UnitOfWork, engine: Engine, staff_for: StaffFor
) -> None:
    order, fo = place(uow, engine, ("TS-1", 1))
    packer = staff_for("warehouse", location="wh-a")
    shipped = packer.post(
        f"/console/fulfilment/orders/{fo.id}/ship",
        {
            "carrier": "generic",
            "service": "standard",
            "packages.0.weight_grams": "500",
            f"packages.0.line.{line_of(fo, 'TS-1')}": "1",
            "packages.0.tracking_number": "PARCEL-77",
        },
    )
    assert shipped.status_code == 303, shipped.text
    (shipment,) = tracking.order_shipments(order.id, uow=uow)
    assert shipment.tracking_number == "PARCEL-77"
    label = packer.get(f"/console/fulfilment/orders/{fo.id}/label")
    assert label.status_code == 200
    assert label.headers["content-type"].startswith("text/html")
    for seen in ("PARCEL-77", order.number, "Lagerstraße 5", "Ada Lovelace", "data-print"):
        assert seen in label.text
    assert "<svg" not in label.text, "no barcode"
    assert "<img" not in label.text


@pytest.mark.usefixtures("shop")
def test_a_partial_shipment_sent_twice_ships_once(
    uow: UnitOfWork, engine: Engine, staff_for: StaffFor
) -> None:
    order, fo = place(uow, engine, ("TS-1", 3))
    packer = staff_for("warehouse", location="wh-a")
    page = packer.get(f"/console/fulfilment/orders/{fo.id}").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version, "the ship form carries the version it was shown at"
    form = {
        "carrier": "generic",
        "version": version.group(1),
        "packages.0.weight_grams": "500",
        f"packages.0.line.{line_of(fo, 'TS-1')}": "1",
        "packages.0.tracking_number": "PARCEL-1",
    }
    first = packer.post(f"/console/fulfilment/orders/{fo.id}/ship", form)
    assert first.status_code == 303, first.text
    again = packer.post(f"/console/fulfilment/orders/{fo.id}/ship", form)
    assert again.status_code == 409, "the same form a second time (a double click)"
    assert "changed meanwhile" in again.text
    (shipment,) = tracking.order_shipments(order.id, uow=uow)
    assert shipment.tracking_number == "PARCEL-1"
    line = next(x for x in fo_of(uow, fo.id).lines if x.sku == "TS-1")
    assert line.open == 2, "one unit shipped, two still open"
    fresh = re.search(r'name="version" value="(\d+)"', again.text)
    assert fresh
    assert fresh.group(1) != version.group(1), "the page offers the current version"


@pytest.mark.usefixtures("shop")
def test_a_wrong_ship_form_is_answered_next_to_its_fields_and_keeps_what_was_typed(
    uow: UnitOfWork, engine: Engine, staff_for: StaffFor
) -> None:
    _, fo = place(uow, engine, ("TS-1", 2), ("HD-1", 1))
    ts, hd = line_of(fo, "TS-1"), line_of(fo, "HD-1")
    packer = staff_for("warehouse", location="wh-a")
    wrong = packer.post(
        f"/console/fulfilment/orders/{fo.id}/ship",
        {
            "carrier": "generic",
            "packages.0.weight_grams": "heavy",
            "packages.0.height_mm": "-4",
            f"packages.0.line.{ts}": "2",
        },
    )
    assert wrong.status_code == 422
    assert error_next_to(wrong.text, "packages.0.weight_grams") == "must be a whole number"
    assert value_of(wrong.text, "packages.0.weight_grams") == "heavy"
    assert value_of(wrong.text, f"packages.0.line.{ts}") == "2"

    too_many = packer.post(
        f"/console/fulfilment/orders/{fo.id}/ship",
        {
            "carrier": "generic",
            "packages.0.weight_grams": "100",
            f"packages.0.line.{ts}": "3",
            f"packages.0.line.{hd}": "-1",
        },
    )
    assert too_many.status_code == 422
    assert error_next_to(too_many.text, f"packages.0.line.{hd}") == "must be more than 0"
    empty = packer.post(
        f"/console/fulfilment/orders/{fo.id}/ship",
        {"carrier": "generic", "packages.0.weight_grams": "100"},
    )
    assert empty.status_code == 422
    assert "a package holds at least one unit" in empty.text
    over = packer.post(
        f"/console/fulfilment/orders/{fo.id}/ship",
        {"carrier": "generic", "packages.0.weight_grams": "100", f"packages.0.line.{ts}": "3"},
    )
    assert over.status_code == 422
    assert "3 units of TS-1 packed, 2 open" in over.text
    unknown = packer.post(
        f"/console/fulfilment/orders/{fo.id}/ship",
        {"carrier": "pigeon", "packages.0.weight_grams": "100", f"packages.0.line.{ts}": "1"},
    )
    assert unknown.status_code == 422
    assert "not a carrier installed here" in error_next_to(unknown.text, "carrier")
    ups = packer.post(
        f"/console/fulfilment/orders/{fo.id}/ship",
        {
            "carrier": "generic",
            "packages.0.weight_grams": "100",
            f"packages.0.line.{ts}": "1",
            "packages.0.tracking_number": "x" * 61,
        },
    )
    assert ups.status_code == 422
    assert error_next_to(ups.text, "packages.0.tracking_number") == "at most 60 characters"
    assert fo_of(uow, fo.id).status.value == "open", "nothing shipped"


@pytest.mark.usefixtures("shop")
def test_a_rejection_sends_the_units_to_the_next_location(
    uow: UnitOfWork, engine: Engine, staff_for: StaffFor
) -> None:
    order, fo = place(uow, engine, ("HD-1", 2))
    assert fo.location == "wh-a"
    packer = staff_for("warehouse", location="wh-a")
    wrong = packer.post(
        f"/console/fulfilment/orders/{fo.id}/reject", {"reason": "", "note": "shelf empty"}
    )
    assert wrong.status_code == 422
    assert error_next_to(wrong.text, "reason") == "choose a reason"
    assert "shelf empty</textarea>" in wrong.text
    rejected = packer.post(
        f"/console/fulfilment/orders/{fo.id}/reject",
        {"reason": "stock_not_found", "note": "shelf empty"},
    )
    assert rejected.status_code == 303
    assert fo_of(uow, fo.id).status.value == "rejected"
    tasks.relay(engine).drain()
    elsewhere = [f for f in queues.order_fulfilment_orders(order.id, uow=uow) if f.id != fo.id]
    assert [(f.location, f.status.value) for f in elsewhere] == [("wh-b", "open")]
    html = packer.get(rejected.headers["location"]).text
    assert "stock not found: shelf empty" in html
    assert "wh-b" not in html, "a bound user sees only its location's FOs"
    lead = staff_for("admin").get(f"/console/fulfilment/orders/{fo.id}").text
    assert elsewhere[0].number in lead, "the order's other FOs: where the units went"


@pytest.mark.usefixtures("shop")
def test_a_pickup_is_packed_with_a_code_and_handed_over_only_with_it(
    uow: UnitOfWork, engine: Engine, staff_for: StaffFor
) -> None:
    order, fo = place(uow, engine, ("PU-1", 2), pickup=True)
    clerk = staff_for("warehouse", location="store-c")
    page = clerk.get(f"/console/fulfilment/orders/{fo.id}").text
    assert "Pickup at store-c" in page
    assert "Pack and ship" not in page, "a pickup at the store is handed over, not shipped"
    packed = clerk.post(f"/console/fulfilment/orders/{fo.id}/pack")
    assert packed.status_code == 200
    code = re.search(r'<p class="code"><strong>(\d{6})</strong>', packed.text)
    assert code, "the code is shown once"
    assert fo_of(uow, fo.id).status.value == "ready_for_pickup"
    assert code.group(1) not in clerk.get(f"/console/fulfilment/orders/{fo.id}").text

    wrong_code = f"{(int(code.group(1)) + 1) % 10**6:06d}"
    refused = clerk.post(f"/console/fulfilment/orders/{fo.id}/handover", {"code": wrong_code})
    assert refused.status_code == 422
    assert "4 attempts left" in error_next_to(refused.text, "code")
    assert value_of(refused.text, "code") == wrong_code
    malformed = clerk.post(f"/console/fulfilment/orders/{fo.id}/handover", {"code": "12ab"})
    assert malformed.status_code == 422
    assert error_next_to(malformed.text, "code") == "a pickup code is 6 digits"
    assert fo_of(uow, fo.id).pickup_code_attempts == 1, "a malformed code is not an attempt"

    handed = clerk.post(f"/console/fulfilment/orders/{fo.id}/handover", {"code": code.group(1)})
    assert handed.status_code == 303
    assert fo_of(uow, fo.id).status.value == "picked_up"
    assert orders.get_order(order.id, uow=uow).fulfilment_status.value == "delivered"
    assert "Handed over to the customer." in clerk.get(handed.headers["location"]).text


@pytest.mark.usefixtures("shop")
def test_a_locked_pickup_needs_a_new_code(
    uow: UnitOfWork, engine: Engine, staff_for: StaffFor
) -> None:
    _, fo = place(uow, engine, ("PU-1", 1), pickup=True)
    clerk = staff_for("warehouse", location="store-c")
    first = re.search(
        r"<strong>(\d{6})</strong>", clerk.post(f"/console/fulfilment/orders/{fo.id}/pack").text
    )
    assert first
    wrong_code = f"{(int(first.group(1)) + 1) % 10**6:06d}"
    for _ in range(5):
        clerk.post(f"/console/fulfilment/orders/{fo.id}/handover", {"code": wrong_code})
    locked = clerk.post(f"/console/fulfilment/orders/{fo.id}/handover", {"code": first.group(1)})
    assert locked.status_code == 409
    assert "issue a new pickup code" in error_next_to(locked.text, "code")
    fresh = clerk.post(f"/console/fulfilment/orders/{fo.id}/pickup-code")
    new = re.search(r'<p class="code"><strong>(\d{6})</strong>', fresh.text)
    assert new
    handed = clerk.post(f"/console/fulfilment/orders/{fo.id}/handover", {"code": new.group(1)})
    assert handed.status_code == 303
    assert fo_of(uow, fo.id).status.value == "picked_up"


@pytest.mark.usefixtures("shop")
def test_another_locations_user_cannot_see_or_act_on_its_queue_or_fulfilment_orders(
    uow: UnitOfWork, engine: Engine, staff_for: StaffFor
) -> None:
    _, fo = place(uow, engine, ("TS-1", 1))
    _, pickup_fo = place(uow, engine, ("PU-1", 1), pickup=True)
    stranger = staff_for("warehouse", location="wh-b")
    for path in (
        "/console/fulfilment/wh-a",
        "/console/fulfilment/wh-a?late=true",
        "/console/fulfilment/wh-a/pick-list",
        "/console/fulfilment/store-c",
        f"/console/fulfilment/orders/{fo.id}",
        f"/console/fulfilment/orders/{fo.id}/label",
        f"/console/fulfilment/orders/{pickup_fo.id}",
    ):
        seen = stranger.get(path)
        assert seen.status_code == 404, path
        assert fo.number not in seen.text
    ts = line_of(fo, "TS-1")
    for action, form in (
        ("pick", {}),
        ("ship", {"packages.0.weight_grams": "100", f"packages.0.line.{ts}": "1"}),
        ("reject", {"reason": "damaged"}),
    ):
        answer = stranger.post(f"/console/fulfilment/orders/{fo.id}/{action}", form)
        assert answer.status_code == 404, action
    for action, form in (("pack", {}), ("handover", {"code": "123456"}), ("pickup-code", {})):
        answer = stranger.post(f"/console/fulfilment/orders/{pickup_fo.id}/{action}", form)
        assert answer.status_code == 404, action
    assert fo_of(uow, fo.id).status.value == "open"
    assert fo_of(uow, pickup_fo.id).status.value == "open"
    own = stranger.get("/console/fulfilment/wh-b").text
    assert fo.number not in own
    assert stranger.get("/console/fulfilment/nowhere").status_code == 404
    assert stranger.get(f"/console/fulfilment/orders/{UUID(int=7)}").status_code == 404


@pytest.mark.usefixtures("shop")
def test_roles_without_fulfilment_work_read_the_desk_but_cannot_act(
    uow: UnitOfWork, engine: Engine, staff_for: StaffFor
) -> None:
    _, fo = place(uow, engine, ("TS-1", 1))
    csr = staff_for("csr")
    page = csr.get(f"/console/fulfilment/orders/{fo.id}")
    assert page.status_code == 200
    assert "Start picking" not in page.text, "no work forms without fulfilment:work"
    assert csr.get("/console/fulfilment/wh-a").status_code == 200
    assert csr.post(f"/console/fulfilment/orders/{fo.id}/pick").status_code == 403
    assert staff_for("marketing").get("/console/fulfilment/wh-a").status_code == 403
    assert fo_of(uow, fo.id).status.value == "open"
    forged = staff_for("warehouse", location="wh-a").post(
        f"/console/fulfilment/orders/{fo.id}/pick", csrf=False
    )
    assert forged.status_code == 403
    assert fo_of(uow, fo.id).status.value == "open"


@pytest.mark.usefixtures("demo_merchant")
def test_the_demo_merchants_waiting_fulfilment_orders_are_in_their_queues(
    uow: UnitOfWork, engine: Engine, staff_for: StaffFor
) -> None:
    tasks.relay(engine).drain()
    waiting = queues.list_fulfilment_orders(uow=uow, location="wh-de", limit=5)
    assert waiting, "the demo has waiting fulfilment orders in Hamburg"
    packer = staff_for("warehouse", location="wh-de", locale="de")
    queue = packer.get("/console/fulfilment/wh-de")
    assert queue.status_code == 200
    assert waiting[0].number in queue.text
    picks = packer.get("/console/fulfilment/wh-de/pick-list")
    assert picks.status_code == 200
    assert waiting[0].order_number in picks.text
    page = packer.get(f"/console/fulfilment/orders/{waiting[0].id}")
    assert page.status_code == 200
    assert waiting[0].lines[0].sku in page.text


@pytest.mark.usefixtures("shop")
def test_a_pickup_sent_from_a_warehouse_is_found_at_the_store_counter_by_its_number(
    uow: UnitOfWork, engine: Engine, staff_for: StaffFor
) -> None:
    sourcing.put_rules(
        sourcing.PutRules(
            channel="web", document={"pickup": {"transfer_from": ["wh-a"]}}, actor="t"
        ),
        uow=uow,
    )
    order, fo = place(uow, engine, ("TS-1", 1), pickup=True)
    assert (fo.location, fo.pickup_location) == ("wh-a", "store-c")
    clerk = staff_for("warehouse", location="store-c")
    counter = f"/console/fulfilment/store-c?q={order.number.lower()}"
    assert fo.number in clerk.get(counter).text, "the store sees the pickup coming to it"
    assert fo.number not in clerk.get("/console/fulfilment/store-c?q=SO-99999").text
    early = clerk.get(f"/console/fulfilment/orders/{fo.id}").text
    assert "Pack and ship" not in early, "the warehouse ships it, not the store"
    assert "Packed: ready for pickup" not in early, "not arrived yet"
    refused = clerk.post(
        f"/console/fulfilment/orders/{fo.id}/ship",
        {"packages.0.weight_grams": "100", f"packages.0.line.{line_of(fo, 'TS-1')}": "1"},
    )
    assert refused.status_code == 404, "the store cannot ship the warehouse's units"
    assert (
        fo.number
        not in staff_for("warehouse", location="wh-b")
        .get(f"/console/fulfilment/wh-b?q={order.number}")
        .text
    )

    packer = staff_for("warehouse", location="wh-a")
    sent = packer.post(
        f"/console/fulfilment/orders/{fo.id}/ship",
        {"packages.0.weight_grams": "500", f"packages.0.line.{line_of(fo, 'TS-1')}": "1"},
    )
    assert sent.status_code == 303, sent.text
    (shipment,) = tracking.order_shipments(order.id, uow=uow)
    assert shipment.kind.value == "transfer"
    arrived = clerk.get(f"/console/fulfilment/orders/{fo.id}").text
    assert "transfer to the pickup store" in arrived
    packed = clerk.post(f"/console/fulfilment/orders/{fo.id}/pack")
    code = re.search(r'<p class="code"><strong>(\d{6})</strong>', packed.text)
    assert code
    handed = clerk.post(f"/console/fulfilment/orders/{fo.id}/handover", {"code": code.group(1)})
    assert handed.status_code == 303
    assert fo_of(uow, fo.id).status.value == "picked_up"
