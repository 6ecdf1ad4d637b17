"""Placeholder while the area is built."""

from fastapi import APIRouter

router = APIRouter(prefix="/console/settings", include_in_schema=False)
