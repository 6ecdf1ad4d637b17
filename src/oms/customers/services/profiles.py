"""Use cases on a customer's profile: create, find or create, read, search, change."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.customers.domain import (
    Customer,
    CustomerAddress,
    CustomerChanged,
    CustomerCreated,
    CustomerNotFound,
    EmailTaken,
    MarketingConsentChanged,
    arrange_defaults,
    checked_profile,
    editable,
    email_key,
    normalise_email,
    normalise_tag,
    search_terms,
    with_consent,
)
from oms.customers.repository import CUSTOMERS
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.shared.address import Address
from oms.shared.ids import new_id
from oms.shared.versions import ExpectedVersion, check_expected


@dataclass(frozen=True, kw_only=True)
class NewAddress:
    address: Address
    label: str = ""
    default_shipping: bool = False
    default_billing: bool = False


@dataclass(frozen=True, kw_only=True)
class CreateCustomer:
    email: str
    name: str
    phone: str | None = None
    locale: str | None = None
    marketing_consent: bool = False
    tags: tuple[str, ...] = ()
    notes: str = ""
    addresses: tuple[NewAddress, ...] = ()


@dataclass(frozen=True, kw_only=True)
class FindOrCreateCustomer:
    """The buyer as an order names them; matched on the normalised email."""

    email: str
    name: str
    phone: str | None = None
    locale: str | None = None


@dataclass(frozen=True, kw_only=True)
class UpdateCustomer:
    """Only the fields given (not None) change; an empty ``phone`` or ``locale`` removes it.
    ``expected`` is the caller's ``If-Match``."""

    customer_id: UUID
    email: str | None = None
    name: str | None = None
    phone: str | None = None
    locale: str | None = None
    marketing_consent: bool | None = None
    tags: tuple[str, ...] | None = None
    notes: str | None = None
    expected: ExpectedVersion | None = None


def _drafted(cmd: CreateCustomer, now: datetime) -> Customer:
    draft = checked_profile(
        Customer(
            id=new_id(),
            number="",
            email=cmd.email,
            name=cmd.name,
            phone=cmd.phone,
            locale=cmd.locale,
            tags=cmd.tags,
            notes=cmd.notes,
            addresses=tuple(
                CustomerAddress(
                    id=new_id(),
                    label=a.label,
                    address=a.address,
                    default_shipping=a.default_shipping,
                    default_billing=a.default_billing,
                )
                for a in cmd.addresses
            ),
            created_at=now,
            updated_at=now,
        )
    )
    draft = dataclasses.replace(draft, addresses=arrange_defaults(draft.addresses))
    return with_consent(draft, cmd.marketing_consent, now)


def _inserted(tx: Transaction, draft: Customer) -> Customer | None:
    """The customer as stored with its number, or None when its email is already taken."""
    customers = tx.repo(CUSTOMERS)
    customer = customers.add(draft)
    if customer is None:
        return None
    tx.record(CustomerCreated(aggregate_id=customer.id, number=customer.number))
    if customer.marketing_consent:
        customers.record_consent(customer.id, True, tx.now)
        tx.record(MarketingConsentChanged(aggregate_id=customer.id, granted=True))
    return customer


def create_customer(cmd: CreateCustomer, *, uow: UnitOfWork) -> Customer:
    """Register a customer; an email another customer uses is refused (``email-taken``)."""
    with uow.begin() as tx:
        draft = _drafted(cmd, tx.now)
        customer = _inserted(tx, draft)
        if customer is None:
            raise EmailTaken(tx.repo(CUSTOMERS).id_by_email_key(draft.email_key))
    return customer


def find_or_create_customer(cmd: FindOrCreateCustomer, *, uow: UnitOfWork) -> Customer:
    """The customer with this email, created from the order's details if there is none.

    An existing profile is returned unchanged: what staff curated is not overwritten by what a
    checkout form sent. When two orders race on a new email, the loser's insert hits the unique
    key and it re-reads the winner's customer, so one person is one customer.
    """
    with uow.begin() as tx:
        draft = _drafted(
            CreateCustomer(email=cmd.email, name=cmd.name, phone=cmd.phone, locale=cmd.locale),
            tx.now,
        )
        found = tx.repo(CUSTOMERS).by_email_key(draft.email_key)
        if found is not None:
            return found
        created = _inserted(tx, draft)
        if created is not None:
            return created
        winner = tx.repo(CUSTOMERS).by_email_key(draft.email_key)
        if winner is None:
            raise EmailTaken(None)
        return winner


