"""Tables of the returns context: policies (``policies``), returns and their lines (``returns``)."""

from oms.returns.tables import policies as _policies
from oms.returns.tables import returns as _returns

_ = (_policies, _returns)
