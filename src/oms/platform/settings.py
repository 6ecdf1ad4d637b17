"""Settings from the environment (prefix ``OMS_``); read once by the composition root."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob oms reads. Documented in README; nothing reads the environment elsewhere."""

    model_config = SettingsConfigDict(env_prefix="OMS_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./oms.db",
        description="SQLAlchemy URL: sqlite:///path.db (embedded) or postgresql://... (server).",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=1, description="HTTP worker processes for `oms serve`.")
    embedded_relay: bool = Field(
        default=True,
        description="Run the outbox relay inside `oms serve` (embedded mode). Turn off when "
        "separate `oms worker` processes relay events.",
    )
    preload_reference: bool = Field(
        default=True,
        description="Load the catalogue's reference data (variants, prices, stock settings) "
        "before the server reports ready, instead of on the first orders.",
    )
    relay_interval_seconds: float = Field(default=0.5, gt=0)
    idempotency_retention_hours: float = Field(
        default=24, gt=0, description="How long replayable responses are kept."
    )
    housekeeping_interval_seconds: float = Field(default=600, gt=0)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "console"] = "json"
    max_body_bytes: int = Field(default=1_048_576, description="Larger request bodies get 413.")
    pool_size: int = Field(default=10, ge=1, description="PostgreSQL connections per process.")
    idempotency_lease_seconds: int = Field(
        default=60,
        description="How long a claimed Idempotency-Key counts as in flight before a retry may "
        "take it over (the first attempt must have died: its result is stored atomically).",
    )
    stripe_api_key: SecretStr | None = Field(
        default=None, description="Stripe's secret API key (sk_...); Stripe tenders need it."
    )
    stripe_api_base: str = Field(
        default="https://api.stripe.com", description="Stripe's API base (localstripe in tests)."
    )
    stripe_webhook_secret: SecretStr | None = Field(
        default=None, description="Signing secret of the Stripe webhook endpoint (whsec_...)."
    )
