"""HTTP routes of the payments context, gathered in one router."""

from fastapi import APIRouter

from oms.payments.api import notifications, payments, refunds, store_credit

router = APIRouter()
for _module in (payments, refunds, store_credit, notifications):
    router.include_router(_module.router)

__all__ = ["router"]
