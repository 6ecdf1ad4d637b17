"""The order actions with a page of their own, driven through the console as staff use them:
an edit previewed then confirmed (and a stale preview refused), a goodwill refund within the
csr's limit (and above it), a return, an exchange and a claim, and a notification resent.
Each flow on the demo merchant, on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
from uuid import UUID

from babel.numbers import format_currency
from sqlalchemy import Engine

from oms import orders
from oms.app import demo, tasks
from oms.notifications.services.mail import history
from oms.orders.services.references import order_by_reference
from oms.payments.services import goodwill
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.services import requests
from oms.shared.money import Money
from tests.console.conftest import ConsoleClient, StaffFor


def shown(money: Money) -> str:
    """Money as an English console page writes it."""
    return format_currency(money.amount, money.currency, locale="en")


def message_of(page: str, field: str) -> str:
    """The message the page shows next to ``field`` ('' when none)."""
    found = re.search(rf'<small id="e-{re.escape(field)}" class="error">([^<]*)</small>', page)
    return html.unescape(found.group(1)) if found else ""


def value_of(page: str, field: str) -> str | None:
    """The value the page puts back into the input named ``field``."""
    found = re.search(rf'name="{re.escape(field)}"[^>]*value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else None


def hidden_fields(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to ``action``."""
    start = page.index(f'action="{action}"')
    form = page[start : page.index("</form>", start)]
    return {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form)
    }


# -- editing -----------------------------------------------------------------------------------


def test_an_edit_is_previewed_with_its_money_then_confirmed_and_a_stale_preview_is_refused(
    uow: UnitOfWork, demo_merchant: demo.Summary, staff_for: StaffFor
) -> None:
    csr = staff_for("csr")
    order = order_by_reference("SO-10053", uow=uow)
    (line,) = order.lines
    qty = f"qty.{line.id}"
    url = "/console/orders/so-10053/edit"

    form = csr.get(url)
    assert form.status_code == 200
    assert line.sku in form.text
    assert value_of(form.text, qty) == str(line.billed_quantity)
    assert value_of(form.text, "address.city") == order.shipping_address.city

    bad = csr.post(url, {qty: "two", "add_sku.0": "NO-SUCH-SKU", "add_qty.0": "1"})
    assert bad.status_code == 422
    assert message_of(bad.text, qty) == "must be a whole number"
    assert value_of(bad.text, qty) == "two"
    assert value_of(bad.text, "add_sku.0") == "NO-SUCH-SKU"

    unknown = csr.post(url, {qty: "1", "add_sku.0": "NO-SUCH-SKU", "add_qty.0": "2"})
    assert unknown.status_code == 422
    assert message_of(unknown.text, "add_sku.0") == "NO-SUCH-SKU is not for sale"
    assert value_of(unknown.text, "add_qty.0") == "2"

    nothing = csr.post(url, {qty: str(line.billed_quantity)})
    assert nothing.status_code == 422
    assert "name at least one change" in nothing.text

    before = line.billed_quantity
    preview = csr.post(url, {qty: str(before + 1)})
    assert preview.status_code == 200, preview.text
    [change] = orders.list_changes(order.id, uow=uow, after=None, limit=5)
    new_total = change.preview.new_totals.total
    assert new_total > order.totals.total
    assert shown(new_total) in preview.text
    assert shown(change.preview.difference) in preview.text
    assert "more" in preview.text
    confirm_url = "/console/orders/SO-10053/edit/confirm"
    confirm = hidden_fields(preview.text, confirm_url)
    assert confirm["change_id"] == str(change.id)
    assert confirm["version"] == str(order.version)
    assert confirm[qty] == str(before + 1)

    # A second preview confirmed first moves the order on: the first preview is stale.
    express = csr.post(url, {qty: str(before + 2)})
    assert express.status_code == 200
    done = csr.post(confirm_url, hidden_fields(express.text, confirm_url))
    assert done.status_code == 303
    assert done.headers["location"] == "/console/orders/SO-10053?done=edited"
    changed = orders.get_order(order.id, uow=uow)
    assert changed.lines[0].billed_quantity == before + 2
    assert changed.version == order.version + 1

    stale = csr.post(confirm_url, confirm)
    assert stale.status_code == 412
    assert "This preview is out of date" in stale.text
    assert value_of(stale.text, qty) == str(before + 1), "kept, to preview again"
    assert orders.get_order(order.id, uow=uow).lines[0].billed_quantity == before + 2

    again = csr.post(confirm_url, hidden_fields(express.text, confirm_url))
    assert again.status_code == 409
    assert "confirmed already" in again.text

    reshipping(uow, csr)

    completed = csr.get(f"/console/orders/{demo_merchant.delivered[0].number}/edit")
    assert completed.status_code == 409
    assert "can no longer be edited" in completed.text
    assert staff_for("warehouse").get(url).status_code == 403
    assert csr.get("/console/orders/SO-99999/edit").status_code == 404


