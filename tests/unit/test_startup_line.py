"""The line each `oms` process logs at start: what runs where, and never a secret."""

from __future__ import annotations

from oms.app.cli import startup_fields
from oms.platform.settings import Settings


def test_the_startup_line_names_the_database_kind_and_never_its_password() -> None:
    settings = Settings(database_url="postgresql://oms:s3cr3t@db.internal:5432/oms")
    fields = startup_fields(settings, workers=4, relay="worker")
    assert fields["database"] == "postgresql"
    assert (fields["workers"], fields["relay"]) == (4, "worker")
    assert not any(part in str(fields) for part in ("s3cr3t", "db.internal", "oms:"))


def test_the_embedded_database_is_named_sqlite() -> None:
    settings = Settings(database_url="sqlite:///./oms.db")
    assert startup_fields(settings, workers=1, relay="embedded")["database"] == "sqlite"
