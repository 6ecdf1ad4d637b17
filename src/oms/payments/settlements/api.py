"""HTTP routes of reconciliation runs (H5 fills this module)."""

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["reconciliation"])
