"""The returns desk on SQLite and PostgreSQL: returns by status and search (RMA, order number,
email) with keyset paging, one return with its order, customer, lines, resolution, label and
history, and the desk's acts through the pages: approve, decline with a reason, receive and
inspect per line with a disposition, each with the API's permission and location binding.
Bad input comes back with the message next to its field and what was typed."""

from __future__ import annotations

import re
from uuid import UUID, uuid4

import pytest

from oms import inventory, orders
from oms.app import demo
from oms.platform.unit_of_work import UnitOfWork
from oms.returns import ReturnStatus, get_return
from oms.returns.domain.eligibility import AskedLine
from oms.returns.domain.returns import Disposition, ReturnReason, ReturnRequest
from oms.returns.services.requests import RequestReturn, request_return
from tests import builders
from tests.console.conftest import ConsoleClient, StaffFor
from tests.integration.test_returns_labels import approved_return, delivered, shop

__all__ = ["shop"]


def asked(
    uow: UnitOfWork, order: orders.Order, *lines: tuple[str, int, ReturnReason]
) -> ReturnRequest:
    """A return requested by a csr through the returns service (the shop's default policy
    approves nothing by itself: it waits for the desk)."""
    by_sku = {line.sku: line.id for line in order.lines}
    return request_return(
        RequestReturn(
            order_id=order.id,
            lines=tuple(
                AskedLine(line_id=by_sku[sku], quantity=q, reason=reason)
                for sku, q, reason in lines
            ),
            actor="csr@example.com",
        ),
        uow=uow,
    )


def stock_at_wh_de(uow: UnitOfWork, sku: str) -> tuple[int, int]:
    """(on hand, unavailable) of ``sku`` at wh-de."""
    found = next(s for s in inventory.get_stock(sku, uow=uow).locations if s.location == "wh-de")
    return found.on_hand, found.unavailable


def rows(html: str) -> list[str]:
    """The RMAs or request links of the list's rows, in order."""
    return re.findall(r'<th scope="row"><a href="/console/returns/([0-9a-f-]{36})">', html)


def untouched(request: ReturnRequest) -> bool:
    """Nothing of the return arrived or was inspected."""
    return all(line.received == line.inspected == 0 for line in request.lines)


def receipt(request: ReturnRequest, **by_sku: tuple[str, str]) -> dict[str, str]:
    """The receipt form's fields: per SKU (units arriving, disposition)."""
    fields: dict[str, str] = {}
    for line in request.lines:
        units, disposition = by_sku.get(line.sku, ("", ""))
        fields[f"lines.{line.line_id}.received"] = units
        fields[f"lines.{line.line_id}.disposition"] = disposition
    return fields


