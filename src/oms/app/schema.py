"""The whole schema: importing this registers every context's tables on ``metadata``."""

from oms.auth import tables as _auth_tables
from oms.catalog import tables as _catalog_tables
from oms.channels import tables as _channels_tables
from oms.customer_value import tables as _customer_value_tables
from oms.customers import tables as _customers_tables
from oms.demand import tables as _demand_tables
from oms.fulfilment import tables as _fulfilment_tables
from oms.history import tables as _history_tables
from oms.inventory import tables as _inventory_tables
from oms.invoicing import tables as _invoicing_tables
from oms.notifications import tables as _notifications_tables
from oms.orders import tables as _orders_tables
from oms.orders.pricing import tables as _pricing_tables
from oms.payments import tables as _payments_tables
from oms.payments.settlements import tables as _settlements_tables
from oms.platform import idempotency as _idempotency
from oms.platform import jobs as _jobs
from oms.platform import outbox as _outbox
from oms.platform import reference as _reference
from oms.platform.database import metadata
from oms.reports import tables as _reports_tables
from oms.returns import tables as _returns_tables
from oms.sourcing import tables as _sourcing_tables

__all__ = ["metadata"]

_ = (
    _auth_tables,
    _catalog_tables,
    _channels_tables,
    _customer_value_tables,
    _customers_tables,
    _demand_tables,
    _fulfilment_tables,
    _history_tables,
    _inventory_tables,
    _invoicing_tables,
    _notifications_tables,
    _orders_tables,
    _pricing_tables,
    _reports_tables,
    _payments_tables,
    _settlements_tables,
    _returns_tables,
    _sourcing_tables,
    _idempotency,
    _jobs,
    _outbox,
    _reference,
)
