"""From checked lines to what an import writes: customers, products, orders with their lines
and charges, and (``matching.py``) returns and credits. Pure: the repository writes the plan.

What is already there comes in as ``Known`` (documents imported before, customers by email key,
variants by SKU key), so a rerun plans nothing and new documents reuse what exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from oms.history.domain.source import DocumentKind, Id, LineKind, SourceLine, new_id


@dataclass(frozen=True, slots=True, kw_only=True)
class Known:
    """What the database already holds for the channel."""

    documents: frozenset[str] = frozenset()
    customers: Mapping[str, Id] = field(default_factory=dict)
    """Customer id by email key."""
    variants: Mapping[str, Id] = field(default_factory=dict)
    """Variant id by SKU key (upper-cased SKU)."""


@dataclass(slots=True, kw_only=True)
class NewCustomer:
    id: Id
    email: str
    name: str
    ref: str | None
    created_at: datetime


@dataclass(slots=True, kw_only=True)
class NewProduct:
    product_id: Id
    variant_id: Id
    sku: str
    name: str
    created_at: datetime
    category: str | None = None


@dataclass(slots=True)
class PlannedLine:
    """An order line to write (built positionally, in field order, by ``plan_order``)."""

    id: Id
    line_no: int
    variant_id: Id
    sku: str
    sku_key: str
    name: str
    quantity: int
    unit_price_minor: int
    subtotal_minor: int
    returned_quantity: int = 0


@dataclass(slots=True, kw_only=True)
class PlannedCharge:
    position: int
    kind: LineKind
    code: str
    description: str
    quantity: int
    amount_minor: int


@dataclass(slots=True, kw_only=True)
class PlannedOrder:
    id: Id
    document: str
    customer_id: Id
    customer_key: str
    customer_email: str
    customer_name: str
    customer_ref: str | None
    country: str
    country_name: str
    currency: str
    placed_at: datetime
    lines: list[PlannedLine] = field(default_factory=list)
    charges: list[PlannedCharge] = field(default_factory=list)
    refunded_minor: int = 0

    subtotal_minor: int = 0
    """The lines' totals (set by ``plan_order`` once its lines are planned)."""
    returned_units: int = 0
    """Units of the lines given back so far (``matching``)."""

    def charged(self, kind: LineKind) -> int:
        return sum(c.amount_minor for c in self.charges if c.kind is kind)

    @property
    def shipping_minor(self) -> int:
        return self.charged(LineKind.SHIPPING)

    @property
    def discount_minor(self) -> int:
        """The discount as orders keep it: positive, subtracted from the total."""
        return -self.charged(LineKind.DISCOUNT)

    @property
    def total_minor(self) -> int:
        """The lines' totals plus every charge (signed)."""
        return self.subtotal_minor + sum(c.amount_minor for c in self.charges)

    @property
    def return_status(self) -> str:
        if self.returned_units == 0:
            return "none"
        if all(line.returned_quantity == line.quantity for line in self.lines):
            return "returned"
        return "partially_returned"

    @property
    def payment_status(self) -> str:
        if self.refunded_minor == 0:
            return "paid"
        if self.refunded_minor >= self.total_minor:
            return "refunded"
        return "partially_refunded"


