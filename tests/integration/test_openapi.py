"""The OpenAPI document describes every route well enough to generate a client from it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

PROBLEM = {"$ref": "#/components/schemas/Problem"}


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
            if status != "204" and "schema" not in op["responses"][status].get("content", {}).get(
                "application/json", {}
            ):
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
        headers = {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}
        assert "Idempotency-Key" in headers, path
    assert len(stock) == 5


def test_the_problem_schema_is_rfc_9457(client: TestClient) -> None:
    problem = client.get("/openapi.json").json()["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance", "code"} <= set(problem["properties"])
