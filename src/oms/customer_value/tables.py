"""Customer value's own tables: the runs that fitted BG/NBD + Gamma-Gamma and each customer's
scores from the newest run (a run replaces the scores of the currencies it fitted)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
)

from oms.platform.database import UTCDateTime, metadata

customer_value_runs = Table(
    "customer_value_runs",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("model", String(60), nullable=False),
    Column("model_version", String(80), nullable=False),
    Column("customers", Integer, nullable=False),
    Column("parameters", JSON, nullable=False),
    Column("holdout", JSON, nullable=True),
    Column("horizon_months", Integer, nullable=False),
    Column("monthly_discount", Float, nullable=False),
    Column("computed_at", UTCDateTime, nullable=False),
)
"""One fit per currency of a run (the run's id is its job's): the fitted parameters and the
holdout check of the same model on the same data (fit on the first nine months, scored on the
rest), so every score can name how good its model was."""

customer_values = Table(
    "customer_values",
    metadata,
    Column("customer_id", Uuid, ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("run_id", Uuid, nullable=False),
    Column("purchases", Integer, nullable=False),
    Column("expected_purchases_90d", Float, nullable=False),
    Column("probability_alive", Float, nullable=False),
    Column("expected_order_value_minor", BigInteger, nullable=False),
    Column("clv_minor", BigInteger, nullable=False),
    Column("model", String(60), nullable=False),
    Column("model_version", String(80), nullable=False),
    Column("holdout_mae_purchases", Float, nullable=True),
    Column("computed_at", UTCDateTime, nullable=False),
    Index("ix_customer_values_clv", "currency", "clv_minor"),
    Index("ix_customer_values_alive", "probability_alive"),
)
"""A customer's scores in one currency: expected purchases in the next 90 days, probability of
being alive (churn = 1 - it), expected order value and CLV over the run's horizon in minor
units, with the model, its version and its holdout error (mean absolute error of purchases per
customer)."""
