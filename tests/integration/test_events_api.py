"""``GET /v1/events/schemas`` serves the catalogue of every event type the server can send, with
no API key (like the OpenAPI document); ``oms events`` prints the same JSON and writes the page."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from oms.app.event_registry import registry
from oms.app.events_cli import events_app, events_markdown


def test_the_catalogue_lists_every_registered_type_with_a_valid_schema_and_example(
    client: TestClient,
) -> None:
    response = client.get("/v1/events/schemas")

    assert response.status_code == 200, response.text
    body = response.json()
    assert [e["type"] for e in body["events"]] == sorted(cls.type for cls in registry())
    for entry in body["events"]:
        Draft202012Validator.check_schema(entry["schema"])
        Draft202012Validator(entry["schema"]).validate(entry["example"])
        assert registry().decode(entry["type"], entry["example"]).payload() == entry["example"]
    Draft202012Validator.check_schema(body["envelope"])
    placed = next(e for e in body["events"] if e["type"] == "orders.order_placed.v1")
    assert (placed["version"], placed["context"], placed["aggregate"]) == (1, "orders", "order")


def test_one_type_is_served_as_it_is_listed(client: TestClient) -> None:
    listed = client.get("/v1/events/schemas").json()["events"]
    expected = next(e for e in listed if e["type"] == "fulfilment.shipment_created.v1")

    response = client.get("/v1/events/schemas/fulfilment.shipment_created.v1")

    assert response.status_code == 200
    assert response.json() == expected
    assert response.json()["schema"]["$id"] == "urn:oms:events:fulfilment.shipment_created.v1"


def test_an_unknown_type_is_a_404_that_suggests_the_close_ones(client: TestClient) -> None:
    response = client.get("/v1/events/schemas/orders.order_placed.v2")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "event-type-not-found"
    assert "orders.order_placed.v1" in problem["detail"]


def test_a_name_that_is_no_event_type_is_a_422_naming_the_parameter(client: TestClient) -> None:
    response = client.get("/v1/events/schemas/Orders.OrderPlaced")

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["path.event_type"]


def test_the_routes_are_public_and_documented_under_events(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    listed = spec["paths"]["/v1/events/schemas"]["get"]
    one = spec["paths"]["/v1/events/schemas/{event_type}"]["get"]

    assert (listed["tags"], one["tags"]) == (["events"], ["events"])
    assert "security" not in listed
    assert "security" not in one
    assert {"404", "422"} <= set(one["responses"])
    assert client.get("/v1/events/schemas", headers={"Authorization": "Bearer nope"}).is_success


def test_the_command_prints_what_the_api_serves(client: TestClient) -> None:
    served = client.get("/v1/events/schemas").json()

    everything = CliRunner().invoke(events_app, ["schemas"])
    one = CliRunner().invoke(events_app, ["schemas", "orders.order_placed.v1"])
    example = CliRunner().invoke(events_app, ["schemas", "orders.order_placed.v1", "--example"])

    assert everything.exit_code == 0, everything.output
    assert json.loads(everything.stdout) == served
    placed = next(e for e in served["events"] if e["type"] == "orders.order_placed.v1")
    assert json.loads(one.stdout) == placed["schema"]
    assert json.loads(example.stdout) == placed["example"]


def test_the_command_names_the_close_types_when_the_type_does_not_exist() -> None:
    result = CliRunner().invoke(events_app, ["schemas", "orders.order_placd.v1"])

    assert result.exit_code == 1
    assert "no event type 'orders.order_placd.v1'" in result.output
    assert "did you mean orders.order_placed.v1" in result.output


def test_docs_writes_the_page_and_check_tells_when_it_is_stale(tmp_path: Path) -> None:
    page = tmp_path / "events.md"
    page.write_text("# Events\n\nwritten by hand\n", encoding="utf-8")

    stale = CliRunner().invoke(events_app, ["docs", "--check", "--output", str(page)])
    written = CliRunner().invoke(events_app, ["docs", "--output", str(page)])
    current = CliRunner().invoke(events_app, ["docs", "--check", "--output", str(page)])

    assert stale.exit_code == 1
    assert "out of date" in stale.output
    assert "make events-doc" in stale.output
    assert written.exit_code == 0, written.output
    assert page.read_text(encoding="utf-8") == events_markdown()
    assert current.exit_code == 0, current.output
