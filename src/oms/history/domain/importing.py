"""A whole file's plan: which documents are new, what each becomes, and the summary figures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from oms.history.domain.matching import (
    CreditPlan,
    Matcher,
    PlannedCredit,
    PlannedReturn,
    plan_adjustment,
    plan_credit_note,
    wanted_keys,
)
from oms.history.domain.plan import Catalogue, Known, PlannedOrder, group_documents, plan_order
from oms.history.domain.source import DocumentKind, Id, Reject, SourceLine


@dataclass(slots=True, kw_only=True)
class PlannedDocument:
    external_id: str
    kind: DocumentKind
    order_id: Id | None
    customer_ref: str | None
    source_country: str
    occurred_at: datetime


@dataclass(slots=True, kw_only=True)
class Plan:
    orders: list[PlannedOrder]
    returns: list[PlannedReturn]
    credits: list[PlannedCredit]
    documents: list[PlannedDocument]
    catalogue: Catalogue
    rejects: list[Reject]
    skipped_documents: int
    exact_amount: Decimal = field(default=Decimal(0))
    """Quantity x unit price, exactly, over the lines planned (not the rejected ones)."""

    def figures(self) -> dict[str, int | str]:
        """What the plan imports, in counts and minor units (docs/import.md)."""
        lines = [line for order in self.orders for line in order.lines]
        charges = [charge for order in self.orders for charge in order.charges]
        returned = [line for r in self.returns for line in r.lines.values()]
        lines_minor = sum(line.subtotal_minor for line in lines)
        charges_minor = sum(charge.amount_minor for charge in charges)
        refunds_minor = sum(r.refund_minor for r in self.returns)
        credits_minor = sum(credit.amount_minor for credit in self.credits)
        imported_minor = lines_minor + charges_minor - refunds_minor + credits_minor
        exact_minor = self.exact_amount * 100
        return {
            "documents_skipped": self.skipped_documents,
            "orders": len(self.orders),
            "order_lines": len(lines),
            "units": sum(line.quantity for line in lines),
            "customers_created": len(self.catalogue.new_customers),
            "customers_reused": len(self.catalogue.reused_customers),
            "products_created": len(self.catalogue.new_products),
            "products_reused": len(self.catalogue.reused_variants),
            "charges": len(charges),
            "returns": len(self.returns),
            "return_lines": len(returned),
            "units_returned": sum(line.quantity for line in returned),
            "credits": len(self.credits),
            "rejects": len(self.rejects),
            "rejected_units": sum(r.quantity for r in self.rejects),
            "lines_minor": lines_minor,
            "charges_minor": charges_minor,
            "refunds_minor": refunds_minor,
            "credits_minor": credits_minor,
            "net_minor": imported_minor,
            "exact_minor": str(exact_minor),
            "rounding_minor": str(imported_minor - exact_minor),
        }


def _consistent(lines: list[SourceLine], rejects: list[Reject]) -> list[SourceLine]:
    """The lines of one document that agree with its first on kind and currency."""
    first = lines[0]
    kept: list[SourceLine] = []
    for line in lines:
        if line.document_kind is not first.document_kind:
            rejects.append(_reject(line, "kind", "differs from the document's first line"))
        elif line.currency != first.currency:
            rejects.append(_reject(line, "currency", "differs from the document's first line"))
        else:
            kept.append(line)
    return kept


def _reject(line: SourceLine, name: str, reason: str) -> Reject:
    return Reject(
        row=line.row,
        field=name,
        reason=reason,
        document=line.document,
        quantity=line.quantity,
        exact_amount=line.exact_amount,
    )


def new_documents(
    lines: Iterable[SourceLine], imported: Set[str]
) -> tuple[dict[str, list[SourceLine]], int]:
    """The lines of documents not imported before, by document (in order of first
    appearance), and how many documents were skipped as imported."""
    grouped = group_documents(lines)
    if not imported:
        return grouped, 0
    fresh = {document: kept for document, kept in grouped.items() if document not in imported}
    return fresh, len(grouped) - len(fresh)


def plan_import(
    lines: Iterable[SourceLine], known: Known, channel: str, rejects: list[Reject]
) -> Plan:
    """Plan every document of ``lines`` not imported before (``known.documents``)."""
    documents, skipped = new_documents(lines, known.documents)
    return plan_documents(documents, skipped, known, channel, rejects)


def plan_documents(
    documents: Mapping[str, list[SourceLine]],
    skipped: int,
    known: Known,
    channel: str,
    rejects: list[Reject],
) -> Plan:
    """Plan new ``documents``: orders first, then credit notes and adjustments in time order,
    so a credit note finds the orders placed before it."""
    catalogue = Catalogue(known=known, channel=channel)
    orders: list[PlannedOrder] = []
    others: list[tuple[str, list[SourceLine]]] = []
    exact = Decimal(0)
    for document, grouped in documents.items():
        kept = _consistent(grouped, rejects)
        exact += sum((line.exact_amount for line in kept), Decimal(0))
        if kept[0].document_kind is DocumentKind.ORDER:
            orders.append(plan_order(document, kept, catalogue))
        else:
            others.append((document, kept))
    credit_lines = (
        line for _, kept in others if kept[0].document_kind is DocumentKind.CANCELLATION
        for line in kept if line.original_document is None
    )  # fmt: skip
    matcher = Matcher(orders, wanted_keys(credit_lines, catalogue))
    credit_plan = CreditPlan()
    others.sort(key=lambda item: (min(line.placed_at for line in item[1]), item[0]))
    for document, kept in others:
        if kept[0].document_kind is DocumentKind.CANCELLATION:
            plan_credit_note(document, kept, catalogue, matcher, credit_plan)
        else:
            plan_adjustment(document, kept, catalogue, credit_plan)
    return Plan(
        orders=orders,
        returns=credit_plan.returns,
        credits=credit_plan.credits,
        documents=_documents(orders, others),
        catalogue=catalogue,
        rejects=sorted(rejects, key=lambda r: r.row),
        skipped_documents=skipped,
        exact_amount=exact,
    )


def _documents(
    orders: list[PlannedOrder], others: list[tuple[str, list[SourceLine]]]
) -> list[PlannedDocument]:
    documents = [
        PlannedDocument(
            external_id=order.document,
            kind=DocumentKind.ORDER,
            order_id=order.id,
            customer_ref=order.customer_ref,
            source_country=order.country_name,
            occurred_at=order.placed_at,
        )
        for order in orders
    ]
    for document, kept in others:
        first = min(kept, key=lambda line: line.placed_at)
        documents.append(
            PlannedDocument(
                external_id=document,
                kind=first.document_kind,
                order_id=None,
                customer_ref=first.customer_ref,
                source_country=first.country_name,
                occurred_at=first.placed_at,
            )
        )
    return documents
