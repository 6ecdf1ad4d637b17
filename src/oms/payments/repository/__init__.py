"""Storage behind the payments ports.

Services ask ``tx.repo(LEDGER)`` and get a ``Ledger``: tenders loaded whole with their
transactions, saved as the difference. Each engineer's module declares its own port (store
credit, refund policy, provider notifications); this package names the ledger's.
"""

from oms.payments.repository.ledger import Ledger, SqlLedger
from oms.platform.unit_of_work import Port

LEDGER: Port[Ledger] = Port("payments.ledger", SqlLedger)

__all__ = ["LEDGER", "Ledger"]
