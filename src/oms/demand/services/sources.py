"""Line records from the UCI "Online Retail" dataset, read in place (Chen, Sain and Guo 2012,
CC BY 4.0), for backtests on real data before (and besides) an import into the database.

The rows kept are what an import turns into order lines: sales invoices (not ``C``
cancellations or ``A`` adjustments) with a positive quantity of a product. Non-product codes
(postage, fees, manual lines, gift vouchers) are order charges, not demand. The dataset's
``C`` invoices are not subtracted here: most are returns of delivered goods (still demand) and
the database path counts the cancelled units the import could match, so the two paths agree
on every line the import did not cancel.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from oms.demand.domain.series import LINE_COLUMNS

NON_PRODUCT_CODES = frozenset(
    {"POST", "DOT", "M", "m", "C2", "D", "S", "B", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS"}
)
"""Stock codes of the dataset that are charges or adjustments, not goods."""

VOUCHER_PREFIX = "gift_0001_"

DATASET_TIMEZONE = "Europe/London"
"""The dataset's ``InvoiceDate`` is the shop's local time."""


def read_online_retail(path: Path) -> tuple[pd.DataFrame, datetime, datetime]:
    """The dataset's product sales as line records, and the observed window: the first and the
    last order (a sales invoice), the last one minute later since times are to the minute, as
    the database path reads it from its orders."""
    raw = pd.read_csv(
        path,
        usecols=["InvoiceNo", "StockCode", "Quantity", "InvoiceDate"],
        dtype={"InvoiceNo": str, "StockCode": str, "Quantity": "int64", "InvoiceDate": str},
    )
    placed = (
        pd.to_datetime(raw["InvoiceDate"], format="%m/%d/%Y %H:%M")
        .dt.tz_localize(DATASET_TIMEZONE, ambiguous="NaT", nonexistent="shift_forward")
        .dt.tz_convert(UTC)
    )
    code = raw["StockCode"]
    order = ~raw["InvoiceNo"].str.startswith(("C", "A")) & (raw["Quantity"] > 0)
    observed_from = placed[order].min().to_pydatetime()
    observed_to = placed[order].max().to_pydatetime() + pd.Timedelta(minutes=1)
    sale = (
        order
        & ~code.isin(NON_PRODUCT_CODES)
        & ~code.str.startswith(VOUCHER_PREFIX)
        & placed.notna()
    )
    lines = pd.DataFrame(
        {
            "sku": code[sale].str.upper(),
            "location": "",
            "placed_at": placed[sale],
            "quantity": raw["Quantity"][sale],
            "cancelled_quantity": 0,
        }
    )
    return lines[list(LINE_COLUMNS)], observed_from, observed_to