@dataclass(frozen=True, slots=True)
class AttachedBuyer:
    """The customer an order attaches to: its id, its stored email, and whether the order
    created it (then it is certainly the customer's first order)."""

    id: UUID
    email: str
    created: bool


def attach_buyer(cmd: FindOrCreateCustomer, *, uow: UnitOfWork) -> AttachedBuyer:
    """``find_or_create_customer`` sized for order placement, in the caller's transaction.

    The details are validated as for a new profile (``Invalid`` names the fields); an existing
    customer is found by its email key in one statement that also locks its profile row until
    the order commits, so an erasure cannot slip between the order's read and its commit
    (ADR 0007, ADR 0009). Only a new buyer costs more: the profile is created as
    ``find_or_create_customer`` creates it, and a lost race on the email reads the winner.
    """
    with uow.begin() as tx:
        draft = _drafted(
            CreateCustomer(email=cmd.email, name=cmd.name, phone=cmd.phone, locale=cmd.locale),
            tx.now,
        )
        customers = tx.repo(CUSTOMERS)
        found = customers.attach(draft.email_key)
        if found is not None:
            return AttachedBuyer(found[0], found[1], created=False)
        created = _inserted(tx, draft)
        if created is not None:
            return AttachedBuyer(created.id, created.email, created=True)
        winner = customers.attach(draft.email_key)
        if winner is None:
            raise EmailTaken(None)
        return AttachedBuyer(winner[0], winner[1], created=False)


def get_customer(customer_id: UUID, *, uow: UnitOfWork) -> Customer:
    """One customer with addresses and tags."""
    with uow.read() as tx:
        customer = tx.repo(CUSTOMERS).by_id(customer_id)
    if customer is None:
        raise CustomerNotFound(customer_id)
    return customer


def list_customers(
    *,
    uow: UnitOfWork,
    q: str | None = None,
    email: str | None = None,
    tag: str | None = None,
    after: tuple[datetime, UUID] | None = None,
    limit: int = 50,
    sees_contacts: bool = True,
) -> list[Customer]:
    """Customers newest first matching ``q`` (email prefix, name part, phone digits, number),
    the exact ``email`` and the ``tag``; a caller that may not see contact details (phone, and
    email without marketing consent) cannot search by them either."""
    terms = search_terms(q) if q is not None else None
    key = email_key(normalise_email(email)) if email is not None else None
    with uow.read() as tx:
        return tx.repo(CUSTOMERS).page(
            terms=terms,
            email_key=key,
            tag=normalise_tag(tag) if tag is not None else None,
            after=after,
            limit=limit,
            sees_contacts=sees_contacts,
        )


def update_customer(cmd: UpdateCustomer, *, uow: UnitOfWork) -> Customer:
    """Change a customer's profile; consent changes are timestamped and kept as history."""
    changes = {
        f.name: getattr(cmd, f.name)
        for f in dataclasses.fields(cmd)
        if f.name not in ("customer_id", "marketing_consent", "expected")
        and getattr(cmd, f.name) is not None
    }
    with uow.begin() as tx:
        current = editable(tx.repo(CUSTOMERS).by_id(cmd.customer_id, lock=True), cmd.customer_id)
        check_expected(cmd.expected, "customer", str(current.id), current.version)
        updated = checked_profile(dataclasses.replace(current, **changes), only=changes)
        if cmd.marketing_consent is not None:
            updated = with_consent(updated, cmd.marketing_consent, tx.now)
        changed = tuple(
            sorted(
                name
                for name in (*changes, "marketing_consent")
                if getattr(updated, name) != getattr(current, name)
            )
        )
        if not changed:
            return current
        return _store_changes(tx, dataclasses.replace(updated, updated_at=tx.now), changed)


def _store_changes(tx: Transaction, updated: Customer, changed: tuple[str, ...]) -> Customer:
    customers = tx.repo(CUSTOMERS)
    updated = customers.update(updated)
    if "tags" in changed:
        customers.replace_tags(updated.id, updated.tags)
    tx.record(CustomerChanged(aggregate_id=updated.id, changed=changed))
    if "marketing_consent" in changed:
        customers.record_consent(updated.id, updated.marketing_consent, tx.now)
        tx.record(
            MarketingConsentChanged(aggregate_id=updated.id, granted=updated.marketing_consent)
        )
    return updated
