"""The OpenAPI document, complete enough to generate a client from.

FastAPI writes most of it from the routes and schemas; this module adds what it cannot know:
operation ids that read as method names, a description per tag, problem+json for every error,
the headers a route insists on although FastAPI sees them as optional, and the ``ETag`` /
``If-None-Match`` / 304 contract of the routes that send an ETag. Tried as a new user would,
``openapi-python-client`` must generate every operation and every model from it
(tests/integration/test_generated_client.py does exactly that).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from oms.platform import problems
from oms.platform.http import REQUIRED_BY_ROUTE, tagged_response
from oms.platform.http_semantics import each_route
from oms.platform.problems import Problem

PREFIX = "#/components/schemas/"

TAGS = [
    {"name": "channels", "description": "Sales channels and the locations that serve them."},
    {"name": "catalog", "description": "Products, variants (SKUs) and their prices per channel."},
    {"name": "inventory", "description": "Stock per location: the movement ledger and levels."},
    {"name": "orders", "description": "Order capture, holds, cancellation and order changes."},
    {"name": "pricing", "description": "Tax rates, shipping zones and price quotes."},
    {"name": "customers", "description": "Customer profiles, addresses, consent and privacy."},
    {
        "name": "payments",
        "description": "Tenders, captures, refunds, store credit, Stripe's notifications.",
    },
    {"name": "invoices", "description": "Invoices and credit notes: JSON and PDF."},
    {
        "name": "reconciliation",
        "description": "Settlement files matched against the payment ledger.",
    },
    {
        "name": "sourcing",
        "description": "Each channel's versioned sourcing rules and the decisions they made.",
    },
    {
        "name": "fulfilment",
        "description": "Fulfilment orders per location: queues, picking, rejection, pickup.",
    },
    {"name": "shipments", "description": "Shipments, labels and tracking events."},
    {
        "name": "returns",
        "description": "Return policies, returns (RMAs), inspections, exchanges and claims.",
    },
    {
        "name": "notifications",
        "description": "Customer emails: each channel's mail settings, the messages sent, resends.",
    },
    {
        "name": "webhooks",
        "description": "Webhook endpoints (Standard Webhooks signatures) and their deliveries.",
    },
    {"name": "events", "description": "The event catalogue: every event type's JSON schema."},
    {
        "name": "imports",
        "description": "Order history imported from files: upload, a job to poll, its rejects.",
    },
    {
        "name": "reports",
        "description": "Sales, products, returns, fulfilment, inventory, payments, settlements, "
        "customers, cohorts and RFM segments, exact to the cent, as JSON or CSV.",
    },
    {
        "name": "forecasts",
        "description": "Weekly demand forecasts per SKU with their bands, reorder points and "
        "suggested quantities, forecast runs and reorder settings.",
    },
    {
        "name": "customer-value",
        "description": "Customer lifetime value and churn probability (BG/NBD + Gamma-Gamma): "
        "scoring runs, a customer's scores, customers filtered by value and churn risk.",
    },
    {"name": "auth", "description": "API keys and their roles."},
    {"name": "health", "description": "Liveness of the server and its database."},
]

SERVERS = [
    {"url": "/", "description": "The server that serves this document."},
    {"url": "http://127.0.0.1:8000", "description": "`oms serve` on this machine (the default)."},
]

ETAG_HEADER = {
    "required": True,
    "description": 'The record\'s version as a strong entity tag (`"3"`): send it back as '
    "`If-Match` to change the record, or as `If-None-Match` to be told it has not changed.",
    "schema": {"type": "string", "pattern": '^"[0-9]+"$', "examples": ['"3"']},
}

IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": 'ETags the client already holds (`"3"`, a list, or `*`): when one matches '
    "(weak comparison, RFC 9110), the answer is 304 with no body.",
    "schema": {"type": "string", "maxLength": 1024},
}

NOT_MODIFIED = {
    "description": "Not modified: the record still has the ETag the client sent.",
    "headers": {"ETag": ETAG_HEADER},
}


def operation_id(route: APIRoute) -> str:
    """The route function's name (`place_order`), so generated clients get method names."""
    return route.name


def build(app: FastAPI) -> dict[str, Any]:
    """The document, built once per app and cached on it."""
    if app.openapi_schema:
        return app.openapi_schema
    spec = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=TAGS,
        servers=SERVERS,
    )
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schemas["Problem"].pop("$defs", {}))
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    for route in api_routes(app):
        for method in route.methods:
            operation = spec["paths"][route.path_format][method.lower()]
            _document_required_headers(operation)
            if tagged_response in _calls(route.dependant):
                _document_etag(operation, method)
            _document_problems(operation)
    _name_schemas_by_title(spec)
    app.openapi_schema = spec
    return spec


def api_routes(app: FastAPI) -> Iterator[Any]:
    """The app's API routes in the document, with full paths (included routers resolved)."""
    for route in each_route(app.routes):
        if (
            isinstance(getattr(route, "original_route", route), APIRoute)
            and route.include_in_schema
        ):
            yield route


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


def _document_required_headers(operation: dict[str, Any]) -> None:
    """A header marked ``REQUIRED_HEADER`` is required in the document, and a plain string."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if schema.pop(REQUIRED_BY_ROUTE, False):
            parameter["required"] = True
            choices = [s for s in schema.pop("anyOf", []) if s.get("type") != "null"]
            parameter["schema"] = {**(choices[0] if choices else {}), **schema}


def _document_etag(operation: dict[str, Any], method: str) -> None:
    for status, response in operation["responses"].items():
        if status.startswith("2"):
            response.setdefault("headers", {})["ETag"] = ETAG_HEADER
    if method == "GET":
        operation.setdefault("parameters", []).append(IF_NONE_MATCH)
        operation["responses"]["304"] = NOT_MODIFIED


def _document_problems(operation: dict[str, Any]) -> None:
    """Every error is problem+json: replace FastAPI's default 422 body and add what every
    authenticated operation can answer (401, 403), every body-taking one (400 for a body that
    cannot be decoded, 413) and every one taking an Idempotency-Key (400 for a blank or
    over-long key)."""
    statuses = [422] if operation.get("parameters") or operation.get("requestBody") else []
    if operation.get("security"):
        statuses += [401, 403]
    if operation.get("requestBody"):
        statuses += [400, 413]
    elif any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", [])):
        statuses.append(400)
    documented = problems.responses(*statuses)
    responses = operation.setdefault("responses", {})
    for status, entry in documented.items():
        if str(status) == "422" or str(status) not in responses:
            responses[str(status)] = entry


def _name_schemas_by_title(spec: dict[str, Any]) -> None:
    """Key each schema by its title (`OrderPage`, not `Page_OrderOut_`), references included.

    A title two schemas share stays unrenamed, and the test of unique titles names it.
    """
    schemas = spec["components"]["schemas"]
    titles = [schema.get("title", key) for key, schema in schemas.items()]
    renamed = {
        key: schema["title"]
        for key, schema in schemas.items()
        if schema.get("title", key) != key and titles.count(schema["title"]) == 1
    }
    renamed = {key: title for key, title in renamed.items() if title not in schemas}
    if not renamed:
        return
    spec["components"]["schemas"] = {renamed.get(key, key): s for key, s in schemas.items()}
    references = {f"{PREFIX}{old}": f"{PREFIX}{new}" for old, new in renamed.items()}
    _replace_references(spec, references)


def _replace_references(node: Any, references: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and value in references:
                node[key] = references[value]
            else:
                _replace_references(value, references)
    elif isinstance(node, list):
        for item in node:
            _replace_references(item, references)
