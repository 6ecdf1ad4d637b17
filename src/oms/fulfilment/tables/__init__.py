"""Tables of the fulfilment context: fulfilment orders and their lines, each location's
fulfilment settings (``orders``), shipments and tracking events (``shipments``)."""

from oms.fulfilment.tables import orders as _orders
from oms.fulfilment.tables import shipments as _shipments

_ = (_orders, _shipments)
