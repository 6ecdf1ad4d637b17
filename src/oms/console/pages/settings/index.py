"""The settings index: every area the staff user's role may open, with what it holds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from oms.console.shell import ConsoleRequires, Staff, render
from oms.platform.security import Permission

router = APIRouter(prefix="/console/settings", include_in_schema=False)

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.CHANNELS_READ))]
"""Every role reads channels (reference data); the index lists only the areas a role may open."""


@router.get("")
def settings_index(request: Request, _staff: Reader) -> Response:
    return render(request, "console/settings/index.html")
