"""Point of sale: money taken at the till, for the amount the till rang up.

The till has taken the money before oms hears of it, so every movement is recorded as done,
and the tender is captured as soon as it is authorised (``CAPTURED_AT_ONCE``). A refund at
the till is cash or card handed back there. Answers depend only on the transaction, so asking
again (``retrieve``) answers the same.
"""

from __future__ import annotations

from oms.payments.domain import ProviderName
from oms.payments.providers.recorded import RecordedProvider


class PosProvider(RecordedProvider):
    """``PaymentProvider`` for ``pos`` tenders."""

    name = ProviderName.POS
