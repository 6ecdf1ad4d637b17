"""The console's pages and the customer's pages, one module per desk."""

from fastapi import APIRouter

from oms.console.pages import (
    customers,
    dashboard,
    finance,
    fulfilment,
    inventory,
    order_actions,
    orders,
    reorder,
    reports,
    returns,
    session,
    settings,
)
from oms.console.track import pages as track

ROUTERS: tuple[APIRouter, ...] = (
    session.router,
    dashboard.router,
    orders.router,
    order_actions.router,
    customers.router,
    reorder.router,
    inventory.router,
    fulfilment.router,
    returns.router,
    finance.router,
    reports.router,
    settings.router,
    track.router,
)
