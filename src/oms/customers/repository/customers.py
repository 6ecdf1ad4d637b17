"""Reading and writing customers, their addresses, tags and consent history (SQLAlchemy
Core), behind the ``CUSTOMERS`` port.

An email another customer holds comes back as ``None`` from ``add`` (the caller decides whether
that is a conflict or the customer it was looking for) and as ``EmailTaken`` from ``update``.
Every change to a customer ends in ``update``, which writes the profile one version above the
version it was read at: the version is raised here and nowhere else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from oms.customers.domain import (
    FIRST_NUMBER,
    ConsentRecord,
    Customer,
    CustomerAddress,
    EmailTaken,
    SearchTerms,
    customer_number,
    search_text,
)
from oms.customers.tables import (
    customer_addresses,
    customer_consents,
    customer_counters,
    customer_tags,
    customers,
)
from oms.platform.unit_of_work import Port
from oms.shared.address import Address
from oms.shared.ids import new_id
from oms.shared.versions import StaleVersion

CUSTOMER_SEQUENCE = "customer"


class Customers(Protocol):
    """Customers with their addresses and tags, and the consent history behind the flag."""

    def by_id(self, customer_id: UUID, *, lock: bool = False) -> Customer | None:
        """One customer; ``lock`` holds its row until commit so changes to it queue up."""
        ...

    def by_email_key(self, key: str) -> Customer | None: ...

    def id_by_email_key(self, key: str) -> UUID | None: ...

    def attach(self, key: str) -> tuple[UUID, str] | None:
        """The id and email of the customer with this email key, in one statement, the profile
        row locked against change (``FOR SHARE`` on PostgreSQL) until commit: an erasure waits
        for the order that attached to the customer, or the order waits and finds no one."""
        ...

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
        """Customers newest first, keyset-paged on (created_at, id). Without ``sees_contacts``
        phones and the emails of customers who did not consent cannot be searched by."""
        ...

    def add(self, draft: Customer) -> Customer | None:
        """Number and store a new customer with its addresses and tags; None (and nothing
        stored, the number given back) when its email is already taken."""
        ...

    def update(self, customer: Customer) -> Customer:
        """Store the profile one version up from the one read; ``EmailTaken`` on a clash."""
        ...

    def replace_tags(self, customer_id: UUID, tags: Sequence[str]) -> None: ...

    def add_address(self, customer_id: UUID, saved: CustomerAddress, now: datetime) -> None:
        """Append an address after the customer's others."""
        ...

    def update_address(self, saved: CustomerAddress, now: datetime) -> None: ...

    def delete_addresses(self, customer_id: UUID, address_ids: Sequence[UUID]) -> None: ...

    def record_consent(self, customer_id: UUID, granted: bool, at: datetime) -> None: ...

    def consent_history(self, customer_id: UUID) -> tuple[ConsentRecord, ...]:
        """The customer's consent changes, oldest first."""
        ...


def _address(row: Row[Any]) -> CustomerAddress:
    return CustomerAddress(
        id=row.id,
        label=row.label,
        address=Address(
            name=row.address_name,
            company=row.address_company,
            line1=row.line1,
            line2=row.line2,
            city=row.city,
            postal_code=row.postal_code,
            region=row.region,
            country=row.country,
        ),
        default_shipping=row.default_shipping,
        default_billing=row.default_billing,
    )


def _customers(c: Connection, rows: Sequence[Row[Any]]) -> list[Customer]:
    ids = [row.id for row in rows]
    addresses: dict[UUID, list[CustomerAddress]] = {cid: [] for cid in ids}
    tags: dict[UUID, list[str]] = {cid: [] for cid in ids}
    if ids:
        for row in c.execute(
            select(customer_addresses)
            .where(customer_addresses.c.customer_id.in_(ids))
            .order_by(customer_addresses.c.position, customer_addresses.c.id)
        ):
            addresses[row.customer_id].append(_address(row))
        for row in c.execute(
            select(customer_tags)
            .where(customer_tags.c.customer_id.in_(ids))
            .order_by(customer_tags.c.tag)
        ):
            tags[row.customer_id].append(row.tag)
    return [
        Customer(
            id=row.id,
            number=row.number,
            email=row.email,
            name=row.name,
            phone=row.phone,
            locale=row.locale,
            marketing_consent=row.marketing_consent,
            marketing_consent_at=row.marketing_consent_at,
            tags=tuple(tags[row.id]),
            notes=row.notes,
            addresses=tuple(addresses[row.id]),
            created_at=row.created_at,
            updated_at=row.updated_at,
            erased_at=row.erased_at,
            version=row.version,
        )
        for row in rows
    ]