# -- goodwill refunds --------------------------------------------------------------------------


def refund_fields(page: str, **typed: str) -> dict[str, str]:
    """The refund form as shown (its refund id) with what the user types."""
    shown_form = hidden_fields(page, page_action(page, "/refund"))
    return {"destination": "original", **shown_form, **typed}


def page_action(page: str, ending: str) -> str:
    found = re.search(rf'action="(/console/orders/[^"]+{re.escape(ending)})"', page)
    assert found, f"no form posting to …{ending}"
    return found.group(1)


def test_a_goodwill_refund_shows_the_money_refuses_a_csr_above_the_limit_and_refunds_once(
    uow: UnitOfWork, demo_merchant: demo.Summary, staff_for: StaffFor
) -> None:
    number = demo_merchant.delivered[0].number
    order = order_by_reference(number, uow=uow)
    url = f"/console/orders/{number}/refund"
    csr = staff_for("csr")

    form = csr.get(url)
    assert form.status_code == 200
    captured = order.payment_figures.captured
    assert captured.amount > 60
    assert f'id="captured">{shown(captured)}<' in form.text
    assert f'id="refunded">{shown(Money.zero("EUR"))}<' in form.text
    assert f'id="limit">{shown(Money.of("50.00", "EUR"))}<' in form.text
    assert 'value="late"' in form.text, "the configured reasons are offered"

    above = csr.post(url, refund_fields(form.text, amount="60.00", reason="late", note="sorry"))
    assert above.status_code == 403
    assert "may refund up to" in message_of(above.text, "amount")
    assert value_of(above.text, "amount") == "60.00"
    assert "sorry" in above.text
    assert goodwill.list_refunds(order.id, uow=uow) == []

    bad = csr.post(url, refund_fields(form.text, amount="ten", reason="", destination="cash"))
    assert bad.status_code == 422
    assert message_of(bad.text, "amount") == "must be an amount such as 12.50"
    assert message_of(bad.text, "reason") == "choose a reason"
    assert message_of(bad.text, "destination") == "choose where the money goes"
    assert value_of(bad.text, "amount") == "ten"
    finer = csr.post(url, refund_fields(form.text, amount="1.005", reason="late"))
    assert finer.status_code == 422
    assert message_of(finer.text, "amount") == "EUR allows 2 decimal places"
    unknown = csr.post(url, refund_fields(form.text, amount="5", reason="whim"))
    assert unknown.status_code == 422
    assert "is not a configured refund reason" in message_of(unknown.text, "reason")

    fields = refund_fields(form.text, amount="12.50", reason="late", note="parcel late")
    done = csr.post(url, fields)
    assert done.status_code == 303
    assert done.headers["location"] == f"{url}?done=completed"
    twice = csr.post(url, fields)
    assert twice.status_code == 303, "the same form sent again refunds nothing more"
    [refund] = goodwill.list_refunds(order.id, uow=uow)
    assert refund.amount == Money.of("12.50", "EUR")
    assert (refund.reason, refund.note, refund.status) == ("late", "parcel late", "completed")
    assert refund.actor == f"staff:{csr.user.id}"
    after = csr.get(done.headers["location"])
    assert "The refund is done." in after.text
    assert f'id="refunded">{shown(Money.of("12.50", "EUR"))}<' in after.text

    finance = staff_for("finance")
    form = finance.get(url)
    assert 'id="limit">no limit<' in form.text
    more = finance.post(url, refund_fields(form.text, amount="60.00", reason="damaged"))
    assert more.status_code == 303
    assert len(goodwill.list_refunds(order.id, uow=uow)) == 2
    assert staff_for("marketing").get(url).status_code == 403
    assert staff_for("warehouse").post(url, {"amount": "1"}).status_code == 403
    german = staff_for("csr", locale="de")
    for page in ("refund", "edit", "return"):
        assert german.get(f"/console/orders/{number}/{page}").status_code in (200, 409)


