"""Settlement files read as statements: Stripe's itemized payout reconciliation report and the
generic CSV, with every refusal naming what is wrong."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from oms.payments.settlements.domain import (
    LineKind,
    MissingColumns,
    StatementFormat,
    UnreadableStatement,
    UnreadableValues,
    read_generic_csv,
    read_stripe_report,
)
from oms.shared.money import Money

STRIPE_COLUMNS = [
    "automatic_payout_id",
    "automatic_payout_effective_at",
    "balance_transaction_id",
    "created_utc",
    "available_on_utc",
    "currency",
    "gross",
    "fee",
    "net",
    "reporting_category",
    "source_id",
    "description",
    "customer_facing_amount",
    "customer_facing_currency",
    "payment_intent_id",
    "charge_id",
    "payment_metadata[order_id]",
    "card_brand",
]
STRIPE_HEADER = ",".join(STRIPE_COLUMNS)


def stripe_line(**cells: str) -> str:
    """A report line: a payout's charge unless ``cells`` say otherwise."""
    given = {
        "automatic_payout_id": "po_1",
        "automatic_payout_effective_at": "2026-11-30 00:00:00",
        "created_utc": "2026-11-27 10:00:00",
        "currency": "eur",
        "fee": "0.00",
        **cells,
    }
    return ",".join(given.get(column, "") for column in STRIPE_COLUMNS)


STRIPE_REPORT = "\n".join(
    [
        STRIPE_HEADER,
        stripe_line(
            balance_transaction_id="txn_1",
            gross="100.00",
            fee="1.65",
            net="98.35",
            reporting_category="charge",
            source_id="ch_1",
            customer_facing_amount="100.00",
            customer_facing_currency="eur",
            payment_intent_id="pi_1",
            charge_id="ch_1",
        ),
        stripe_line(
            balance_transaction_id="txn_2",
            gross="-20.00",
            net="-20.00",
            reporting_category="refund",
            source_id="re_1",
            payment_intent_id="pi_1",
            charge_id="ch_1",
        ),
        stripe_line(
            balance_transaction_id="txn_3",
            gross="-15.00",
            net="-15.00",
            reporting_category="dispute",
            source_id="dp_1",
            charge_id="ch_2",
        ),
        stripe_line(
            balance_transaction_id="txn_4",
            gross="-2.50",
            net="-2.50",
            reporting_category="fee",
            description="Billing fee",
        ),
        stripe_line(
            balance_transaction_id="txn_5",
            gross="5.00",
            net="5.00",
            reporting_category="other_adjustment",
            source_id="adj_1",
        ),
    ]
)


def test_a_stripe_report_becomes_signed_lines_with_their_references() -> None:
    statement = read_stripe_report(STRIPE_REPORT)

    assert statement.format is StatementFormat.STRIPE
    assert statement.provider == "stripe"
    charge, refund, dispute, fee, adjustment = statement.lines
    assert (charge.kind, charge.gross, charge.fee, charge.net) == (
        LineKind.CAPTURE,
        Money.of("100.00", "EUR"),
        Money.of("1.65", "EUR"),
        Money.of("98.35", "EUR"),
    )
    assert charge.references == ("ch_1", "pi_1")
    assert charge.payout_id == "po_1"
    assert charge.settled_at == datetime(2026, 11, 30, tzinfo=UTC)
    assert charge.presented == Money.of("100.00", "EUR")
    assert charge.line == 2
    assert (refund.kind, refund.gross, refund.references) == (
        LineKind.REFUND,
        Money.of("-20.00", "EUR"),
        ("re_1", "ch_1", "pi_1"),
    )
    assert dispute.kind is LineKind.CHARGEBACK
    assert (fee.kind, fee.references) == (LineKind.FEE, ("txn_4",))
    assert (adjustment.kind, adjustment.category) == (LineKind.OTHER, "other_adjustment")


def test_a_stripe_report_without_required_columns_is_refused_naming_them_all() -> None:
    text = "balance_transaction_id,currency,gross,reporting_category\ntxn_1,eur,1.00,charge\n"

    with pytest.raises(MissingColumns) as refused:
        read_stripe_report(text)

    assert refused.value.missing == ("automatic_payout_id", "fee", "net", "source_id")
    assert "automatic_payout_id, fee, net, source_id" in refused.value.detail
    assert refused.value.problems[0].field == "file"


def test_columns_stripe_may_add_later_are_ignored_and_a_byte_order_mark_is_read() -> None:
    text = "\ufeff" + STRIPE_REPORT.replace("card_brand", "card_brand,regulatory_tag", 1)

    assert len(read_stripe_report(text).lines) == 5


