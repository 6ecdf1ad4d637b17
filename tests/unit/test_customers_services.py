"""Customer use cases on an in-memory unit of work (no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from oms import customers
from oms.customers.domain import (
    CustomerAddressAdded,
    CustomerChanged,
    CustomerCreated,
    CustomerIsErased,
    EmailTaken,
    MarketingConsentChanged,
    erase,
)
from oms.customers.repository import CUSTOMERS
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.address import Address
from oms.shared.clock import FixedClock
from oms.shared.versions import ExpectedVersion, StaleVersion
from tests.unit.doubles.customers import InMemoryCustomers, customer_doubles

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
BERLIN = Address(line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE")


def a_uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(customer_doubles(), clock=FixedClock(NOW))


def ada(uow: FakeUnitOfWork, **overrides: Any) -> customers.Customer:
    fields: dict[str, Any] = {"email": "Ada@Example.com", "name": " Ada  Lovelace "}
    return customers.create_customer(customers.CreateCustomer(**(fields | overrides)), uow=uow)


def test_a_new_customer_is_numbered_normalised_and_announced() -> None:
    uow = a_uow()
    created = ada(uow, marketing_consent=True)
    assert (created.number, created.name, created.version) == ("C-100001", "Ada Lovelace", 1)
    assert [type(e) for e in uow.committed] == [CustomerCreated, MarketingConsentChanged]
    stored: InMemoryCustomers = uow.doubles[CUSTOMERS.name]
    assert [r.granted for r in stored.consent_history(created.id)] == [True]


def test_an_email_in_use_in_any_case_is_refused_naming_its_holder() -> None:
    uow = a_uow()
    first = ada(uow)
    with pytest.raises(EmailTaken) as refused:
        ada(uow, email="ADA@example.com", name="Someone else")
    assert refused.value.facts["customer_id"] == str(first.id)


def test_an_order_finds_the_existing_profile_and_changes_nothing_on_it() -> None:
    uow = a_uow()
    first = ada(uow, phone="+49 30 1234567")
    found = customers.find_or_create_customer(
        customers.FindOrCreateCustomer(email="ada@example.com", name="A. L.", phone=None), uow=uow
    )
    assert found == first
    assert [type(e) for e in uow.committed] == [CustomerCreated]


def test_a_change_raises_the_version_and_a_no_op_does_not() -> None:
    uow = a_uow()
    created = ada(uow)
    changed = customers.update_customer(
        customers.UpdateCustomer(customer_id=created.id, notes="prefers email"), uow=uow
    )
    same = customers.update_customer(
        customers.UpdateCustomer(customer_id=created.id, notes="prefers email"), uow=uow
    )
    assert (changed.version, same.version) == (2, 2)
    assert [type(e) for e in uow.committed] == [CustomerCreated, CustomerChanged]


def test_withdrawn_consent_is_kept_as_history() -> None:
    uow = a_uow()
    created = ada(uow, marketing_consent=True)
    customers.update_customer(
        customers.UpdateCustomer(customer_id=created.id, marketing_consent=False), uow=uow
    )
    stored: InMemoryCustomers = uow.doubles[CUSTOMERS.name]
    assert [r.granted for r in stored.consent_history(created.id)] == [True, False]
    assert not customers.get_customer(created.id, uow=uow).marketing_consent


def test_taking_another_customers_email_is_refused() -> None:
    uow = a_uow()
    ada(uow)
    grace = ada(uow, email="grace@example.com", name="Grace Hopper")
    with pytest.raises(EmailTaken):
        customers.update_customer(
            customers.UpdateCustomer(customer_id=grace.id, email="ada@example.com"), uow=uow
        )
    assert customers.get_customer(grace.id, uow=uow).email == "grace@example.com"


def test_a_change_from_a_stale_version_is_refused() -> None:
    uow = a_uow()
    created = ada(uow)
    customers.update_customer(customers.UpdateCustomer(customer_id=created.id, name="Ada"), uow=uow)
    with pytest.raises(StaleVersion):
        customers.update_customer(
            customers.UpdateCustomer(
                customer_id=created.id,
                name="Lost update",
                expected=ExpectedVersion(versions=frozenset({1})),
            ),
            uow=uow,
        )
    assert customers.get_customer(created.id, uow=uow).name == "Ada"


def test_each_address_change_is_a_new_version_and_one_address_is_the_default() -> None:
    uow = a_uow()
    created = ada(uow)
    home = customers.add_address(
        customers.AddAddress(customer_id=created.id, address=BERLIN, label="home"), uow=uow
    )
    work = customers.add_address(
        customers.AddAddress(
            customer_id=created.id, address=BERLIN, label="work", default_shipping=True
        ),
        uow=uow,
    )
    stored = customers.get_customer(created.id, uow=uow)
    assert stored.version == 3
    assert stored.default_shipping_address == work
    assert stored.default_billing_address is not None
    assert stored.default_billing_address.id == home.id
    assert type(uow.committed[-1]) is CustomerAddressAdded


def test_an_erased_customer_cannot_be_changed() -> None:
    created = ada(a_uow())
    uow = FakeUnitOfWork(customer_doubles(erase(created, NOW)), clock=FixedClock(NOW))
    with pytest.raises(CustomerIsErased):
        customers.update_customer(
            customers.UpdateCustomer(customer_id=created.id, name="Back again"), uow=uow
        )
    with pytest.raises(CustomerIsErased):
        customers.add_address(customers.AddAddress(customer_id=created.id, address=BERLIN), uow=uow)


def test_a_role_without_contact_details_cannot_search_by_phone() -> None:
    uow = a_uow()
    ada(uow, phone="+49 30 1234567")
    assert len(customers.list_customers(uow=uow, q="030 1234567")) == 1
    assert customers.list_customers(uow=uow, q="030 1234567", sees_contacts=False) == []
