"""The HTTP application factory: every context's routes, error mapping, logging, relay."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Literal

import anyio.to_thread
from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from sqlalchemy import Engine, text

import oms
from oms import auth, console
from oms.app import events_api, openapi, schema, tasks, warmup
from oms.app.event_registry import registry as event_registry
from oms.auth import api as auth_api
from oms.catalog import api as catalog_api
from oms.channels import api as channels_api
from oms.customer_value import api as customer_value_api
from oms.customers import api as customers_api
from oms.demand import api as demand_api
from oms.fulfilment import api as fulfilment_api
from oms.history import api as history_api
from oms.inventory import api as inventory_api
from oms.invoicing import api as invoicing_api
from oms.notifications import api as notifications_api
from oms.orders import api as orders_api
from oms.orders.pricing import api as pricing_api
from oms.payments import api as payments_api
from oms.payments.settlements import api as settlements_api
from oms.platform import problems, reference
from oms.platform.database import create_database_engine
from oms.platform.http import refuse_nul_characters
from oms.platform.http_semantics import AllowedMethodsMiddleware, ConditionalGetMiddleware
from oms.platform.observability import RequestContextMiddleware, configure_logging
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.reports import api as reports_api
from oms.returns import api as returns_api
from oms.shared.clock import Clock, SystemClock
from oms.sourcing import api as sourcing_api

STATIC = Path(__file__).resolve().parent / "static"

# Orders first: the router tries each included router's routes in this order until one matches,
# and order placement is the hot path. No two routers serve overlapping paths, so the order
# changes nothing else (the OpenAPI document orders its tags by ``openapi.TAGS``).

ROUTERS = (
    fulfilment_api.lookup_router,
    returns_api.lookup_router,
    orders_api.router,
    channels_api.router,
    catalog_api.router,
    inventory_api.router,
    pricing_api.router,
    customers_api.router,
    auth_api.router,
    payments_api.router,
    invoicing_api.router,
    settlements_api.router,
    fulfilment_api.router,
    sourcing_api.router,
    returns_api.router,
    notifications_api.router,
    events_api.router,
    demand_api.router,
    reports_api.router,
    history_api.router,
    customer_value_api.router,
)

DESCRIPTION = """
oms captures every channel's orders in one place and carries them to the customer.

**Authentication**: `Authorization: Bearer oms_...` (API keys, created with `oms apikey create`).
Each route states the permission it needs; a channel key sees only its channel's data.

**Errors** are `application/problem+json` (RFC 9457) with a stable `code`.

**Idempotency**: creating POSTs take `Idempotency-Key`; each operation says whether it is
required (order placement, stock movements, new records) or optional. A replay returns the first
response.

**Versions**: a record that has a version sends it as a strong `ETag` (`"3"`). A GET with a
matching `If-None-Match` answers 304 with no body; a change with a stale `If-Match` answers 412.

**Money** is `{"amount": "19.99", "currency": "EUR"}` with the amount as a decimal string, never a
JSON number. Ids are UUIDs.

Clients can be generated from this document (`openapi-python-client generate --url
.../openapi.json`): operation ids are method names (`place_order`), one module per tag.
"""


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    run_relay: bool | None = None,
) -> FastAPI:
    """Build the app; nothing connects until the first request or the lifespan starts."""
    settings = settings or Settings()
    engine = engine or create_database_engine(settings.database_url, pool_size=settings.pool_size)
    clock = clock or SystemClock()
    relay_enabled = settings.embedded_relay if run_relay is None else run_relay

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stops: list[Callable[[], None]] = []
        if settings.preload_reference:
            await anyio.to_thread.run_sync(warmup.warm, UnitOfWork(engine, clock))
        if relay_enabled:
            stops = tasks.start(engine, settings, clock)
        try:
            yield
        finally:
            for stop in stops:
                stop()

    app = FastAPI(
        title="oms",
        version=oms.__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(refuse_nul_characters)],
        generate_unique_id_function=openapi.operation_id,
    )
    app.state.engine = engine
    app.state.clock = clock
    app.state.reference = reference.cache_for(engine)
    app.state.settings = settings
    app.state.event_registry = event_registry()
    app.state.authenticator = auth.KeyAuthenticator(lambda: UnitOfWork(engine, clock))
    problems.install(app)
    app.add_middleware(ConditionalGetMiddleware)
    app.add_middleware(AllowedMethodsMiddleware)
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
    for router in ROUTERS:
        app.include_router(router)
    _add_health(app, engine)
    _add_docs(app)
    console.install(app)
    app.openapi = lambda: openapi.build(app)  # type: ignore[method-assign]
    _ = schema.metadata
    return app


class HealthOut(BaseModel):
    status: Literal["ok"]
    database: str = Field(examples=["sqlite"], description="`sqlite` or `postgresql`.")
    version: str = Field(examples=[oms.__version__])


def _add_health(app: FastAPI, engine: Engine) -> None:
    @app.get("/health", tags=["health"])
    def check_health() -> HealthOut:
        """Liveness and database reachability (no authentication)."""
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return HealthOut(status="ok", database=engine.dialect.name, version=oms.__version__)


def _add_docs(app: FastAPI) -> None:
    """Swagger UI from vendored files, so the docs work on machines without internet access."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="oms API",
            swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/swagger-ui/favicon-32x32.png",
        )


def app_from_environment() -> FastAPI:
    """Entry point for ``uvicorn --factory`` in worker processes."""
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)