def _text_match(terms: SearchTerms, *, sees_contacts: bool) -> ColumnElement[bool]:
    email = customers.c.email_key.startswith(terms.email_prefix, autoescape=True)
    matches = [
        customers.c.number == terms.number,
        customers.c.name_search.contains(terms.name_part, autoescape=True),
        email if sees_contacts else email & customers.c.marketing_consent.is_(True),
    ]
    if terms.phone_digits and sees_contacts:
        matches.append(customers.c.phone_digits.contains(terms.phone_digits))
    return or_(*matches)


def _profile_values(customer: Customer) -> dict[str, Any]:
    return {
        "email": customer.email,
        "email_key": customer.email_key,
        "name": customer.name,
        "name_search": search_text(customer.name),
        "phone": customer.phone,
        "phone_digits": customer.phone.lstrip("+") if customer.phone else None,
        "locale": customer.locale,
        "marketing_consent": customer.marketing_consent,
        "marketing_consent_at": customer.marketing_consent_at,
        "notes": customer.notes,
        "updated_at": customer.updated_at,
        "erased_at": customer.erased_at,
    }


def _address_values(saved: CustomerAddress) -> dict[str, Any]:
    a = saved.address
    return {
        "label": saved.label,
        "address_name": a.name,
        "address_company": a.company,
        "line1": a.line1,
        "line2": a.line2,
        "city": a.city,
        "postal_code": a.postal_code,
        "region": a.region,
        "country": a.country,
        "default_shipping": saved.default_shipping,
        "default_billing": saved.default_billing,
    }


_ATTACH = select(customers.c.id, customers.c.email).where(customers.c.email_key == bindparam("key"))
_ATTACH_LOCKED = _ATTACH.with_for_update(read=True)


