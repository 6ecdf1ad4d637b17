"""Mount the console and the customer pages on the HTTP application."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from oms.console.pages import ROUTERS
from oms.console.shell import errors
from oms.console.shell.templating import ROOT

STATIC = ROOT / "static"


def install(app: FastAPI) -> None:
    """Static files at ``/console/static`` (vendored, no CDN), the pages, their error pages."""
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")
    for router in ROUTERS:
        app.include_router(router)
    errors.install(app)
