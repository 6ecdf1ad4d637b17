"""Request-scoped dependencies every context's routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from oms.platform.unit_of_work import UnitOfWork


def get_uow(request: Request) -> UnitOfWork:
    """A fresh unit of work for this request, on the app's engine and clock."""
    return UnitOfWork(request.app.state.engine, request.app.state.clock)


UoW = Annotated[UnitOfWork, Depends(get_uow)]
