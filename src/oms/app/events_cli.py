"""``oms events``: the event catalogue on the command line, and docs/events.md.

    oms events schemas                          every type's schema and example, as JSON
    oms events schemas orders.order_placed.v1   one type's JSON Schema
    oms events schemas orders.order_placed.v1 --example
    oms events docs --output docs/events.md     write the page (``make events-doc``)
    oms events docs --check                     exit 1 when docs/events.md is out of date

The JSON is what ``GET /v1/events/schemas`` answers, so it can be read without a server.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from oms.app.event_registry import registry
from oms.platform.event_catalogue import (
    EventTypeNotFound,
    catalogue,
    entry_named,
    envelope_schema,
    example_envelope,
    markdown,
)

DOCS = Path("docs/events.md")
ENVELOPE_EXAMPLE_TYPE = "orders.order_placed.v1"
"""The event whose envelope the page shows as the example."""

events_app = typer.Typer(
    help="The event catalogue: each event type's JSON Schema and example (docs/events.md).",
    no_args_is_help=True,
)


def events_markdown() -> str:
    """docs/events.md as the code describes it now."""
    events = registry()
    return markdown(catalogue(events), example_envelope(events.event_class(ENVELOPE_EXAMPLE_TYPE)))


def catalogue_document() -> dict[str, Any]:
    """Every type's entry and the envelope's schema: the body of ``GET /v1/events/schemas``."""
    return {
        "envelope": envelope_schema(),
        "events": [
            {
                "type": entry.type,
                "version": entry.version,
                "context": entry.context,
                "aggregate": entry.aggregate,
                "description": entry.description,
                "schema": entry.schema,
                "example": entry.example,
            }
            for entry in catalogue(registry())
        ],
    }


@events_app.command("schemas")
def schemas(
    event_type: Annotated[
        str | None,
        typer.Argument(help="One type (orders.order_placed.v1); without it, every type."),
    ] = None,
    example: Annotated[
        bool, typer.Option("--example", help="Print the type's example payload, not its schema.")
    ] = False,
) -> None:
    """Print JSON Schemas as JSON: one type's, or the whole catalogue (as the API serves it)."""
    if event_type is None:
        if example:
            _fail("--example needs an event type: oms events schemas TYPE --example", code=2)
        _print_json(catalogue_document())
        return
    try:
        entry = entry_named(registry(), event_type)
    except EventTypeNotFound as error:
        _fail(f"{error.detail} (oms events schemas lists every type)", code=1)
    _print_json(entry.example if example else entry.schema)


@events_app.command("docs")
def docs(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the page to this file (else to the terminal)."),
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Only compare: exit 1 when the file differs from the code."),
    ] = False,
) -> None:
    """Write docs/events.md: every event type, its version, description, schema and example."""
    text = events_markdown()
    if check:
        target = output or DOCS
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != text:
            _fail(f"{target} is out of date with the event classes: run make events-doc", code=1)
        typer.echo(f"{target} is current ({len(registry())} event types)", err=True)
    elif output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output} ({len(registry())} event types)", err=True)


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


def _fail(detail: str, *, code: int) -> NoReturn:
    Console(stderr=True).print(
        f"[red]error:[/red] {escape(detail)}", highlight=False, soft_wrap=True
    )
    raise typer.Exit(code=code)
