"""The finance desk end to end: payments needing attention linked to their orders, settlement
files uploaded for reconciliation (the demo's Stripe payout file with its planted mismatch),
runs and their exceptions; refused files are errors next to the file field, never a 500."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from oms.app import demo
from oms.orders.services.numbers import order_numbers
from oms.orders.services.references import order_by_reference
from oms.payments.domain import (
    NewTender,
    Payment,
    ProviderName,
    ProviderOutcome,
    TransactionKind,
    TransactionStatus,
)
from oms.payments.repository import LEDGER
from oms.payments.services.attention import payments_needing_attention
from oms.payments.settlements import services as settlements
from oms.payments.settlements.services.runs import list_reconciliations
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money
from tests.console.conftest import ConsoleClient, StaffFor

RECONCILE = "/console/finance/reconciliation"


def upload(
    console: ConsoleClient, content: bytes, *, name: str = "payout.csv", **fields: str
) -> Any:
    data = {"csrf": console.csrf, "provider": "stripe", "older_than_days": "7", **fields}
    return console.client.post(RECONCILE, data=data, files={"file": (name, content, "text/csv")})


def declined_card_payment(uow: UnitOfWork, number: str) -> Payment:
    """A card tender of order ``number`` authorised six days ago whose capture was declined."""
    order = order_by_reference(number, uow=uow)
    at = uow.clock.now() - timedelta(days=6)
    amount = Money(Decimal("10.00"), order.currency)
    payment, authorisation = Payment.open(
        NewTender(
            order_id=order.id,
            channel=order.channel,
            customer_id=None,
            provider=ProviderName.STRIPE,
            method="card",
            amount=amount,
            provider_reference="pi_console_declined",
        ),
        actor="test",
        at=at,
    )
    succeeded = ProviderOutcome(status=TransactionStatus.SUCCEEDED, reference="pi_console_declined")
    payment.settle(authorisation.id, succeeded, at=at)
    capture = payment.begin(TransactionKind.CAPTURE, amount, actor="test", at=at)
    declined = ProviderOutcome(
        status=TransactionStatus.FAILED,
        reference=None,
        failure_code="card_declined",
        failure_message="Your card was declined.",
    )
    payment.settle(capture.id, declined, at=at)
    with uow.begin() as tx:
        tx.repo(LEDGER).add(payment)
    return payment


def test_finance_sees_payments_needing_attention_each_linked_to_its_order(
    demo_merchant: demo.Summary, uow: UnitOfWork, staff_for: StaffFor, tmp_path: Path
) -> None:
    number = demo_merchant.delivered[0].number
    declined_card_payment(uow, number)
    finance = staff_for("finance")

    page = finance.get("/console/finance")
    assert page.status_code == 200
    html = page.text
    assert html.count("<h1>") == 1
    found = payments_needing_attention(uow=uow)
    assert len(found.failed_captures) == 1
    assert len(found.lapsing_authorisations) == 1
    assert found.awaiting_manual, "the demo's bank transfers have not arrived"
    captures = html[html.index('id="h-captures"') : html.index('id="h-refunds"')]
    assert f'href="/console/orders/{number}"' in captures
    assert "Your card was declined." in captures
    lapsing = html[html.index('id="h-lapsing"') : html.index('id="h-manual"')]
    assert f'href="/console/orders/{number}"' in lapsing
    assert "lapses about" in lapsing
    manual = html[html.index('id="h-manual"') : html.index('id="h-unreconciled"')]
    numbers = order_numbers([c.order_id for c in found.awaiting_manual], uow=uow)
    for concern in found.awaiting_manual:
        assert f'href="/console/orders/{numbers[concern.order_id]}"' in manual
    assert "No settlement file has been reconciled yet." in html

    assert staff_for("csr").get("/console/finance").status_code == 403
    assert staff_for("warehouse").get(RECONCILE).status_code == 403


def test_the_demo_payout_file_reconciles_with_its_planted_mismatch_and_again_settles_nothing_twice(
    demo_merchant: demo.Summary, uow: UnitOfWork, staff_for: StaffFor
) -> None:
    assert demo_merchant.settlement_file is not None
    content = demo_merchant.settlement_file.read_bytes()
    finance = staff_for("finance")
    assert "Upload a settlement file" in finance.get(RECONCILE).text

    done = upload(finance, content, name="settlement-stripe.csv")
    assert done.status_code == 303
    target = done.headers["location"]
    assert target.startswith(RECONCILE + "/")
    assert target.endswith("?done=reconciled")
    (run,) = list_reconciliations(uow=uow)
    assert run.amount_mismatch == 1
    assert run.file_name == "settlement-stripe.csv"
    assert run.actor == f"staff:{finance.user.id}"

    page = finance.get(target).text
    assert "The file is reconciled." in page
    assert f'<span class="figure">{run.lines}</span>' in page
    assert f'<span class="figure">{run.matched}</span>' in page
    exceptions = settlements.list_exceptions(run.id, uow=uow, after=None, limit=100)
    (mismatch,) = [d for _, d in exceptions if d.kind.value == "amount_mismatch"]
    assert mismatch.order_id is not None
    number = order_numbers([mismatch.order_id], uow=uow)[mismatch.order_id]
    assert f'href="/console/orders/{number}"' in page
    assert "amount mismatch" in page
    assert mismatch.in_file is not None
    assert mismatch.in_oms is not None
    assert mismatch.in_file.amount - mismatch.in_oms.amount == 1

    attention = finance.get("/console/finance").text
    unreconciled = attention[attention.index('id="h-unreconciled"') :]
    assert f'href="/console/finance/reconciliation/{run.id}"' in unreconciled
    assert f'href="/console/orders/{number}"' in unreconciled

    again = upload(finance, content, name="settlement-stripe.csv")
    assert again.status_code == 303
    second, first = list_reconciliations(uow=uow)
    assert first.id == run.id
    assert second.lines == run.lines
    assert second.amount_mismatch == 1, "the same file, matched the same way"
    runs = finance.get(RECONCILE).text
    assert runs.count('href="/console/finance/reconciliation/') == 2

    assert finance.get(f"{RECONCILE}/{first.id}?after=bogus").status_code == 422
    missing = finance.get(f"{RECONCILE}/01a24114-0000-7000-8000-000000000000")
    assert missing.status_code == 404


def test_a_file_that_is_no_settlement_file_is_refused_next_to_the_file_field(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    finance = staff_for("finance")
    refused = upload(finance, b"hello,world\n1,2\n", older_than_days="9")
    assert refused.status_code == 422
    assert 'id="e-file" class="error">the file lacks the required column' in refused.text
    assert 'value="9"' in refused.text, "the typed values stay"

    header = (
        "automatic_payout_id,balance_transaction_id,created_utc,currency,gross,fee,net,"
        "reporting_category,source_id,payment_intent_id,charge_id\n"
    )
    bad_cells = header + "po_1,txn_1,yesterday,usd,ten,0,0,charge,ch_1,pi_1,ch_1\n"
    refused = upload(finance, bad_cells.encode())
    assert refused.status_code == 422
    assert re.search(r"line 2, created_utc: .*is not a date and time", refused.text)

    for content in (b"\xff\xfe\x00bin", b""):
        refused = upload(finance, content)
        assert refused.status_code == 422
        assert 'id="e-file" class="error">' in refused.text

    refused = upload(finance, b"x", provider="paypal")
    assert refused.status_code == 422
    assert 'id="e-provider" class="error">choose the file' in refused.text

    no_file = finance.post(RECONCILE, {"provider": "stripe", "older_than_days": "7"})
    assert no_file.status_code == 422
    assert 'id="e-file" class="error">choose a settlement file' in no_file.text

    refused = upload(finance, b"x", older_than_days="-3")
    assert refused.status_code == 422
    assert 'id="e-older_than_days" class="error">' in refused.text
    assert list_reconciliations(uow=uow) == []
