"""one version for reference data, bumped by triggers

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:00:00.000000

Every change to a reference table replaces ``reference_version.version`` in the changing
transaction (docs/decisions/0008-reference-data-cache.md). Frozen copies of the DDL in
oms.platform.reference (a migration must not change when the code does).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFERENCE_TABLES = (
    "channels",
    "channel_locations",
    "locations",
    "products",
    "product_variants",
    "variant_prices",
    "inventory_items",
    "hold_rules",
    "tax_rates",
    "shipping_zones",
    "shipping_zone_countries",
    "shipping_rates",
)

SQLITE_BUMP = (
    "INSERT INTO reference_version (id, version) VALUES (1, random()) "
    "ON CONFLICT (id) DO UPDATE SET version = random()"
)

POSTGRESQL_FUNCTION = (
    "CREATE OR REPLACE FUNCTION reference_version_bump() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'TRUNCATE' THEN NULL; "
    "ELSIF NOT EXISTS (SELECT FROM changed) THEN RETURN NULL; "
    "END IF; "
    "INSERT INTO reference_version (id, version) "
    "VALUES (1, floor(random() * 9007199254740991)::bigint) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version; "
    "RETURN NULL; END $$"
)

SEED = {
    "sqlite": "INSERT OR IGNORE INTO reference_version (id, version) VALUES (1, random())",
    "postgresql": "INSERT INTO reference_version (id, version) "
    "VALUES (1, floor(random() * 9007199254740991)::bigint) ON CONFLICT DO NOTHING",
}


def _create(dialect: str, table: str) -> list[str]:
    if dialect == "postgresql":
        transition = {"INSERT": "NEW", "UPDATE": "NEW", "DELETE": "OLD"}
        return [
            *(
                f"CREATE OR REPLACE TRIGGER {table}_reference_{op.lower()} AFTER {op} ON {table} "
                f"REFERENCING {rows} TABLE AS changed "
                "FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump()"
                for op, rows in transition.items()
            ),
            f"CREATE OR REPLACE TRIGGER {table}_reference_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump()",
        ]
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_reference_{op.lower()} AFTER {op} ON {table} "
        f"BEGIN {SQLITE_BUMP}; END"
        for op in ("INSERT", "UPDATE", "DELETE")
    ]


def _drop(dialect: str, table: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_reference_{op} ON {table}"
            for op in ("insert", "update", "delete", "truncate")
        ]
    return [
        f"DROP TRIGGER IF EXISTS {table}_reference_{op}" for op in ("insert", "update", "delete")
    ]


def upgrade() -> None:
    op.create_table(
        "reference_version",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_reference_version_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_version")),
    )
    bind = op.get_bind()
    dialect = bind.dialect.name
    statements = [POSTGRESQL_FUNCTION] if dialect == "postgresql" else []
    for table in REFERENCE_TABLES:
        statements.extend(_create(dialect, table))
    statements.append(SEED[dialect])
    for statement in statements:
        bind.exec_driver_sql(statement)


def downgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    for table in reversed(REFERENCE_TABLES):
        for statement in _drop(dialect, table):
            bind.exec_driver_sql(statement)
    if dialect == "postgresql":
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS reference_version_bump()")
    op.drop_table("reference_version")
