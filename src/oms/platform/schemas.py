"""Edge schemas shared by every context's API: strict inputs, money and addresses."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from oms.shared.address import Address
from oms.shared.money import Money


class Input(BaseModel):
    """Base of every request body: unknown fields are refused (no mass assignment)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


DecimalString = Annotated[Decimal, PlainSerializer(str, return_type=str, when_used="json")]
"""Decimals leave as JSON strings, never floats."""


class MoneyOut(Output):
    amount: str = Field(examples=["19.99"], description="Decimal amount as a string.")
    currency: str = Field(examples=["EUR"], min_length=3, max_length=3)

    @classmethod
    def of(cls, money: Money) -> MoneyOut:
        return cls(amount=str(money.amount), currency=money.currency)


class MoneyIn(Input):
    amount: Decimal = Field(
        examples=["19.99"], description="Decimal amount; send a string to avoid float rounding."
    )
    currency: str = Field(min_length=3, max_length=3, examples=["EUR"])


class AddressIn(Input):
    name: str = Field(default="", max_length=200)
    company: str = Field(default="", max_length=200)
    line1: str = Field(min_length=1, max_length=200)
    line2: str = Field(default="", max_length=200)
    city: str = Field(min_length=1, max_length=120)
    postal_code: str = Field(default="", max_length=20)
    region: str = Field(default="", max_length=60, description="State, province or county.")
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2 code.")

    def to_domain(self) -> Address:
        return Address(**self.model_dump())


class AddressOut(Output):
    name: str
    company: str
    line1: str
    line2: str
    city: str
    postal_code: str
    region: str
    country: str

    @classmethod
    def of(cls, address: Address) -> AddressOut:
        return cls(**address.as_dict())
