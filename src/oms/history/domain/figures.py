"""The figures of a file as read (before any mapping), for the summary's first check against a
dataset's known totals, and the figures of what an import planned."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache


@lru_cache(maxsize=65536)
def _decimal(text: str) -> Decimal:
    return Decimal(text)


@dataclass(slots=True)
class FileFigures:
    """Distinct documents, codes, customers and countries, and the sums of quantity and of
    quantity x unit price, over every data line of the file (rejected ones too)."""

    lines: int = 0
    documents: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    customers: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    quantity: int = 0
    amount: Decimal = Decimal(0)

    def add(
        self,
        document: str,
        code: str,
        customer: str,
        country: str,
        quantity: str,
        price: str,
    ) -> None:
        self.lines += 1
        self.documents.add(document)
        self.codes.add(code)
        if customer:
            self.customers.add(customer)
        if country:
            self.countries.add(country)
        try:
            units = int(quantity)
            amount = _decimal(price) * units
        except (ValueError, InvalidOperation):
            return
        self.quantity += units
        self.amount += amount

    def as_dict(self) -> dict[str, int | str]:
        return {
            "lines": self.lines,
            "documents": len(self.documents),
            "codes": len(self.codes),
            "customers": len(self.customers),
            "countries": len(self.countries),
            "quantity": self.quantity,
            "amount": str(self.amount),
        }
