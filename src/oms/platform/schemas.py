"""Edge schemas shared by every context's API: strict inputs, money and addresses.

The OpenAPI document is generated from these types, so each states what a client must send in
terms a generated client understands: amounts as decimal strings with a pattern, never
``number``; quantities with their minimum (instants and emails are in ``oms.platform.inputs``).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Self
from uuid import UUID

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from oms.platform import jobs
from oms.platform.inputs import refuse_invisible
from oms.shared.address import Address
from oms.shared.money import Money

AMOUNT_PATTERN = r"^[0-9]{1,30}(\.[0-9]{1,30})?$"
SIGNED_AMOUNT_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
MAX_UNITS = 1_000_000
_AMOUNT = re.compile(AMOUNT_PATTERN)


class Input(BaseModel):
    """Base of every request body: unknown fields are refused (no mass assignment), and no
    text may be made only of invisible characters (``oms.platform.inputs.refuse_invisible``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _visible(cls, value: Any) -> Any:
        return refuse_invisible(value)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


DecimalString = Annotated[
    Decimal,
    PlainSerializer(lambda value: format(value, "f"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": SIGNED_AMOUNT_PATTERN}, mode="serialization"),
]
"""Decimals leave as JSON strings in positional notation (`"0.19"`), never floats or `1E+1`."""


def _decimal_from_string(value: Any) -> Any:
    """A JSON number is refused: a binary float cannot carry cents exactly, and a client that
    sends one has already rounded."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str) and _AMOUNT.match(value):
        return Decimal(value)
    raise PydanticCustomError(
        "decimal_string", 'must be a decimal number written as a string, such as "19.99"'
    )


DecimalAmount = Annotated[
    Decimal,
    BeforeValidator(_decimal_from_string),
    WithJsonSchema({"type": "string", "pattern": AMOUNT_PATTERN, "examples": ["19.99"]}),
]
"""A non-negative decimal sent as a string (`"19.99"`); its places are checked by the domain."""


Quantity = Annotated[
    int,
    Strict(),
    Field(ge=-MAX_UNITS, le=MAX_UNITS, json_schema_extra={"minimum": 1}),
]
"""Whole units as a JSON integer (never `"1"`, `true` or `1.0`), documented with minimum 1.

Values below 1 pass this edge on purpose: the domain refuses them with 422 together with every
other bad field of the request (``lines.1.quantity`` beside ``lines.0.sku``), which a schema
refusal would cut short. Only sizes no domain check should see are refused here.
"""


class MoneyOut(Output):
    amount: str = Field(
        examples=["19.99"],
        pattern=SIGNED_AMOUNT_PATTERN,
        description="Decimal amount as a string, in the currency's minor unit precision.",
    )
    currency: str = Field(examples=["EUR"], min_length=3, max_length=3)

    @classmethod
    def of(cls, money: Money) -> MoneyOut:
        return cls(amount=format(money.amount, "f"), currency=money.currency)


class MoneyIn(Input):
    amount: DecimalAmount = Field(description='Decimal amount as a string, e.g. `"19.99"`.')
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


class JobOut(BaseModel):
    """A background job as a client polls it; each kind's API subclasses it to name its own
    polling path in ``id``'s description (and so keeps a schema title of its own)."""

    id: UUID
    status: str
    progress_done: int
    progress_total: int | None
    message: str
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, job: jobs.Job) -> Self:
        return cls(
            id=job.id,
            status=str(job.status),
            progress_done=job.progress_done,
            progress_total=job.progress_total,
            message=job.message,
            result=dict(job.result) if job.result is not None else None,
            error=job.error,
            created_at=job.created_at,
            finished_at=job.finished_at,
        )