# -- returns, exchanges and claims ------------------------------------------------------------


def return_id(location: str) -> UUID:
    """The return a redirect to the returns desk names."""
    found = re.fullmatch(r"/console/returns/([0-9a-f-]{36})\?done=created", location)
    assert found, location
    return UUID(found.group(1))


def test_a_return_an_exchange_and_a_claim_are_filed_from_the_order_each_refusal_by_its_line(
    uow: UnitOfWork, demo_merchant: demo.Summary, staff_for: StaffFor
) -> None:
    recent, old = demo_merchant.delivered
    order = order_by_reference(recent.number, uow=uow)
    line = {line.sku: line for line in order.lines}
    tee, hoodie, cap = line["NW-TSH-BLA-M"], line["NW-HOD-NAV-M"], line["NW-CAP-BLA"]
    url = f"/console/orders/{recent.number}/return"
    csr = staff_for("csr")

    form = csr.get(url)
    assert form.status_code == 200
    assert re.search(r'data-returnable="NW-TSH-BLA-M">2<', form.text)
    assert "Return window: 30 days from delivery." in form.text

    empty = csr.post(url, {"kind": "return"})
    assert empty.status_code == 422
    assert "name the units of at least one line" in empty.text

    too_many = csr.post(
        url, {"kind": "return", f"qty.{tee.id}": "3", f"reason.{tee.id}": "changed_mind"}
    )
    assert too_many.status_code == 422
    assert "2 can still be" in message_of(too_many.text, f"qty.{tee.id}")
    assert value_of(too_many.text, f"qty.{tee.id}") == "3"
    assert 'value="changed_mind" selected' in too_many.text

    unexplained = csr.post(url, {"kind": "exchange", f"qty.{tee.id}": "1"})
    assert unexplained.status_code == 422
    assert message_of(unexplained.text, f"reason.{tee.id}") == "choose why it comes back"
    assert "name the replacement" in message_of(unexplained.text, f"replacement_sku.{tee.id}")

    unsold = csr.post(
        url,
        {
            "kind": "exchange",
            f"qty.{tee.id}": "1",
            f"reason.{tee.id}": "wrong_size",
            f"replacement_sku.{tee.id}": "NW-NOT-SOLD",
        },
    )
    assert unsold.status_code == 422
    assert "is not sold" in message_of(unsold.text, f"replacement_sku.{tee.id}")
    assert value_of(unsold.text, f"replacement_sku.{tee.id}") == "NW-NOT-SOLD"

    returned = csr.post(
        url,
        {
            "kind": "return",
            f"qty.{hoodie.id}": "1",
            f"reason.{hoodie.id}": "changed_mind",
            "refund_to": "store_credit",
            "note": "called in",
        },
    )
    assert returned.status_code == 303, returned.text
    made = requests.get_return(return_id(returned.headers["location"]), uow=uow)
    assert (made.kind.value, made.status.value) == ("return", "approved")
    assert [(x.sku, x.quantity, x.reason.value) for x in made.lines] == [
        ("NW-HOD-NAV-M", 1, "changed_mind")
    ]
    assert made.note == "The customer asks for store credit. called in"
    assert made.created_by == f"staff:{csr.user.id}"

    exchanged = csr.post(
        url,
        {
            "kind": "exchange",
            f"qty.{tee.id}": "1",
            f"reason.{tee.id}": "wrong_size",
            f"replacement_sku.{tee.id}": "NW-TSH-BLA-L",
        },
    )
    assert exchanged.status_code == 303, exchanged.text
    swap = requests.get_return(return_id(exchanged.headers["location"]), uow=uow)
    assert swap.kind.value == "exchange"

    claimed = csr.post(
        url,
        {
            "kind": "claim",
            f"qty.{cap.id}": "1",
            "claim_kind": "arrived_damaged",
            "claim_resolution": "refund",
            "refund_to": "original",
            "evidence": "photo of the torn cap",
        },
    )
    assert claimed.status_code == 303, claimed.text
    claim = requests.get_return(return_id(claimed.headers["location"]), uow=uow)
    assert (claim.kind.value, claim.status.value) == ("claim", "completed")
    assert claim.evidence == ("photo of the torn cap",)
    assert claim.refund is not None
    assert claim.refund.amount > 0

    late_order = order_by_reference(old.number, uow=uow)
    late_line = late_order.lines[0]
    late = csr.post(
        f"/console/orders/{old.number}/return",
        {"kind": "return", f"qty.{late_line.id}": "1", f"reason.{late_line.id}": "other"},
    )
    assert late.status_code == 422
    assert "the return window closed on" in message_of(late.text, f"qty.{late_line.id}")
    assert "see each line" in late.text

    unshipped = csr.get("/console/orders/SO-10053/return")
    assert "Nothing of this order has shipped yet" in unshipped.text
    assert staff_for("warehouse").get(url).status_code == 403
    assert staff_for("finance").post(url, {"kind": "return"}).status_code == 403