@dataclass(slots=True)
class Catalogue:
    """Customers and products as the plan finds or creates them."""

    known: Known
    channel: str
    new_customers: dict[str, NewCustomer] = field(default_factory=dict)
    new_products: dict[str, NewProduct] = field(default_factory=dict)
    reused_customers: set[str] = field(default_factory=set)
    reused_variants: set[str] = field(default_factory=set)
    _by_code: dict[str, tuple[Id, str]] = field(default_factory=dict)
    """(variant id, SKU key) by code as written: a file repeats each code over many lines."""

    def customer_identity(self, line: SourceLine) -> tuple[str, str, str | None]:
        """(email, name, source ref) of the buyer; a synthesised, undeliverable address
        (``.invalid``) when the source has a customer id but no email, the channel's guest
        when it has neither."""
        domain = f"{self.channel}.invalid"
        if line.email:
            return line.email, line.name or line.email, line.customer_ref
        if line.customer_ref:
            ref = line.customer_ref
            return f"customer-{ref}@{domain}", line.name or f"Customer {ref}", ref
        return f"guest@{domain}", "Guest", None

    def customer(self, line: SourceLine) -> tuple[Id, str, str, str]:
        """(id, key, email, name) of the buyer of ``line``, created if new."""
        email, name, ref = self.customer_identity(line)
        key = email.lower()
        existing = self.known.customers.get(key)
        if existing is not None:
            self.reused_customers.add(key)
            return existing, key, email, name
        new = self.new_customers.get(key)
        if new is None:
            new = NewCustomer(
                id=new_id(), email=email, name=name, ref=ref, created_at=line.placed_at
            )
            self.new_customers[key] = new
        return new.id, key, new.email, new.name

    def variant(self, line: SourceLine) -> Id:
        """The variant of ``line``'s SKU (matched case-insensitively), created if unknown."""
        return self.variant_and_key(line)[0]

    def variant_and_key(self, line: SourceLine) -> tuple[Id, str]:
        """(variant id, SKU key) of ``line``'s code."""
        found = self._by_code.get(line.code)
        if found is None:
            key = line.code.upper()
            found = self._by_code[line.code] = (self._variant(line, key), key)
        return found

    def _variant(self, line: SourceLine, key: str) -> Id:
        existing = self.known.variants.get(key)
        if existing is not None:
            self.reused_variants.add(key)
            return existing
        new = self.new_products.get(key)
        if new is None:
            new = NewProduct(
                product_id=new_id(),
                variant_id=new_id(),
                sku=line.code,
                name=line.description[:200],
                created_at=line.placed_at,
                category=line.category,
            )
            self.new_products[key] = new
        return new.variant_id


def group_documents(lines: Iterable[SourceLine]) -> dict[str, list[SourceLine]]:
    """Lines by document, in file order; documents in order of first appearance."""
    documents: dict[str, list[SourceLine]] = {}
    for line in lines:
        documents.setdefault(line.document, []).append(line)
    return documents


def plan_order(document: str, lines: list[SourceLine], catalogue: Catalogue) -> PlannedOrder:
    """An order document as a completed order: goods as lines (every unit shipped and
    delivered), everything else as charges. The earliest line's time is the order's."""
    first = min(lines, key=lambda line: line.placed_at)
    customer_id, key, email, name = catalogue.customer(first)
    order = PlannedOrder(
        id=new_id(),
        document=document,
        customer_id=customer_id,
        customer_key=key,
        customer_email=email,
        customer_name=name,
        customer_ref=first.customer_ref,
        country=first.country,
        country_name=first.country_name,
        currency=first.currency,
        placed_at=first.placed_at,
    )
    variant = catalogue.variant_and_key
    order_lines = order.lines
    for line in lines:
        if line.kind is _PRODUCT:
            variant_id, sku_key = variant(line)
            order_lines.append(
                PlannedLine(
                    new_id(),
                    len(order_lines) + 1,
                    variant_id,
                    line.code,
                    sku_key,
                    line.description,
                    line.quantity,
                    line.unit_price_minor,
                    line.amount_minor,
                )
            )
        else:
            amount = line.amount_minor
            order.charges.append(
                PlannedCharge(
                    position=len(order.charges) + 1,
                    kind=line.kind,
                    code=line.code,
                    description=line.description,
                    quantity=line.quantity,
                    amount_minor=-abs(amount) if line.kind is LineKind.DISCOUNT else amount,
                )
            )
    order.subtotal_minor = sum(line.subtotal_minor for line in order_lines)
    return order


_PRODUCT = LineKind.PRODUCT


def is_order(lines: list[SourceLine]) -> bool:
    return lines[0].document_kind is DocumentKind.ORDER