class SqlCustomers:
    """``Customers`` on the customers tables."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def _next_sequence(self) -> int:
        """The next customer sequence number: one UPDATE ... RETURNING, safe under concurrency.

        The row lock the UPDATE takes (PostgreSQL) or the write lock (SQLite) makes concurrent
        creators queue here, and a rolled-back creation returns its number with it.
        """
        advance = (
            update(customer_counters)
            .where(customer_counters.c.name == CUSTOMER_SEQUENCE)
            .values(last_value=customer_counters.c.last_value + 1)
            .returning(customer_counters.c.last_value)
        )
        value = self.c.execute(advance).scalar()
        if value is None:
            dialect = postgresql if self.c.dialect.name == "postgresql" else sqlite
            self.c.execute(
                dialect.insert(customer_counters)
                .values(name=CUSTOMER_SEQUENCE, last_value=FIRST_NUMBER - 1)
                .on_conflict_do_nothing()
            )
            value = self.c.execute(advance).scalar_one()
        return int(value)

    def by_id(self, customer_id: UUID, *, lock: bool = False) -> Customer | None:
        query = select(customers).where(customers.c.id == customer_id)
        if lock:
            query = query.with_for_update(key_share=True)
        found = _customers(self.c, self.c.execute(query).all())
        return found[0] if found else None

    def by_email_key(self, key: str) -> Customer | None:
        query = select(customers).where(customers.c.email_key == key)
        found = _customers(self.c, self.c.execute(query).all())
        return found[0] if found else None

    def id_by_email_key(self, key: str) -> UUID | None:
        query = select(customers.c.id).where(customers.c.email_key == key)
        found: UUID | None = self.c.execute(query).scalar()
        return found

    def attach(self, key: str) -> tuple[UUID, str] | None:
        query = _ATTACH_LOCKED if self.c.dialect.name == "postgresql" else _ATTACH
        row = self.c.execute(query, {"key": key}).first()
        return (row.id, row.email) if row is not None else None

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
        query: Select[Any] = (
            select(customers)
            .order_by(customers.c.created_at.desc(), customers.c.id.desc())
            .limit(limit)
        )
        if terms is not None:
            query = query.where(_text_match(terms, sees_contacts=sees_contacts))
        if email_key is not None:
            query = query.where(customers.c.email_key == email_key)
            if not sees_contacts:
                query = query.where(customers.c.marketing_consent.is_(True))
        if tag is not None:
            query = query.where(
                exists().where(
                    customer_tags.c.customer_id == customers.c.id, customer_tags.c.tag == tag
                )
            )
        if after is not None:
            query = query.where(tuple_(customers.c.created_at, customers.c.id) < after)
        return _customers(self.c, self.c.execute(query).all())

    def add(self, draft: Customer) -> Customer | None:
        """The savepoint keeps the surrounding transaction usable after a unique violation
        (PostgreSQL aborts it otherwise) and gives the sequence number back."""
        try:
            with self.c.begin_nested():
                customer = dataclasses.replace(draft, number=customer_number(self._next_sequence()))
                self.c.execute(
                    insert(customers).values(
                        id=customer.id,
                        number=customer.number,
                        created_at=customer.created_at,
                        version=customer.version,
                        **_profile_values(customer),
                    )
                )
        except IntegrityError:
            return None
        for saved in customer.addresses:
            self.add_address(customer.id, saved, customer.created_at)
        self.replace_tags(customer.id, customer.tags)
        return customer

    def update(self, customer: Customer) -> Customer:
        try:
            with self.c.begin_nested():
                written = self.c.execute(
                    update(customers)
                    .where(customers.c.id == customer.id, customers.c.version == customer.version)
                    .values(**_profile_values(customer), version=customer.version + 1)
                ).rowcount
        except IntegrityError:
            raise EmailTaken(self.id_by_email_key(customer.email_key)) from None
        if written != 1:
            raise StaleVersion("customer", str(customer.id), expected=[customer.version])
        return dataclasses.replace(customer, version=customer.version + 1)

    def replace_tags(self, customer_id: UUID, tags: Sequence[str]) -> None:
        self.c.execute(delete(customer_tags).where(customer_tags.c.customer_id == customer_id))
        if tags:
            self.c.execute(
                insert(customer_tags), [{"customer_id": customer_id, "tag": t} for t in tags]
            )

    def add_address(self, customer_id: UUID, saved: CustomerAddress, now: datetime) -> None:
        position = (
            select(func.coalesce(func.max(customer_addresses.c.position) + 1, 0))
            .where(customer_addresses.c.customer_id == customer_id)
            .scalar_subquery()
        )
        self.c.execute(
            insert(customer_addresses).values(
                id=saved.id,
                customer_id=customer_id,
                position=position,
                created_at=now,
                updated_at=now,
                **_address_values(saved),
            )
        )

    def update_address(self, saved: CustomerAddress, now: datetime) -> None:
        self.c.execute(
            update(customer_addresses)
            .where(customer_addresses.c.id == saved.id)
            .values(updated_at=now, **_address_values(saved))
        )

    def delete_addresses(self, customer_id: UUID, address_ids: Sequence[UUID]) -> None:
        self.c.execute(
            delete(customer_addresses).where(
                customer_addresses.c.customer_id == customer_id,
                customer_addresses.c.id.in_(list(address_ids)),
            )
        )

    def record_consent(self, customer_id: UUID, granted: bool, at: datetime) -> None:
        self.c.execute(
            insert(customer_consents).values(
                id=new_id(), customer_id=customer_id, granted=granted, recorded_at=at
            )
        )

    def consent_history(self, customer_id: UUID) -> tuple[ConsentRecord, ...]:
        rows = self.c.execute(
            select(customer_consents)
            .where(customer_consents.c.customer_id == customer_id)
            .order_by(customer_consents.c.recorded_at, customer_consents.c.id)
        )
        return tuple(ConsentRecord(granted=r.granted, recorded_at=r.recorded_at) for r in rows)


CUSTOMERS: Port[Customers] = Port("customers.customers", SqlCustomers)
