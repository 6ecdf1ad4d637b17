"""HTTP routes of customer value: scoring runs on demand (``predictions:run``: 202 and a job
to poll), a customer's scores and the list of customers filtered by lifetime value and churn
risk (``customers:read``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import Field, Strict

from oms.customer_value import services
from oms.customer_value.domain.scores import ValueOrder
from oms.customer_value.schemas import CustomerValueOut, CustomerValuesOut, ScoreRunOut
from oms.platform.http import UoW
from oms.platform.idempotency import OptionalIdempotencyKey, run_idempotent
from oms.platform.pagination import Code, Cursor, Limit, Page, Position, SortKey, read_cursor
from oms.platform.problems import responses
from oms.platform.schemas import AMOUNT_PATTERN
from oms.platform.security import Permission, Principal, Requires
from oms.platform.settings import Settings

router = APIRouter(prefix="/v1", tags=["customer-value"])

Reader = Annotated[Principal, Depends(Requires(Permission.CUSTOMERS_READ))]
Runner = Annotated[Principal, Depends(Requires(Permission.PREDICTIONS_RUN))]

Probability = Annotated[float, Strict(), Field(ge=0, le=1)]
BY_CLV: SortKey[tuple[int, UUID, str]] = SortKey(tuple[Position, UUID, Code])
BY_CHURN: SortKey[tuple[float, UUID, str]] = SortKey(tuple[Probability, UUID, Code])


def _monthly_discount(request: Request) -> float:
    settings: Settings | None = getattr(request.app.state, "settings", None)
    return (settings or Settings()).customer_value_monthly_discount


@router.post(
    "/customer-value/runs",
    status_code=202,
    response_model=ScoreRunOut,
    responses=responses(401, 403, 409, 422),
)
def request_score_run(
    request: Request, principal: Runner, uow: UoW, idempotency: OptionalIdempotencyKey
) -> Response:
    """Queue a rescoring of every customer (202): BG/NBD + Gamma-Gamma fitted per currency on
    the completed orders, checked on a holdout first. Poll `GET /v1/customer-value/runs/{id}`.
    With an `Idempotency-Key`, a retry returns the first job."""
    discount = _monthly_discount(request)
    return run_idempotent(
        uow,
        idempotency,
        lambda: services.request_run(uow, created_by=principal.actor, monthly_discount=discount),
        ScoreRunOut.of,
        status_code=202,
    )


@router.get("/customer-value/runs/{run_id}", responses=responses(401, 403, 404, 422))
def get_score_run(run_id: UUID, _: Runner, uow: UoW) -> ScoreRunOut:
    """A scoring run's status and progress (``succeeded`` with its result, or ``failed``)."""
    return ScoreRunOut.of(services.run_job(uow, run_id))


@router.get("/customers/{customer_id}/value", responses=responses(401, 403, 404, 422))
def get_customer_value(customer_id: UUID, _: Reader, uow: UoW) -> CustomerValuesOut:
    """The customer's lifetime value, expected purchases in the next 90 days, churn probability
    and expected order value, one per currency, with the model, its version and its holdout
    check. 404 `customer-not-found`, or `no-customer-value` before a run scored them."""
    found = services.customer_value(customer_id, uow=uow)
    return CustomerValuesOut(
        customer_id=customer_id, values=[CustomerValueOut.of(v) for v in found]
    )


@router.get("/customer-value/customers", responses=responses(401, 403, 422))
def list_customer_values(
    _: Reader,
    uow: UoW,
    clv_min: Annotated[
        str | None,
        Query(
            pattern=AMOUNT_PATTERN,
            max_length=40,
            description='At least this lifetime value ("250.00"), in each score\'s currency '
            "(or in `currency`).",
        ),
    ] = None,
    churn_min: Annotated[
        str | None,
        Query(
            pattern=r"^(0(\.[0-9]{1,6})?|1(\.0{1,6})?)$",
            description='At least this churn probability, from "0" to "1".',
        ),
    ] = None,
    currency: Annotated[str | None, Query(pattern="^[A-Z]{3}$")] = None,
    order: Annotated[
        ValueOrder, Query(description="`clv`: highest value first; `churn`: most at risk first.")
    ] = ValueOrder.CLV,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[CustomerValueOut]:
    """Scored customers filtered by lifetime value and churn risk, keyset paged."""
    after: Any = read_cursor(cursor, BY_CLV if order is ValueOrder.CLV else BY_CHURN)
    found = services.list_customer_values(
        uow=uow,
        clv_min=Decimal(clv_min) if clv_min is not None else None,
        churn_min=float(churn_min) if churn_min is not None else None,
        currency=currency,
        order=order,
        after=after,
        limit=limit + 1,
    )
    return Page.of(
        found,
        limit,
        lambda v: (
            v.clv_minor if order is ValueOrder.CLV else v.probability_alive,
            v.customer_id,
            v.currency,
        ),
        CustomerValueOut.of,
    )
