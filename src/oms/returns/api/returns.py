"""Routes of the returns context (filled in by its owner; see the contract)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
