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
    forecast_interval_hours: float = Field(
        default=168,
        gt=0,
        description="How often the worker recomputes demand forecasts (a run is queued when the "
        "latest is older); `POST /v1/forecasts/runs` or `oms forecast run` on demand.",
    )
    customer_value_interval_hours: float = Field(
        default=24,
        gt=0,
        description="How often the worker rescores customers' lifetime value and churn (a run "
        "is queued when the latest is older); `POST /v1/customer-value/runs` or `oms clv run` "
        "on demand.",
    )
    customer_value_monthly_discount: float = Field(
        default=0.01,
        ge=0,
        lt=1,
        description="Monthly discount rate of the 12-month customer lifetime value.",
    )
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

    # Customer mail (oms.notifications). With no SMTP host, mails are written as .eml files to
    # `mail_directory` (the demo's default), so nothing is lost and every mail can be opened.
    smtp_host: str | None = Field(
        default=None, description="SMTP server for customer mail; unset writes .eml files."
    )
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        default="starttls",
        description="none (plain, local relays only), starttls (upgrade on 587) or tls (465).",
    )
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=10, gt=0)
    mail_from: str = Field(
        default="oms <orders@localhost>",
        description="From of customer mail when a channel sets no sender address of its own.",
    )
    mail_directory: str = Field(
        default="./mail", description="Where .eml files are written when no SMTP host is set."
    )
    templates_directory: str | None = Field(
        default=None,
        description="A folder of mail templates that override the built-in ones, file by file "
        "(same names as src/oms/notifications/templates).",
    )
    mail_interval_seconds: float = Field(
        default=2, gt=0, description="How often the worker looks for mail to send."
    )

    # Webhooks (oms.notifications).
    webhooks_allow_private_targets: bool = Field(
        default=False,
        description="Allow webhook URLs that resolve to private, loopback or link-local "
        "addresses (tests and on-premise receivers). Off by default: they are refused.",
    )
    webhook_timeout_seconds: float = Field(
        default=5, gt=0, description="Connect and read timeout of one webhook delivery."
    )
    webhook_concurrency: int = Field(
        default=8, ge=1, description="Webhook deliveries in flight at once per worker."
    )
    webhook_interval_seconds: float = Field(
        default=1, gt=0, description="How often the worker looks for webhook deliveries due."
    )
    webhook_retention_days: int = Field(
        default=30,
        ge=4,
        description="How long finished webhook deliveries stay listed and replayable (pending "
        "ones stay until sent; at least the three days of retries and one more).",
    )

    # Staff console logins and sessions (oms.auth).
    session_idle_minutes: int = Field(
        default=30, ge=1, description="A console session ends after this long unused."
    )
    session_absolute_hours: int = Field(
        default=12, ge=1, description="A console session ends this long after login, used or not."
    )
    console_secure_cookie: bool = Field(
        default=True,
        description="The console's session cookie is sent over HTTPS only; turn off only to "
        "use the console over plain HTTP (`make demo` does, on 127.0.0.1).",
    )
    login_attempts_per_minute: int = Field(
        default=10, ge=1, description="Console logins tried per minute from one client address."
    )
    login_lockout_failures: int = Field(
        default=5, ge=1, description="Failed logins in a row that lock a staff user."
    )
    login_lockout_minutes: int = Field(
        default=15, ge=1, description="How long a locked staff user cannot log in."
    )

    # The customer's tracking pages (/track).
    track_secret: SecretStr | None = Field(
        default=None,
        description="Key that signs the links a customer follows to their order after looking "
        "it up (HMAC-SHA256). Unset: a random key per process, so links end with a restart and "
        "work only on the process that made them; set it when running several processes.",
    )
    track_link_hours: int = Field(
        default=24, ge=1, description="How long a customer's link to their order page works."
    )

    # Events to a message broker (optional).
    broker: Literal["none", "nats", "rabbitmq"] = Field(
        default="none",
        description="Publish every outbox event to NATS JetStream (subject oms.<context>.<event>)"
        " or RabbitMQ (topic exchange); the event id is the message id.",
    )
    broker_url: str | None = Field(
        default=None,
        description="nats://127.0.0.1:4222 or amqp://guest:guest@127.0.0.1:5672/ (the defaults).",
    )
    broker_stream: str = Field(default="OMS", description="NATS JetStream stream name.")
    broker_exchange: str = Field(default="oms.events", description="RabbitMQ topic exchange.")
