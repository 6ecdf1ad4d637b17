"""The OpenAPI document describes every route well enough to generate a client from it."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from oms.app.openapi import api_routes
from oms.platform.idempotency import idempotent_request

PROBLEM = {"$ref": "#/components/schemas/Problem"}
VERBS = {
    "add", "adjust", "approve", "cancel", "capture", "change", "check", "confirm", "count",
    "create", "decline", "delete", "erase", "export", "file", "get", "hand", "inspect", "issue",
    "list", "lookup", "make", "mark", "place", "preview", "put", "receive", "reconcile", "record",
    "refund", "reissue", "reject", "release", "remove", "replay", "request", "reroute", "resend",
    "resolve", "revoke", "set", "ship", "start", "transfer", "update", "void",
}  # fmt: skip


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), p, op) for p, ops in spec["paths"].items() for m, op in ops.items()]


def test_every_operation_documents_its_success_and_problem_responses(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    gaps = []
    for method, path, op in operations(spec):
        if path == "/health":
            continue
        success = [s for s in op["responses"] if s.startswith("2")]
        if not success:
            gaps.append(f"{method} {path}: no 2xx")
        for status in success:
            content = op["responses"][status].get("content", {})
            if status != "204" and not any("schema" in media for media in content.values()):
                gaps.append(f"{method} {path}: {status} has no schema")
        expected = ["401", "403"] if op.get("security") else []
        if op.get("parameters") or op.get("requestBody"):
            expected.append("422")
        for status in expected:
            content = op["responses"].get(status, {}).get("content", {})
            if content.get("application/problem+json", {}).get("schema") != PROBLEM:
                gaps.append(f"{method} {path}: {status} is not documented as problem+json")
        if "summary" not in op or not op.get("description"):
            gaps.append(f"{method} {path}: no summary/description")
    assert gaps == []


def test_idempotent_creations_document_the_key_header(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    stock = [p for m, p, op in operations(spec) if m == "POST" and p.startswith("/v1/inventory/")]
    for path in stock:
        op = spec["paths"][path]["post"]
        headers = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "header"}
        assert headers["Idempotency-Key"]["required"] is True, path
    assert len(stock) == 5


def test_a_header_is_required_exactly_where_the_route_refuses_to_go_without_it(
    app: FastAPI, client: TestClient
) -> None:
    """FastAPI sees these headers as optional (the route answers 400 or 428 itself, not 422);
    the document must still say required, or generated clients make them optional."""
    spec = client.get("/openapi.json").json()
    documented = {
        (method, path, parameter["name"]): parameter.get("required", False)
        for method, path, op in operations(spec)
        for parameter in op.get("parameters", [])
        if parameter["in"] == "header"
    }
    insisting = {
        (method, route.path_format): _calls(route.dependant)
        for route in api_routes(app)
        for method in route.methods
    }
    for (method, path, name), required in documented.items():
        if name == "Idempotency-Key":
            assert required is (idempotent_request in insisting[method, path]), (method, path)
    assert documented["POST", "/v1/orders", "Idempotency-Key"] is True
    assert documented["POST", "/v1/orders/{order_id}/holds", "Idempotency-Key"] is False
    confirm = "/v1/orders/{order_id}/changes/{change_id}/confirm"
    assert documented["POST", confirm, "If-Match"] is True
    assert "428" in spec["paths"][confirm]["post"]["responses"]


def _calls(dependant: Any) -> set[Any]:
    found = set()
    for dependency in dependant.dependencies:
        found |= {dependency.call} | _calls(dependency)
    return found


def test_schema_titles_are_unique_and_name_their_component(client: TestClient) -> None:
    """openapi-python-client names classes by title: two `CustomerIn` made it drop `OrderIn`,
    `OrderOut` and `POST /v1/orders` altogether."""
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    titles = [schema.get("title") for schema in schemas.values()]
    assert [t for t in titles if titles.count(t) > 1] == []
    assert [key for key, schema in schemas.items() if schema.get("title") != key] == []
    assert {"OrderIn", "OrderOut", "BuyerIn", "BuyerOut", "CustomerIn", "OrderPage"} <= set(schemas)


def test_operation_ids_read_as_method_names_and_are_unique(client: TestClient) -> None:
    ids = [op["operationId"] for _, _, op in operations(client.get("/openapi.json").json())]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if not re.fullmatch(r"[a-z]+(_[a-z]+)*", i)] == []
    assert [i for i in ids if i.split("_")[0] not in VERBS] == []
    assert {"place_order", "get_order", "cancel_order", "check_health"} <= set(ids)


def test_every_operation_has_one_described_tag(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    described = {tag["name"] for tag in spec["tags"] if tag.get("description")}
    assert [(m, p) for m, p, op in operations(spec) if len(op.get("tags", [])) != 1] == []
    assert {op["tags"][0] for _, _, op in operations(spec)} == described


def test_the_document_names_a_server(client: TestClient) -> None:
    servers = client.get("/openapi.json").json()["servers"]
    assert servers[0]["url"] == "/"
    assert all(server.get("description") for server in servers)


def test_gets_that_send_an_etag_document_it_with_if_none_match_and_304(
    client: TestClient,
) -> None:
    spec = client.get("/openapi.json").json()
    get_order = spec["paths"]["/v1/orders/{order_id}"]["get"]
    assert "ETag" in get_order["responses"]["200"]["headers"]
    assert get_order["responses"]["304"]["headers"]["ETag"]
    assert "If-None-Match" in {p["name"] for p in get_order["parameters"]}
    confirm = spec["paths"]["/v1/orders/{order_id}/changes/{change_id}/confirm"]["post"]
    assert "ETag" in confirm["responses"]["200"]["headers"]
    assert "If-None-Match" not in {p["name"] for p in confirm["parameters"]}
    listed = spec["paths"]["/v1/orders"]["get"]
    assert "304" not in listed["responses"]


def test_quantities_sent_are_at_least_one(client: TestClient) -> None:
    """The schema used to accept -1,000,000 units."""
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    found = {
        (name, prop): schema.get("minimum")
        for name, model in schemas.items()
        if name.endswith("In")
        for prop, schema in model.get("properties", {}).items()
        if prop == "quantity"
    }
    assert len(found) >= 7
    assert {at: minimum for at, minimum in found.items() if minimum != 1} == {}


def test_amounts_are_decimal_strings_and_only_coordinates_are_numbers(
    client: TestClient,
) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for name in ("MoneyIn", "MoneyOut"):
        amount = schemas[name]["properties"]["amount"]
        assert (amount["type"], bool(amount["pattern"])) == ("string", True), name
    assert schemas["TaxRateIn"]["properties"]["rate"]["type"] == "string"
    numbers = {path[-3] for path in _paths_to(spec, {"type": "number"})}
    assert numbers <= {"latitude", "longitude"}


def test_ids_are_uuids(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    loose = []
    for name, model in spec["components"]["schemas"].items():
        for prop, schema in model.get("properties", {}).items():
            # a channel's own order id, and an email's RFC 5322 Message-ID, are not ours to type
            if (prop == "id" or prop.endswith("_id")) and prop not in {"external_id", "message_id"}:
                kinds = [schema, *schema.get("anyOf", [])]
                if not any(kind.get("format") == "uuid" for kind in kinds):
                    loose.append(f"{name}.{prop}")
    for method, path, op in operations(spec):
        for parameter in op.get("parameters", []):
            named_id = parameter["in"] == "path" and parameter["name"].endswith("_id")
            if named_id and parameter["schema"].get("format") != "uuid":
                loose.append(f"{method} {path} {parameter['name']}")
    assert loose == []


def _paths_to(node: Any, wanted: dict[str, Any], at: tuple[Any, ...] = ()) -> list[Any]:
    """Where in the document a schema has all of ``wanted``'s items."""
    found = []
    if isinstance(node, dict):
        if wanted.items() <= node.items():
            found.append(at)
        for key, value in node.items():
            found += _paths_to(value, wanted, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths_to(value, wanted, (*at, index))
    return found


def test_the_problem_schema_is_rfc_9457(client: TestClient) -> None:
    problem = client.get("/openapi.json").json()["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance", "code"} <= set(problem["properties"])
