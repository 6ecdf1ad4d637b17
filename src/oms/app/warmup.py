"""Reference data loaded before a server reports ready (ADR 0008, "Complete kinds").

A new server process would otherwise load the whole catalogue (variants, each channel's prices,
stock settings) on its first orders, and several requests arriving together would each wait for
it. ``warm`` loads every complete kind once, in one read transaction, while the server starts.
It changes nothing: a version that moves later drops the cache as always, and a catalogue past
the bound stays per key.
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from sqlalchemy.exc import SQLAlchemyError

from oms import catalog, channels, inventory
from oms.platform.unit_of_work import UnitOfWork

log = structlog.get_logger("oms.startup")

CHANNEL_PAGE = 200


def warm(uow: UnitOfWork) -> dict[str, Any]:
    """Load the catalogue's reference data into this process's cache; what was loaded.

    A database without the schema yet (a server started before ``oms db upgrade``) is logged
    and skipped: the cache fills on demand instead.
    """
    started = time.perf_counter()
    try:
        codes = _channel_codes(uow)
        variants = catalog.preload_variants(uow=uow)
        catalog.preload_prices(codes, uow=uow)
        settings = inventory.preload_stock_settings(uow=uow)
    except SQLAlchemyError as error:
        log.warning("reference data not preloaded", error=type(error).__name__)
        return {"preloaded": False}
    done = {
        "preloaded": True,
        "variants_complete": variants,
        "stock_settings_complete": settings,
        "channels": len(codes),
        "cached_entries": len(uow.reference),
        "seconds": round(time.perf_counter() - started, 3),
    }
    log.info("reference data preloaded", **done)
    return done


def _channel_codes(uow: UnitOfWork) -> list[str]:
    codes: list[str] = []
    after: str | None = None
    while page := channels.list_channels(uow=uow, after=after, limit=CHANNEL_PAGE):
        codes.extend(channel.code for channel in page)
        if len(page) < CHANNEL_PAGE:
            break
        after = page[-1].code
    return codes
