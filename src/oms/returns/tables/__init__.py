"""Tables of the returns context: policies (``policies``), returns and their lines (``returns``),
the refunds their resolutions decided (``resolutions``), an exchange's replacements
(``exchanges``)."""

from oms.returns.tables import exchanges as _exchanges
from oms.returns.tables import policies as _policies
from oms.returns.tables import resolutions as _resolutions
from oms.returns.tables import returns as _returns

_ = (_exchanges, _policies, _resolutions, _returns)
