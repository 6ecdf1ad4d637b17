"""Doubles of the customers port: customers, addresses, tags and consent history over dicts."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from oms.customers.domain import (
    FIRST_NUMBER,
    ConsentRecord,
    Customer,
    CustomerAddress,
    CustomerNote,
    EmailTaken,
    SearchTerms,
    customer_number,
    search_text,
)
from oms.customers.repository import CUSTOMERS, NOTES, Customers, Notes
from oms.shared.versions import StaleVersion


class InMemoryCustomers:
    """``Customers`` over a dict by id; emails unique by their key, as the index keeps them."""

    def __init__(self, *customers: Customer) -> None:
        self.stored: dict[UUID, Customer] = {c.id: c for c in customers}
        self.consents: dict[UUID, list[ConsentRecord]] = {}
        self.numbers = itertools.count(FIRST_NUMBER + len(customers))

    def by_id(self, customer_id: UUID, *, lock: bool = False) -> Customer | None:
        return self.stored.get(customer_id)

    def by_email_key(self, key: str) -> Customer | None:
        return next((c for c in self.stored.values() if c.email_key == key), None)

    def id_by_email_key(self, key: str) -> UUID | None:
        found = self.by_email_key(key)
        return found.id if found else None

    def attach(self, key: str) -> tuple[UUID, str] | None:
        found = self.by_email_key(key)
        return (found.id, found.email) if found else None

    def page(
        self,
        *,
        terms: SearchTerms | None,
        email_key: str | None,
        tag: str | None,
        after: tuple[datetime, UUID] | None,
        limit: int,
        sees_contacts: bool,
    ) -> list[Customer]:
        def matches(c: Customer) -> bool:
            may_see_email = sees_contacts or c.marketing_consent
            return (
                (terms is None or _matches(c, terms, sees_contacts=sees_contacts))
                and (email_key is None or (c.email_key == email_key and may_see_email))
                and (tag is None or tag in c.tags)
                and (after is None or (c.created_at, c.id) < after)
            )

        found = sorted(
            (c for c in self.stored.values() if matches(c)),
            key=lambda c: (c.created_at, c.id),
            reverse=True,
        )
        return found[:limit]

    def add(self, draft: Customer) -> Customer | None:
        if self.by_email_key(draft.email_key) is not None:
            return None
        customer = dataclasses.replace(draft, number=customer_number(next(self.numbers)))
        self.stored[customer.id] = customer
        return customer

    def update(self, customer: Customer) -> Customer:
        stored = self.stored[customer.id]
        if stored.version != customer.version:
            raise StaleVersion("customer", str(customer.id), expected=[customer.version])
        holder = self.id_by_email_key(customer.email_key)
        if holder not in (None, customer.id):
            raise EmailTaken(holder)
        saved = dataclasses.replace(
            customer,
            tags=stored.tags,
            addresses=stored.addresses,
            version=customer.version + 1,
        )
        self.stored[customer.id] = saved
        return dataclasses.replace(customer, version=saved.version)

    def _change(self, customer_id: UUID, **changes: Any) -> None:
        self.stored[customer_id] = dataclasses.replace(self.stored[customer_id], **changes)

    def replace_tags(self, customer_id: UUID, tags: Sequence[str]) -> None:
        self._change(customer_id, tags=tuple(sorted(tags)))

    def add_address(self, customer_id: UUID, saved: CustomerAddress, now: datetime) -> None:
        self._change(customer_id, addresses=(*self.stored[customer_id].addresses, saved))

    def update_address(self, saved: CustomerAddress, now: datetime) -> None:
        for customer in self.stored.values():
            if any(a.id == saved.id for a in customer.addresses):
                self._change(
                    customer.id,
                    addresses=tuple(saved if a.id == saved.id else a for a in customer.addresses),
                )

    def delete_addresses(self, customer_id: UUID, address_ids: Sequence[UUID]) -> None:
        kept = tuple(a for a in self.stored[customer_id].addresses if a.id not in address_ids)
        self._change(customer_id, addresses=kept)

    def record_consent(self, customer_id: UUID, granted: bool, at: datetime) -> None:
        self.consents.setdefault(customer_id, []).append(
            ConsentRecord(granted=granted, recorded_at=at)
        )

    def consent_history(self, customer_id: UUID) -> tuple[ConsentRecord, ...]:
        return tuple(self.consents.get(customer_id, []))


def _matches(customer: Customer, terms: SearchTerms, *, sees_contacts: bool) -> bool:
    email = customer.email_key.startswith(terms.email_prefix) and (
        sees_contacts or customer.marketing_consent
    )
    phone = bool(
        terms.phone_digits
        and sees_contacts
        and customer.phone
        and terms.phone_digits in customer.phone
    )
    return (
        customer.number == terms.number
        or terms.name_part in search_text(customer.name)
        or email
        or phone
    )


class InMemoryNotes:
    """``Notes`` over a list per customer, newest last."""

    def __init__(self) -> None:
        self.stored: dict[UUID, list[CustomerNote]] = {}

    def add(self, customer_id: UUID, note: CustomerNote) -> None:
        self.stored.setdefault(customer_id, []).append(note)

    def page(
        self, customer_id: UUID, *, before: tuple[datetime, UUID] | None, limit: int
    ) -> list[CustomerNote]:
        newest = sorted(
            self.stored.get(customer_id, []), key=lambda n: (n.created_at, n.id), reverse=True
        )
        return [n for n in newest if before is None or (n.created_at, n.id) < before][:limit]

    def erase(self, customer_id: UUID) -> int:
        return len(self.stored.pop(customer_id, []))


def customer_doubles(*customers: Customer) -> dict[str, Any]:
    """Doubles of the customers ports holding ``customers`` (and no notes)."""
    return {CUSTOMERS.name: InMemoryCustomers(*customers), NOTES.name: InMemoryNotes()}


def _typed() -> None:
    """mypy proves the double implements its port's protocol (never called)."""
    check: Customers = InMemoryCustomers()
    notes: Notes = InMemoryNotes()
    del check, notes
