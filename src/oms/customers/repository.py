"""Reading and writing customers, their addresses, tags and consent history (SQLAlchemy Core)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
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

from oms.customers.domain import (
    FIRST_NUMBER,
    ConsentRecord,
    Customer,
    CustomerAddress,
    SearchTerms,
    search_text,
)
from oms.customers.tables import (
    customer_addresses,
    customer_consents,
    customer_counters,
    customer_tags,
    customers,
)
from oms.shared.address import Address
from oms.shared.ids import new_id

CUSTOMER_SEQUENCE = "customer"


def next_sequence(c: Connection) -> int:
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
    value = c.execute(advance).scalar()
    if value is None:
        dialect = postgresql if c.dialect.name == "postgresql" else sqlite
        c.execute(
            dialect.insert(customer_counters)
            .values(name=CUSTOMER_SEQUENCE, last_value=FIRST_NUMBER - 1)
            .on_conflict_do_nothing()
        )
        value = c.execute(advance).scalar_one()
    return int(value)


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
        )
        for row in rows
    ]


def customer_by_id(c: Connection, customer_id: UUID, *, lock: bool = False) -> Customer | None:
    """One customer; ``lock`` holds its row until commit so changes to it queue up."""
    query = select(customers).where(customers.c.id == customer_id)
    if lock:
        query = query.with_for_update()
    found = _customers(c, c.execute(query).all())
    return found[0] if found else None


def customer_by_email_key(c: Connection, key: str) -> Customer | None:
    found = _customers(c, c.execute(select(customers).where(customers.c.email_key == key)).all())
    return found[0] if found else None


def id_by_email_key(c: Connection, key: str) -> UUID | None:
    found: UUID | None = c.execute(
        select(customers.c.id).where(customers.c.email_key == key)
    ).scalar()
    return found


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


def list_customers(
    c: Connection,
    *,
    terms: SearchTerms | None = None,
    email_key: str | None = None,
    tag: str | None = None,
    after: tuple[datetime, UUID] | None = None,
    limit: int,
    sees_contacts: bool = True,
) -> list[Customer]:
    """Customers newest first, keyset-paged on (created_at, id).

    Without ``sees_contacts`` the caller may not learn phones or the emails of customers who
    did not consent to marketing, so neither can be searched by: a match would reveal them.
    """
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
    return _customers(c, c.execute(query).all())


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


def insert_customer(c: Connection, customer: Customer) -> None:
    """Insert the customer with its addresses and tags."""
    c.execute(
        insert(customers).values(
            id=customer.id,
            number=customer.number,
            created_at=customer.created_at,
            **_profile_values(customer),
        )
    )
    for saved in customer.addresses:
        insert_address(c, customer.id, saved, customer.created_at)
    replace_tags(c, customer.id, customer.tags)


def update_profile(c: Connection, customer: Customer) -> None:
    """Store the customer's own fields (not its addresses or tags)."""
    c.execute(
        update(customers).where(customers.c.id == customer.id).values(**_profile_values(customer))
    )


def touch(c: Connection, customer_id: UUID, now: datetime) -> None:
    c.execute(update(customers).where(customers.c.id == customer_id).values(updated_at=now))


def replace_tags(c: Connection, customer_id: UUID, tags: Sequence[str]) -> None:
    c.execute(delete(customer_tags).where(customer_tags.c.customer_id == customer_id))
    if tags:
        c.execute(insert(customer_tags), [{"customer_id": customer_id, "tag": t} for t in tags])


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


def insert_address(c: Connection, customer_id: UUID, saved: CustomerAddress, now: datetime) -> None:
    """Append an address after the customer's others."""
    position = (
        select(func.coalesce(func.max(customer_addresses.c.position) + 1, 0))
        .where(customer_addresses.c.customer_id == customer_id)
        .scalar_subquery()
    )
    c.execute(
        insert(customer_addresses).values(
            id=saved.id,
            customer_id=customer_id,
            position=position,
            created_at=now,
            updated_at=now,
            **_address_values(saved),
        )
    )


def update_address(c: Connection, saved: CustomerAddress, now: datetime) -> None:
    c.execute(
        update(customer_addresses)
        .where(customer_addresses.c.id == saved.id)
        .values(updated_at=now, **_address_values(saved))
    )


def delete_addresses(c: Connection, customer_id: UUID, address_ids: Sequence[UUID]) -> None:
    c.execute(
        delete(customer_addresses).where(
            customer_addresses.c.customer_id == customer_id,
            customer_addresses.c.id.in_(list(address_ids)),
        )
    )


def record_consent(c: Connection, customer_id: UUID, granted: bool, at: datetime) -> None:
    c.execute(
        insert(customer_consents).values(
            id=new_id(), customer_id=customer_id, granted=granted, recorded_at=at
        )
    )


def consent_history(c: Connection, customer_id: UUID) -> tuple[ConsentRecord, ...]:
    """The customer's consent changes, oldest first."""
    rows = c.execute(
        select(customer_consents)
        .where(customer_consents.c.customer_id == customer_id)
        .order_by(customer_consents.c.recorded_at, customer_consents.c.id)
    )
    return tuple(ConsentRecord(granted=row.granted, recorded_at=row.recorded_at) for row in rows)
