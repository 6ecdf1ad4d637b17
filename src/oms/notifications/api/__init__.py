"""HTTP routes of the notifications context: webhooks, mail settings and resends."""

from fastapi import APIRouter

from oms.notifications.api import mail, webhooks

router = APIRouter()
router.include_router(webhooks.router)
router.include_router(mail.router)

__all__ = ["router"]
