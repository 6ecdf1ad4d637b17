"""HTTP routes of invoices and credit notes (H4 fills this module)."""

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["invoices"])