def test_the_desk_lists_by_status_and_finds_returns_by_rma_order_number_or_email(
    shop: UnitOfWork, staff_for: StaffFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = delivered(shop, ("TS-1", 2), ("HD-1", 1))
    second = delivered(shop, ("TS-1", 1))
    waiting = asked(shop, first, ("TS-1", 1, ReturnReason.WRONG_SIZE))
    on_its_way = approved_return(shop, second, {second.lines[0].id: 1})
    csr = staff_for("csr")

    page = csr.get("/console/returns")
    assert page.status_code == 200
    assert rows(page.text) == [str(on_its_way.id), str(waiting.id)]
    assert "To decide" in page.text
    assert "(1)" in page.text
    assert on_its_way.number
    assert on_its_way.number in page.text
    assert f'href="/console/orders/{first.number}"' in page.text

    requested = csr.get("/console/returns?status=requested")
    assert rows(requested.text) == [str(waiting.id)]
    assert 'aria-current="page">To decide' in requested.text
    assert rows(csr.get("/console/returns?status=approved").text) == [str(on_its_way.id)]
    assert rows(csr.get("/console/returns?status=completed").text) == []

    assert rows(csr.get(f"/console/returns?q={on_its_way.number}").text) == [str(on_its_way.id)]
    short = int(on_its_way.number.removeprefix("RMA-"))
    assert rows(csr.get(f"/console/returns?q=rma-{short}").text) == [str(on_its_way.id)]
    assert rows(csr.get(f"/console/returns?q={first.number.lower()}").text) == [str(waiting.id)]
    by_email = csr.get("/console/returns?q=ADA@example.com")
    assert rows(by_email.text) == [str(on_its_way.id), str(waiting.id)]
    assert rows(csr.get("/console/returns?q=nobody@example.com").text) == []
    assert "No return matches." in csr.get("/console/returns?q=SO-99999").text

    fragment = csr.htmx(f"/console/returns?q={second.number}&status=approved")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert rows(fragment.text) == [str(on_its_way.id)]

    monkeypatch.setattr("oms.console.pages.returns.PAGE_SIZE", 1)
    one = csr.get("/console/returns")
    assert rows(one.text) == [str(on_its_way.id)]
    next_url = re.search(r'href="(/console/returns\?after=[^"]+)" rel="next"', one.text)
    assert next_url
    two = csr.get(next_url.group(1).replace("&amp;", "&"))
    assert rows(two.text) == [str(waiting.id)]
    assert 'rel="next"' not in two.text

    assert csr.get("/console/returns?status=lost").status_code == 422
    assert csr.get("/console/returns?after=not-a-cursor").status_code == 422


def test_a_request_is_read_and_approved_through_its_page(
    shop: UnitOfWork, staff_for: StaffFor
) -> None:
    order = delivered(shop, ("TS-1", 2), ("HD-1", 1))
    waiting = asked(
        shop, order, ("TS-1", 2, ReturnReason.WRONG_SIZE), ("HD-1", 1, ReturnReason.DAMAGED)
    )
    csr = staff_for("csr")
    path = f"/console/returns/{waiting.id}"

    page = csr.get(path)
    assert page.status_code == 200
    text = page.text
    assert f"Return request of {order.number}" in text
    assert f'href="/console/orders/{order.number}"' in text
    assert "ada@example.com" in text
    assert "Ada Lovelace" in text
    assert "T-shirt" in text
    assert "Hoodie" in text
    assert "wrong size" in text
    assert "damaged" in text
    assert "Approve the return" in text
    assert "Decline the return" in text
    assert "Receive and inspect" not in text
    assert "No label yet" in text

    approved = csr.post(f"{path}/approve")
    assert approved.status_code == 303
    assert approved.headers["location"] == f"{path}?done=approved"
    stored = get_return(waiting.id, uow=shop)
    assert stored.status is ReturnStatus.APPROVED
    assert stored.number
    assert stored.receiving_location == "wh-de"

    after = csr.get(approved.headers["location"]).text
    assert f"The return is approved: {stored.number} goes back to wh-de." in after
    assert f"Return {stored.number}" in after
    assert "Printable return slip." in after
    assert "Approve the return" not in after
    assert "approved by the returns desk" in after
    label = csr.get(f"{path}/label")
    assert label.status_code == 200
    assert label.headers["content-type"] == "application/pdf"
    assert label.content.startswith(b"%PDF")

    again = csr.post(f"{path}/approve")
    assert again.status_code == 422
    assert "cannot approve this return: it is approved" in again.text
    assert get_return(waiting.id, uow=shop).version == stored.version


def test_declining_needs_a_reason_and_keeps_what_was_typed(
    shop: UnitOfWork, staff_for: StaffFor
) -> None:
    order = delivered(shop, ("TS-1", 1))
    waiting = asked(shop, order, ("TS-1", 1, ReturnReason.CHANGED_MIND))
    csr = staff_for("csr")
    path = f"/console/returns/{waiting.id}"

    empty = csr.post(f"{path}/decline", {"reason": "   "})
    assert empty.status_code == 422
    assert 'id="e-reason" class="error">say why the return is declined' in empty.text
    long = "worn & washed " * 40
    too_long = csr.post(f"{path}/decline", {"reason": long})
    assert too_long.status_code == 422
    assert "at most 500 characters" in too_long.text
    assert "worn &amp; washed worn" in too_long.text
    assert get_return(waiting.id, uow=shop).status is ReturnStatus.REQUESTED

    declined = csr.post(f"{path}/decline", {"reason": "worn and washed"})
    assert declined.status_code == 303
    assert declined.headers["location"] == f"{path}?done=declined"
    stored = get_return(waiting.id, uow=shop)
    assert (stored.status, stored.decline_reason) == (ReturnStatus.DECLINED, "worn and washed")
    assert orders.get_order(order.id, uow=shop).lines[0].return_requested_quantity == 0
    page = csr.get(declined.headers["location"]).text
    assert "The return is declined" in page
    assert "Declined: worn and washed" in page
    assert "Decline the return" not in page

    other = asked(shop, order, ("TS-1", 1, ReturnReason.OTHER))
    assert staff_for("warehouse").post(f"/console/returns/{other.id}/cancel").status_code == 403
    cancelled = csr.post(f"/console/returns/{other.id}/cancel")
    assert cancelled.status_code == 303
    assert get_return(other.id, uow=shop).status is ReturnStatus.CANCELLED
    assert "The return is cancelled" in csr.get(cancelled.headers["location"]).text
    assert orders.get_order(order.id, uow=shop).lines[0].return_requested_quantity == 0


def test_a_parcel_is_received_and_inspected_line_by_line(
    shop: UnitOfWork, staff_for: StaffFor
) -> None:
    order = delivered(shop, ("TS-1", 2), ("HD-1", 1))
    by_sku = {line.sku: line.id for line in order.lines}
    coming = approved_return(shop, order, {by_sku["TS-1"]: 2, by_sku["HD-1"]: 1})
    warehouse = staff_for("warehouse", location="wh-de")
    path = f"/console/returns/{coming.id}"
    before = stock_at_wh_de(shop, "TS-1"), stock_at_wh_de(shop, "HD-1")

    page = warehouse.get(path)
    assert page.status_code == 200
    assert "Receive and inspect" in page.text
    assert "Approve the return" not in page.text
    assert f'name="lines.{by_sku["TS-1"]}.received"' in page.text
    assert "ada@example.com" not in page.text  # a warehouse role reads no customers

    bad = warehouse.post(
        f"{path}/receive", receipt(coming, **{"TS-1": ("3", "restock"), "HD-1": ("one", "lost")})
    )
    assert bad.status_code == 422
    assert "must be a whole number" in bad.text
    assert "choose one of the dispositions listed" in bad.text
    assert 'value="one"' in bad.text
    beyond = warehouse.post(f"{path}/receive", receipt(coming, **{"TS-1": ("3", "restock")}))
    assert beyond.status_code == 422
    assert (
        f'id="e-lines.{by_sku["TS-1"]}.received" class="error">at most 2 unit(s) can still arrive'
        in beyond.text
    )
    assert 'value="3"' in beyond.text
    nothing = warehouse.post(f"{path}/receive", receipt(coming))
    assert nothing.status_code == 422
    assert "nothing arrived" in nothing.text
    early = warehouse.post(f"{path}/receive", receipt(coming, **{"HD-1": ("", "damaged")}))
    assert early.status_code == 422
    assert "no received unit of this line waits for inspection" in early.text
    assert untouched(get_return(coming.id, uow=shop))

    first = warehouse.post(
        f"{path}/receive", receipt(coming, **{"TS-1": ("1", "restock"), "HD-1": ("1", "")})
    )
    assert first.status_code == 303
    assert first.headers["location"] == f"{path}?done=inspected"
    stored = get_return(coming.id, uow=shop)
    lines = {line.sku: line for line in stored.lines}
    assert (lines["TS-1"].received, lines["TS-1"].inspected) == (1, 1)
    assert lines["TS-1"].disposition is Disposition.RESTOCK
    assert (lines["HD-1"].received, lines["HD-1"].inspected) == (1, 0)
    assert stored.status is ReturnStatus.RECEIVED
    assert stock_at_wh_de(shop, "TS-1") == (before[0][0] + 1, before[0][1])

    other = warehouse.post(f"{path}/receive", receipt(stored, **{"TS-1": ("1", "write_off")}))
    assert other.status_code == 422
    assert "were inspected as restock" in other.text
    assert get_return(coming.id, uow=shop).version == stored.version

    second = warehouse.post(
        f"{path}/receive", receipt(stored, **{"TS-1": ("1", "restock"), "HD-1": ("", "damaged")})
    )
    assert second.status_code == 303
    done = get_return(coming.id, uow=shop)
    assert done.status is ReturnStatus.INSPECTED
    assert [(x.sku, x.received, x.inspected, x.disposition) for x in done.lines] == [
        ("HD-1", 1, 1, Disposition.DAMAGED),
        ("TS-1", 2, 2, Disposition.RESTOCK),
    ]
    assert stock_at_wh_de(shop, "TS-1") == (before[0][0] + 2, before[0][1])
    assert stock_at_wh_de(shop, "HD-1") == (before[1][0] + 1, before[1][1] + 1)
    returned = orders.get_order(order.id, uow=shop)
    assert sorted(line.returned_quantity for line in returned.lines) == [1, 2]
    after = warehouse.get(second.headers["location"]).text
    assert "Received and inspected" in after
    assert "Receive and inspect" not in after
    assert "inspected at wh-de" in after
    assert "Resolve and refund" not in after  # a warehouse user does not decide

    csr = staff_for("csr")
    assert "Resolve and refund" in csr.get(path).text
    wrong = csr.post(f"{path}/resolve", {"destination": "cash"})
    assert wrong.status_code == 422
    assert 'id="e-destination" class="error">choose where the refund goes' in wrong.text
    resolved = csr.post(f"{path}/resolve", {"destination": "store_credit"})
    assert resolved.status_code == 303
    assert resolved.headers["location"] == f"{path}?done=resolved"
    completed = get_return(coming.id, uow=shop)
    assert completed.status is ReturnStatus.COMPLETED
    assert completed.resolution is not None
    assert completed.resolution.value == "store_credit"
    again = csr.post(f"{path}/cancel")
    assert again.status_code == 422
    assert "cannot cancel this return: it is completed" in again.text


def test_each_act_needs_the_apis_permission_and_a_bound_user_works_only_their_location(
    shop: UnitOfWork, staff_for: StaffFor
) -> None:
    builders.location(shop, "wh-fr", "FR")
    order = delivered(shop, ("TS-1", 1), ("HD-1", 1))
    by_sku = {line.sku: line.id for line in order.lines}
    waiting = asked(shop, order, ("HD-1", 1, ReturnReason.WRONG_SIZE))
    coming = approved_return(shop, order, {by_sku["TS-1"]: 1})
    fields = receipt(coming, **{"TS-1": ("1", "restock")})

    finance = staff_for("finance")
    assert finance.get("/console/returns").status_code == 200
    assert finance.get(f"/console/returns/{waiting.id}").status_code == 200
    assert "Approve the return" not in finance.get(f"/console/returns/{waiting.id}").text
    assert finance.post(f"/console/returns/{waiting.id}/approve").status_code == 403
    assert (
        finance.post(f"/console/returns/{waiting.id}/decline", {"reason": "no"}).status_code == 403
    )
    assert finance.post(f"/console/returns/{coming.id}/receive", fields).status_code == 403
    assert staff_for("marketing").get("/console/returns").status_code == 403

    csr = staff_for("csr")
    assert "Receive and inspect" not in csr.get(f"/console/returns/{coming.id}").text
    assert csr.post(f"/console/returns/{coming.id}/receive", fields).status_code == 403
    assert staff_for("warehouse").post(f"/console/returns/{waiting.id}/approve").status_code == 403
    elsewhere = staff_for("warehouse", location="wh-fr")
    assert rows(elsewhere.get("/console/returns").text) == []
    assert elsewhere.get(f"/console/returns/{coming.id}").status_code == 404
    assert elsewhere.get(f"/console/returns/{coming.id}/label").status_code == 404
    assert elsewhere.post(f"/console/returns/{coming.id}/receive", fields).status_code == 404
    here = staff_for("warehouse", location="wh-de")
    assert rows(here.get("/console/returns").text) == [str(coming.id)]
    assert here.get(f"/console/returns/{waiting.id}").status_code == 404  # no location yet
    assert untouched(get_return(coming.id, uow=shop))

    assert csr.get(f"/console/returns/{uuid4()}").status_code == 404
    assert csr.post(f"/console/returns/{uuid4()}/approve").status_code == 404
    assert csr.get("/console/returns/not-an-id").status_code == 422
    assert csr.post(f"/console/returns/{coming.id}/receive", fields, csrf=False).status_code == 403


def received_units(console: ConsoleClient, return_id: UUID, request: ReturnRequest) -> int:
    answer = console.post(
        f"/console/returns/{return_id}/receive",
        receipt(request, **{line.sku: (str(line.quantity), "restock") for line in request.lines}),
    )
    return answer.status_code


def test_the_demos_delivered_order_comes_back_through_the_desk(
    uow: UnitOfWork, demo_merchant: demo.Summary, staff_for: StaffFor
) -> None:
    """The walk of docs/returns.md through the pages: a request the policy leaves to a person
    (reason ``other``), found from the dashboard's link, approved by a csr, then received and
    restocked by the warehouse it goes back to."""
    recent = demo_merchant.delivered[0]
    order = orders.lookup_order(recent.number, recent.email, uow=uow)
    hoodie = next(line for line in order.lines if line.sku.startswith("NW-HOD"))
    waiting = request_return(
        RequestReturn(
            order_id=order.id,
            lines=(AskedLine(line_id=hoodie.id, quantity=1, reason=ReturnReason.OTHER),),
            actor="csr@example.com",
        ),
        uow=uow,
    )
    assert waiting.status is ReturnStatus.REQUESTED
    csr = staff_for("csr", locale="de")

    listed = csr.get("/console/returns?status=requested")
    assert rows(listed.text) == [str(waiting.id)]
    assert csr.get(f"/console/returns?q={recent.email}").text.count(str(waiting.id)) == 1
    assert csr.post(f"/console/returns/{waiting.id}/approve").status_code == 303
    approved = get_return(waiting.id, uow=uow)
    assert approved.status is ReturnStatus.APPROVED
    assert approved.receiving_location

    warehouse = staff_for("warehouse", location=approved.receiving_location)
    page = warehouse.get(f"/console/returns/{waiting.id}")
    assert page.status_code == 200
    assert hoodie.sku in page.text
    assert received_units(warehouse, waiting.id, approved) == 303
    done = get_return(waiting.id, uow=uow)
    assert done.status is ReturnStatus.INSPECTED
    assert orders.get_order(order.id, uow=uow).line(hoodie.id).returned_quantity == 1

    resolved = csr.post(f"/console/returns/{waiting.id}/resolve", {"destination": "original"})
    assert resolved.status_code == 303
    completed = get_return(waiting.id, uow=uow)
    assert completed.status is ReturnStatus.COMPLETED
    assert completed.refund is not None
    assert str(completed.refund.amount) == "62.10"  # 69.00 less the 10 % fee of "other"
    shown = csr.get(resolved.headers["location"]).text
    assert "62,10" in shown  # the csr reads German figures
    assert shown.count("badge-completed") == 2  # the return, and its refund in payments
