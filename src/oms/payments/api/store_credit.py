"""HTTP routes: store credit (H3 fills this module)."""

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["payments"])
