"""Marketplaces: the marketplace collected the money from the buyer and pays it out to us.

An order that comes from a marketplace is paid when it arrives, for its total: the tender is
authorised and captured at once (``CAPTURED_AT_ONCE``). Refunds are made by the marketplace
(its own dispute and return flows) and recorded here as done, so that the order's figures and
the settlement reports agree. Answers depend only on the transaction, so asking again
(``retrieve``) answers the same.
"""

from __future__ import annotations

from oms.payments.domain import ProviderName
from oms.payments.providers.recorded import RecordedProvider


class MarketplaceProvider(RecordedProvider):
    """``PaymentProvider`` for ``marketplace`` tenders."""

    name = ProviderName.MARKETPLACE
