"""The inventory desk end to end: find a SKU as you type, list low stock, read a SKU's stock
per location with each channel's available-to-promise and its ledger, and book receipts,
adjustments and counts through the forms (the same services and permission as the API)."""

from __future__ import annotations

import re

import pytest

from oms import inventory
from oms.app import demo
from oms.inventory.services.overview import stock_totals
from oms.platform.unit_of_work import UnitOfWork
from tests.console.conftest import StaffFor


def level(uow: UnitOfWork, sku: str, location: str) -> inventory.LocationStock:
    stock = inventory.get_stock(sku, uow=uow)
    found = [s for s in stock.locations if s.location == location]
    return (
        found[0]
        if found
        else inventory.LocationStock(sku=sku, location=location, location_id=stock.variant_id)
    )


def stocked_sku(uow: UnitOfWork) -> tuple[str, str, inventory.LocationStock]:
    """A demo SKU with stock at wh-de: (sku, product name part, its level there)."""
    rows = inventory.list_stock_at("wh-de", uow=uow, after=None, limit=50)
    chosen = next(row for row in rows if row.on_hand - row.allocated - row.unavailable > 3)
    return chosen.sku, chosen.sku.split("-")[1], chosen


def rows_of(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/console/inventory/([^"]+)">', html)


def check_search_as_you_type(uow: UnitOfWork, staff_for: StaffFor) -> None:
    csr = staff_for("csr")
    sku, _, _ = stocked_sku(uow)

    page = csr.get("/console/inventory")
    assert page.status_code == 200
    assert page.text.count("<h1>") == 1
    first = rows_of(page.text)
    assert len(first) == 50
    assert first == sorted(first, key=str.upper)
    following = re.search(r'href="(/console/inventory\?after=[^"]+)" rel="next"', page.text)
    assert following, "a full page links to the next one"
    second = rows_of(csr.get(following.group(1).replace("&amp;", "&")).text)
    assert second
    assert second[0].upper() > first[-1].upper()
    assert not set(first) & set(second)

    prefix = sku[:6].lower()
    fragment = csr.htmx(f"/console/inventory?q={prefix}")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    found = rows_of(fragment.text)
    assert sku in found
    assert all(s.upper().startswith(prefix.upper()) for s in found)

    dash = rows_of(csr.htmx(f"/console/inventory?q={sku[:3].lower()}").text)
    assert len(dash) == 50, "a prefix ending in a dash is still a prefix"
    assert all(s.upper().startswith(sku[:3].upper()) for s in dash)
    assert rows_of(csr.htmx("/console/inventory?q=%25").text) == [], "a % is a character"

    detail = csr.get(f"/console/inventory/{sku}").text
    name = re.search(r'<small class="muted">([^<]+)</small></h1>', detail)
    assert name
    word = name.group(1).split()[0].lower()
    by_name = csr.htmx(f"/console/inventory?q={word}").text
    assert sku in rows_of(by_name)
    assert all(word in row.lower() for row in re.findall(r"</th>\s*<td>([^<]+)", by_name))
    assert "No SKU or product matches" in csr.htmx("/console/inventory?q=zz-nothing%25").text

    totals = stock_totals([inventory.get_stock(sku, uow=uow).variant_id], uow=uow)
    (total,) = totals.values()
    row = re.search(
        rf'{re.escape(sku)}</a></th>.*?</td>\s*<td class="num">([^<]+)</td>', fragment.text, re.S
    )
    assert row
    assert row.group(1).replace(",", "") == str(total.on_hand)


def check_low_stock(uow: UnitOfWork, staff_for: StaffFor) -> None:
    sku, _, stock = stocked_sku(uow)
    inventory.change_stock_settings(
        inventory.ChangeStockSettings(sku=sku, low_stock_threshold=stock.available + 1), uow=uow
    )
    csr = staff_for("csr")
    page = csr.get("/console/inventory?low=true&location=wh-de")
    assert page.status_code == 200
    assert "at or below the SKU" in page.text
    assert "low-stock threshold" in page.text
    assert f'/console/inventory/{sku}"' in page.text
    expected = inventory.list_low_stock(uow=uow, after=None, limit=60, location="wh-de")
    assert len(rows_of(page.text)) == min(50, len(expected))

    bound = staff_for("warehouse", location="store-paris")
    theirs = bound.get("/console/inventory?low=true")
    assert '<option value="store-paris" selected>' in theirs.text
    places = re.findall(r"</a></th>\s*<td>([^<]+)</td>", theirs.text)
    assert set(places) <= {"store-paris"}


def check_sku_page(uow: UnitOfWork, staff_for: StaffFor) -> None:
    sku, _, _ = stocked_sku(uow)
    stock = inventory.get_stock(sku, uow=uow)
    page = staff_for("finance").get(f"/console/inventory/{sku}")
    assert page.status_code == 200
    html = page.text
    for where in stock.locations:
        assert f'<th scope="row">{where.location}</th>' in html
    for channel in stock.channels:
        cell = re.search(
            rf'<th scope="row">{channel.channel}</th>\s*<td class="num"><strong>([^<]+)</strong>',
            html,
        )
        assert cell
        assert cell.group(1).replace(",", "") == str(channel.available_to_promise)
        for part in channel.breakdown:
            assert f"{part.location}: {part.available} available" in html.replace(",", "")
    history = inventory.list_movements(sku, uow=uow, before=None, limit=25)
    assert history.movements
    allocated = [m for m in history.movements if m.kind.value == "allocation"]
    for movement in allocated:
        assert f'<a href="/console/orders/{movement.reference}">' in html
    assert "receipt" in html
    assert "Move stock" not in html, "finance reads stock but does not move it"
    assert staff_for("csr").get("/console/inventory/NO-SUCH-SKU").status_code == 404
    assert staff_for("marketing").get(f"/console/inventory/{sku}").status_code == 403


def check_movement_paging(uow: UnitOfWork, staff_for: StaffFor) -> None:
    sku, _, _ = stocked_sku(uow)
    admin = staff_for("admin")
    for n in range(27):
        answer = admin.post(
            f"/console/inventory/{sku}/receipts",
            {
                "receipt_location": "wh-us",
                "receipt_quantity": "1",
                "receipt_reference": f"PO-{n:02d}",
            },
        )
        assert answer.status_code == 303
    first = admin.get(f"/console/inventory/{sku}").text
    assert "PO-26" in first
    assert "PO-02" in first
    assert "PO-01" not in first
    older = re.search(r'href="([^"]+)#movements" rel="next"', first)
    assert older
    second = admin.get(older.group(1).replace("&amp;", "&")).text
    assert "PO-01" in second
    assert "PO-00" in second
    assert "PO-26" not in second
    assert admin.get(f"/console/inventory/{sku}?before=garbage").status_code == 422


def check_stock_moves(uow: UnitOfWork, staff_for: StaffFor) -> None:
    sku, _, before = stocked_sku(uow)
    clerk = staff_for("warehouse")
    path = f"/console/inventory/{sku}"

    done = clerk.post(
        f"{path}/receipts",
        {"receipt_location": "wh-de", "receipt_quantity": "5", "receipt_reference": "PO-77"},
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"{path}?done=received"
    after = level(uow, sku, "wh-de")
    assert after.on_hand == before.on_hand + 5
    assert "The receipt is booked." in clerk.get(done.headers["location"]).text
    movement = inventory.list_movements(sku, uow=uow, before=None, limit=1).movements[0]
    assert movement.reference == "PO-77"
    assert movement.actor == f"staff:{clerk.user.id}"

    done = clerk.post(
        f"{path}/adjustments",
        {"adjustment_location": "wh-de", "adjustment_delta": "-2", "adjustment_reason": "damage"},
    )
    assert done.status_code == 303
    assert level(uow, sku, "wh-de").on_hand == before.on_hand + 3
    assert (
        inventory.list_movements(sku, uow=uow, before=None, limit=1).movements[0].kind.value
        == "damage"
    )

    on_hand = level(uow, sku, "wh-de").on_hand
    done = clerk.post(
        f"{path}/counts",
        {
            "count_location": "wh-de",
            "count_counted": str(on_hand + 1),
            "count_seen_wh-de": str(on_hand),
        },
    )
    assert done.status_code == 303
    assert level(uow, sku, "wh-de").on_hand == on_hand + 1


def check_bad_input(uow: UnitOfWork, staff_for: StaffFor) -> None:
    sku, _, stock = stocked_sku(uow)
    clerk = staff_for("warehouse")
    path = f"/console/inventory/{sku}"

    refused = clerk.post(
        f"{path}/receipts",
        {"receipt_location": "wh-de", "receipt_quantity": "0", "receipt_reference": "PO-typed"},
    )
    assert refused.status_code == 422
    assert re.search(r'id="f-receipt_quantity"[^>]*value="0"[^>]*aria-invalid="true"', refused.text)
    assert 'id="e-receipt_quantity" class="error">must be at least 1' in refused.text
    assert 'value="PO-typed"' in refused.text

    refused = clerk.post(
        f"{path}/adjustments",
        {"adjustment_location": "wh-de", "adjustment_delta": "three", "adjustment_reason": "found"},
    )
    assert refused.status_code == 422
    assert 'id="e-adjustment_delta" class="error">must be a whole number' in refused.text
    assert 'value="found"' in refused.text

    too_many = -(stock.available + 1)
    refused = clerk.post(
        f"{path}/adjustments",
        {
            "adjustment_location": "wh-de",
            "adjustment_delta": str(too_many),
            "adjustment_reason": "lost",
        },
    )
    assert refused.status_code == 422
    assert 'id="e-adjustment_delta" class="error">' in refused.text
    assert "available" in refused.text

    refused = clerk.post(
        f"{path}/receipts", {"receipt_location": "nowhere", "receipt_quantity": "2"}
    )
    assert refused.status_code == 422
    assert "no location has code &#39;nowhere&#39;" in refused.text

    stale = clerk.post(
        f"{path}/counts",
        {
            "count_location": "wh-de",
            "count_counted": "7",
            "count_seen_wh-de": str(stock.on_hand + 9),
        },
    )
    assert stale.status_code == 422
    assert 'id="e-count_counted" class="error">' in stale.text
    assert "expected on hand" in stale.text
    assert level(uow, sku, "wh-de").on_hand == stock.on_hand, "nothing was booked"


def check_location_binding(uow: UnitOfWork, staff_for: StaffFor) -> None:
    sku, _, stock = stocked_sku(uow)
    paris = staff_for("warehouse", location="store-paris")
    page = paris.get(f"/console/inventory/{sku}").text
    assert '<option value="wh-de"' not in page
    assert '<option value="store-paris"' in page

    refused = paris.post(
        f"/console/inventory/{sku}/receipts", {"receipt_location": "wh-de", "receipt_quantity": "4"}
    )
    assert refused.status_code == 403
    assert "you may move stock only at store-paris" in refused.text
    assert level(uow, sku, "wh-de").on_hand == stock.on_hand

    done = paris.post(
        f"/console/inventory/{sku}/receipts",
        {"receipt_location": "store-paris", "receipt_quantity": "4"},
    )
    assert done.status_code == 303
    assert level(uow, sku, "store-paris").on_hand >= 4


def check_unit_cost(uow: UnitOfWork, staff_for: StaffFor) -> None:
    sku, _, _ = stocked_sku(uow)
    clerk = staff_for("warehouse")
    path = f"/console/inventory/{sku}"
    demo_cost = inventory.get_stock(sku, uow=uow).unit_cost
    assert demo_cost is not None, "the demo costs its stock"
    assert demo_cost.currency == "EUR"
    assert 'name="cost_amount"' in clerk.get(path).text

    done = clerk.post(f"{path}/cost", {"cost_amount": "3,40", "cost_currency": "gbp"})
    assert done.status_code == 303
    assert done.headers["location"] == f"{path}?done=costed"
    page = clerk.get(done.headers["location"]).text
    assert "The unit cost is saved." in page
    assert "Unit cost: £3.40" in page
    cost = inventory.get_stock(sku, uow=uow).unit_cost
    assert cost is not None
    assert (str(cost.amount), cost.currency) == ("3.40", "GBP")

    for amount, currency, message in (
        ("3.401", "GBP", "GBP allows 2 decimal places"),
        ("-1", "GBP", "must be zero or more"),
        ("lots", "GBP", "must be an amount such as 1.25"),
        ("2", "XYZ", "is not an ISO 4217 currency"),
    ):
        refused = clerk.post(f"{path}/cost", {"cost_amount": amount, "cost_currency": currency})
        assert refused.status_code == 422, amount
        assert message in refused.text
        assert f'value="{amount}"' in refused.text, "the typed value is kept"
    assert inventory.get_stock(sku, uow=uow).unit_cost == cost, "nothing changed"

    paris = staff_for("warehouse", location="store-paris")
    assert 'name="cost_amount"' not in paris.get(path).text
    refused = paris.post(f"{path}/cost", {"cost_amount": "1", "cost_currency": "EUR"})
    assert refused.status_code == 403
    assert inventory.get_stock(sku, uow=uow).unit_cost == cost

    forgotten = clerk.post(f"{path}/cost", {"cost_amount": "", "cost_currency": ""})
    assert forgotten.status_code == 303
    assert inventory.get_stock(sku, uow=uow).unit_cost is None
    assert "Unit cost unknown" in clerk.get(path).text


def test_staff_find_skus_read_their_stock_atp_and_ledger_and_list_low_stock(
    demo_merchant: demo.Summary, uow: UnitOfWork, staff_for: StaffFor
) -> None:
    """SKU search as you type (prefix, product name, keyset pages), the low-stock list, and a
    SKU's page with stock per location, ATP per channel with its breakdown, and movements."""
    assert demo_merchant.loaded
    check_search_as_you_type(uow, staff_for)
    check_sku_page(uow, staff_for)
    check_low_stock(uow, staff_for)


def test_receipts_adjustments_and_counts_book_stock_with_errors_next_to_their_fields(
    demo_merchant: demo.Summary, uow: UnitOfWork, staff_for: StaffFor
) -> None:
    """The forms book through the API's services; bad input is 422 with the message next to
    the field and the typed values kept; a bound warehouse user moves stock only at their
    location; the ledger pages by keyset."""
    assert demo_merchant.loaded
    check_stock_moves(uow, staff_for)
    check_bad_input(uow, staff_for)
    check_location_binding(uow, staff_for)
    check_movement_paging(uow, staff_for)
    check_unit_cost(uow, staff_for)


@pytest.mark.parametrize("role", ["csr", "finance", "marketing"])
def test_roles_without_inventory_write_cannot_move_stock(
    role: str, uow: UnitOfWork, staff_for: StaffFor
) -> None:
    from tests import builders

    builders.location(uow, "wh-de")
    answer = staff_for(role).post(
        "/console/inventory/ANY/receipts", {"receipt_location": "wh-de", "receipt_quantity": "1"}
    )
    assert answer.status_code == 403
