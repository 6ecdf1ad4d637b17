"""Customer value's API schemas: a customer's scores, the filtered list, a scoring run's job."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pydantic import Field

from oms.customer_value.domain.scores import CustomerValue, Holdout
from oms.platform.schemas import DecimalString, JobOut, MoneyOut, Output
from oms.shared.money import Money

PLACES = Decimal("0.000001")


def _decimal(value: float) -> Decimal:
    """A model's real number as an exact decimal of six places (JSON carries it as a string,
    as every non-integer figure of this API)."""
    return Decimal(repr(value)).quantize(PLACES)


class HoldoutOut(Output):
    purchases_mae: DecimalString = Field(
        description="The model's mean absolute error of purchases per customer in the holdout."
    )
    baseline_purchases_mae: DecimalString = Field(
        description='The same for the baseline "same rate as before".'
    )
    customers: int = Field(description="Customers the check compared.")
    checked_at: datetime

    @classmethod
    def of(cls, holdout: Holdout) -> HoldoutOut:
        return cls(
            purchases_mae=_decimal(holdout.purchases_mae),
            baseline_purchases_mae=_decimal(holdout.baseline_purchases_mae),
            customers=holdout.customers,
            checked_at=holdout.checked_at,
        )


class CustomerValueOut(Output):
    customer_id: UUID
    customer_number: str
    customer_name: str
    currency: str = Field(examples=["GBP"])
    purchases: int = Field(description="Purchase days so far (a day's orders are one purchase).")
    expected_purchases_90d: DecimalString = Field(
        description="Expected purchase days in the next 90."
    )
    probability_alive: DecimalString = Field(description="From 0 to 1, six places.")
    churn_probability: DecimalString = Field(description="1 - probability_alive.")
    expected_order_value_minor: int
    expected_order_value: MoneyOut
    clv_minor: int = Field(description="Lifetime value over `horizon_months`, discounted.")
    clv: MoneyOut
    horizon_months: int
    model: str = Field(examples=["bg-nbd+gamma-gamma"])
    model_version: str
    holdout: HoldoutOut | None = Field(
        description="The holdout check the model passed on this shop's history (null when "
        "the history was too short and no earlier check exists)."
    )
    run_id: UUID
    computed_at: datetime

    @classmethod
    def of(cls, value: CustomerValue) -> CustomerValueOut:
        return cls(
            customer_id=UUID(value.customer_id),
            customer_number=value.customer_number,
            customer_name=value.customer_name,
            currency=value.currency,
            purchases=value.purchases,
            expected_purchases_90d=_decimal(value.expected_purchases_90d),
            probability_alive=_decimal(value.probability_alive),
            churn_probability=1 - _decimal(value.probability_alive),
            expected_order_value_minor=value.expected_order_value_minor,
            expected_order_value=MoneyOut.of(
                Money.from_minor(value.expected_order_value_minor, value.currency)
            ),
            clv_minor=value.clv_minor,
            clv=MoneyOut.of(Money.from_minor(value.clv_minor, value.currency)),
            horizon_months=value.horizon_months,
            model=value.model,
            model_version=value.model_version,
            holdout=HoldoutOut.of(value.holdout) if value.holdout is not None else None,
            run_id=UUID(value.run_id),
            computed_at=value.computed_at,
        )


class CustomerValuesOut(Output):
    customer_id: UUID
    values: list[CustomerValueOut] = Field(description="One per currency the customer bought in.")


class ScoreRunOut(JobOut):
    id: UUID = Field(description="The run's job id: poll GET /v1/customer-value/runs/{id}.")
