"""Errors of the customers context: facts about what was refused."""

from __future__ import annotations

from uuid import UUID

from oms.shared.errors import Conflict, NotFound


class CustomerNotFound(NotFound):
    code = "customer-not-found"
    title = "Customer not found"

    def __init__(self, customer_id: UUID) -> None:
        super().__init__(f"no customer has id {customer_id}", customer_id=str(customer_id))


class CustomerAddressNotFound(NotFound):
    code = "customer-address-not-found"
    title = "Customer address not found"

    def __init__(self, customer_id: UUID, address_id: UUID) -> None:
        super().__init__(
            f"customer {customer_id} has no address {address_id}",
            customer_id=str(customer_id),
            address_id=str(address_id),
        )


class EmailTaken(Conflict):
    code = "email-taken"
    title = "Email already in use"

    def __init__(self, holder_id: UUID | None) -> None:
        super().__init__(
            "another customer already uses this email address",
            customer_id=str(holder_id) if holder_id else None,
        )


class CustomerIsErased(Conflict):
    code = "customer-erased"
    title = "Customer erased"

    def __init__(self, customer_id: UUID) -> None:
        super().__init__(
            f"customer {customer_id} was erased and can no longer be changed",
            customer_id=str(customer_id),
        )