def test_blank_lines_before_the_header_are_skipped_and_lines_keep_their_numbers() -> None:
    statement = read_stripe_report("\n\r\n" + STRIPE_REPORT)

    assert [line.line for line in statement.lines] == [4, 5, 6, 7, 8]
    with pytest.raises(MissingColumns) as refused:
        read_stripe_report("\nloaded demo merchant: 3 locations\n")
    assert refused.value.detail.startswith("the file lacks the required columns")


def test_unreadable_cells_are_refused_together_by_line_and_column() -> None:
    charge = {"reporting_category": "charge", "net": "1.00"}
    text = "\n".join(
        [
            STRIPE_HEADER,
            stripe_line(**charge, source_id="ch_1", gross="ten"),
            stripe_line(**charge, source_id="ch_2", gross="1.00", currency="xyz"),
            stripe_line(**charge, source_id="ch_3", gross="1.001"),
        ]
    )

    with pytest.raises(UnreadableValues) as refused:
        read_stripe_report(text)

    assert [p.field for p in refused.value.problems[1:]] == [
        "line 2, gross",
        "line 3, currency",
        "line 4, gross",
    ]
    assert "more decimals than EUR has minor units" in refused.value.problems[3].message


def test_a_decimal_comma_and_a_zero_decimal_currency_are_read_exactly() -> None:
    text = "\n".join(
        [
            STRIPE_HEADER,
            stripe_line(
                currency="jpy", gross="1200", fee="36", net="1164", reporting_category="charge"
            ),
            stripe_line(gross='"12,50"', fee='"0,30"', net='"12,20"', reporting_category="charge"),
        ]
    )

    yen, euro = read_stripe_report(text).lines

    assert yen.gross == Money.of("1200", "JPY")
    assert euro.net == Money.of("12.20", "EUR")


def test_an_empty_file_or_one_with_nul_characters_is_refused() -> None:
    with pytest.raises(UnreadableStatement, match="no header"):
        read_stripe_report("")
    with pytest.raises(UnreadableStatement, match="NUL characters"):
        read_stripe_report(STRIPE_REPORT.replace("ch_1", "ch\x00"))


GENERIC = """provider,reference,type,amount,currency,fee,settled_at,payout_id
manual,BANK-1,capture,49.90,EUR,,2026-11-30,bt-77
manual,BANK-2,refund,10.00,EUR,0.00,2026-11-30T08:00:00Z,bt-77
manual,monthly,fee,3.00,EUR,,,bt-77
"""


def test_a_generic_csv_gives_directions_by_type_and_its_provider_from_the_rows() -> None:
    statement = read_generic_csv(GENERIC)

    assert (statement.format, statement.provider) == (StatementFormat.GENERIC, "manual")
    capture, refund, fee = statement.lines
    assert (capture.kind, capture.gross, capture.net) == (
        LineKind.CAPTURE,
        Money.of("49.90", "EUR"),
        Money.of("49.90", "EUR"),
    )
    assert capture.settled_at == datetime(2026, 11, 30, tzinfo=UTC)
    assert (refund.kind, refund.gross) == (LineKind.REFUND, Money.of("-10.00", "EUR"))
    assert (fee.kind, fee.gross, fee.payout_id) == (LineKind.FEE, Money.of("-3.00", "EUR"), "bt-77")


def test_a_generic_csv_needs_only_its_five_required_columns() -> None:
    statement = read_generic_csv("provider,reference,type,amount,currency\npos,T-1,capture,5,EUR\n")

    assert statement.lines[0].fee == Money.zero("EUR")
    assert statement.lines[0].payout_id is None


def test_a_generic_csv_refuses_negative_amounts_unknown_types_and_mixed_providers() -> None:
    with pytest.raises(UnreadableValues) as refused:
        read_generic_csv(
            "provider,reference,type,amount,currency\n"
            "pos,T-1,capture,-5,EUR\n"
            "pos,T-2,payout,5,EUR\n"
        )
    assert [p.field for p in refused.value.problems[1:]] == ["line 2, amount", "line 3, type"]

    mixed = r"mixes providers pos \(line 2\), manual \(line 3\)"
    with pytest.raises(UnreadableStatement, match=mixed):
        read_generic_csv(
            "provider,reference,type,amount,currency\npos,T-1,capture,5,EUR\n"
            "manual,B-1,capture,5,EUR\n"
        )
