"""HTTP routes of the inventory context."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["inventory"])