# -- notifications ----------------------------------------------------------------------------


def test_a_notification_is_resent_from_the_order_and_back_to_the_order_with_a_flash(
    uow: UnitOfWork, engine: Engine, demo_merchant: demo.Summary, staff_for: StaffFor
) -> None:
    tasks.relay(engine).drain()
    order = order_by_reference(demo_merchant.delivered[0].number, uow=uow)
    sent = history.order_notifications(order.id, uow=uow)
    confirmation = next(m for m in sent if m.kind.value == "order_confirmation")
    url = f"/console/orders/{order.number}/notifications/{confirmation.id}/resend"
    csr = staff_for("csr")

    assert csr.post(url, csrf=False).status_code == 403
    answer = csr.post(url)
    assert answer.status_code == 303
    assert answer.headers["location"] == (
        f"/console/orders/{order.number}?done=resent&kind=order_confirmation#notifications"
    )
    newest = history.order_notifications(order.id, uow=uow)[0]
    assert newest.kind.value == "order_confirmation"
    assert newest.requested_by == f"staff:{csr.user.id}"
    assert newest.resend_of is not None
    assert len(history.order_notifications(order.id, uow=uow)) == len(sent) + 1

    other = order_by_reference("SO-10053", uow=uow)
    elsewhere = f"/console/orders/{other.number}/notifications/{confirmation.id}/resend"
    assert csr.post(elsewhere).status_code == 404, "a mail about another order is not this one's"
    missing = f"/console/orders/{order.number}/notifications/{UUID(int=1)}/resend"
    assert csr.post(missing).status_code == 404
    assert csr.post(f"/console/orders/{order.number}/notifications/x/resend").status_code == 422
    for role in ("marketing", "warehouse", "finance"):
        assert staff_for(role).post(url).status_code == 403, role


ADDRESS = ("name", "company", "line1", "line2", "city", "postal_code", "region", "country")


def reshipping(uow: UnitOfWork, csr: ConsoleClient) -> None:
    """Lines removed, the shipping method and address changed: each bad field answered next to
    it, then the change previewed and confirmed."""
    order = order_by_reference("SO-10045", uow=uow)
    first = order.lines[0]
    url = "/console/orders/SO-10045/edit"
    page = csr.get(url).text
    shown_form = {f"address.{name}": value_of(page, f"address.{name}") or "" for name in ADDRESS}
    assert shown_form["address.line1"] == order.shipping_address.line1

    no_store = csr.post(url, {**shown_form, "shipping_method": "pickup", "pickup_location": ""})
    assert no_store.status_code == 422
    assert message_of(no_store.text, "pickup_location") == "is required for pickup"
    assert 'value="pickup" selected' in no_store.text

    nowhere = csr.post(url, {**shown_form, "address.country": "ZZ", "address.city": "Nowhere"})
    assert nowhere.status_code == 422
    assert message_of(nowhere.text, "address.country")
    assert value_of(nowhere.text, "address.country") == "ZZ"
    assert value_of(nowhere.text, "address.city") == "Nowhere"

    typed = {**shown_form, f"remove.{first.id}": "1", "shipping_method": "express"}
    preview = csr.post(url, typed)
    assert preview.status_code == 200, preview.text
    [change] = orders.list_changes(order.id, uow=uow, after=None, limit=5)
    assert change.preview.shipping_method == "express"
    assert change.preview.difference == change.preview.new_totals.total - order.totals.total
    assert shown(change.preview.new_totals.total) in preview.text
    confirm_url = "/console/orders/SO-10045/edit/confirm"
    assert csr.post(confirm_url, hidden_fields(preview.text, confirm_url)).status_code == 303
    changed = orders.get_order(order.id, uow=uow)
    assert changed.shipping_method == "express"
    assert changed.lines[0].billed_quantity == 0
    assert changed.totals == change.preview.new_totals
