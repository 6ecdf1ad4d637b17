"""The figures of a file as read (before any mapping), for the summary's first check against a
dataset's known totals, and the figures of what an import planned."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation


@dataclass(slots=True)
class FileFigures:
    """Distinct documents, codes, customers and countries, and the sums of quantity and of
    quantity x unit price, over every data line of the file (rejected ones too).

    The sums are counted per distinct (quantity, price) text as the lines go by and worked out
    once per distinct pair (``quantity``, ``amount``): a file repeats its pairs."""

    lines: int = 0
    documents: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    customers: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)
    """How many lines have each (quantity, unit price) as written."""

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
        pair = (quantity, price)
        self.pairs[pair] = self.pairs.get(pair, 0) + 1

    def _sums(self) -> tuple[int, Decimal]:
        units, amount = 0, Decimal(0)
        for (quantity, price), lines in self.pairs.items():
            try:
                each = int(quantity)
                value = Decimal(price) * each
            except (ValueError, InvalidOperation):
                continue
            units += each * lines
            amount += value * lines
        return units, amount

    @property
    def quantity(self) -> int:
        return self._sums()[0]

    @property
    def amount(self) -> Decimal:
        return self._sums()[1]

    def as_dict(self) -> dict[str, int | str]:
        units, amount = self._sums()
        return {
            "lines": self.lines,
            "documents": len(self.documents),
            "codes": len(self.codes),
            "customers": len(self.customers),
            "countries": len(self.countries),
            "quantity": units,
            "amount": str(amount),
        }
