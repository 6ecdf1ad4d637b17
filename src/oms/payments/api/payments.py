"""HTTP routes: payments (H1 fills this module)."""

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["payments"])
