"""A channel's return policy: how long, what, at what cost, and what is approved without a person.

One document per channel, overridable per product (``products``, keyed by SKU or by the
product's handle) and per reason (``reasons``). A channel that never set one has the default:
30 days from delivery, no fee, the customer pays return shipping, nothing approved
automatically, no instant exchange (version 0). ``parse`` reads the document as stored or sent
and names every bad field at once; ``document`` writes it back. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from oms.returns.domain.errors import ReturnPolicyInvalid
from oms.returns.domain.returns import RETURN_REASONS, ReturnReason, ShippingPayer
from oms.shared.errors import FieldProblem
from oms.shared.money import Money, exponent, in_range

DEFAULT_WINDOW_DAYS = 30
MAX_WINDOW_DAYS = 3650


class WindowStart(StrEnum):
    DELIVERY = "delivery"
    """From the line's delivery; from its shipment when no delivery event came."""
    SHIPMENT = "shipment"


@dataclass(frozen=True, slots=True, kw_only=True)
class FeeRule:
    """A restocking fee: ``percent`` of the returned units' value or a ``fixed`` amount per
    return (one of them, or neither)."""

    percent: Decimal | None = None
    fixed: Money | None = None

    @property
    def charges(self) -> bool:
        return bool(self.percent) or (self.fixed is not None and self.fixed.amount > 0)


NO_FEE = FeeRule()


@dataclass(frozen=True, slots=True, kw_only=True)
class ReasonRule:
    fee: bool = True
    """Whether the restocking fee applies to lines returned for this reason."""
    keep_item_under: Money | None = None
    """Below this unit value the customer keeps the item: nothing needs to come back."""
    auto_approve: bool | None = None
    """Overrides the policy's ``auto_approve`` for this reason when set."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductRule:
    returnable: bool = True
    window_days: int | None = None
    restocking_fee: FeeRule | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnPolicy:
    currency: str
    """The channel's currency: fixed fees and thresholds are amounts in it."""
    window_days: int = DEFAULT_WINDOW_DAYS
    window_from: WindowStart = WindowStart.DELIVERY
    restocking_fee: FeeRule = NO_FEE
    return_shipping_paid_by: ShippingPayer = ShippingPayer.CUSTOMER
    refund_original_shipping: bool = False
    auto_approve: bool = False
    instant_exchange: bool = False
    reasons: Mapping[ReturnReason, ReasonRule] = field(default_factory=dict)
    products: Mapping[str, ProductRule] = field(default_factory=dict)
    version: int = 0

    @classmethod
    def default(cls, currency: str) -> ReturnPolicy:
        """The policy of a channel that never set one."""
        return cls(currency=currency, reasons={ReturnReason.DAMAGED: ReasonRule(fee=False)})

    # -- reading the rules -------------------------------------------------------------------

    def product_rule(self, sku: str, product: str | None = None) -> ProductRule:
        """The override for a SKU, else for its product (handle), else none."""
        return self.products.get(sku) or self.products.get(product or "") or ProductRule()

    def reason_rule(self, reason: ReturnReason | str) -> ReasonRule:
        return self.reasons.get(ReturnReason(reason)) or ReasonRule()

    def window_for(self, sku: str, product: str | None = None) -> int:
        """Days the SKU may be returned in."""
        override = self.product_rule(sku, product).window_days
        return self.window_days if override is None else override

    def window_closes_at(
        self, started_at: datetime, sku: str, product: str | None = None
    ) -> datetime:
        return started_at + timedelta(days=self.window_for(sku, product))

    def fee_for(self, sku: str, reason: ReturnReason | str, product: str | None = None) -> FeeRule:
        """The restocking fee of a line: none when its reason waives it, else the product's
        override, else the policy's."""
        if not self.reason_rule(reason).fee:
            return NO_FEE
        return self.product_rule(sku, product).restocking_fee or self.restocking_fee

    def auto_approves(self, reasons: Iterable[ReturnReason]) -> bool:
        """Approved at once when every line's reason is (its rule, else the policy's switch)."""
        found = list(reasons)
        return bool(found) and all(self._auto_approves(reason) for reason in found)

    def _auto_approves(self, reason: ReturnReason) -> bool:
        override = self.reason_rule(reason).auto_approve
        return self.auto_approve if override is None else override

    # -- the document ------------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        """The policy as JSON-ready values (amounts as decimal strings)."""
        return {
            "window_days": self.window_days,
            "window_from": self.window_from.value,
            "restocking_fee": _fee_document(self.restocking_fee),
            "return_shipping_paid_by": self.return_shipping_paid_by.value,
            "refund_original_shipping": self.refund_original_shipping,
            "auto_approve": self.auto_approve,
            "instant_exchange": self.instant_exchange,
            "reasons": {
                reason.value: {
                    "fee": rule.fee,
                    "keep_item_under": _amount(rule.keep_item_under),
                    "auto_approve": rule.auto_approve,
                }
                for reason, rule in self.reasons.items()
            },
            "products": {
                key: {
                    "returnable": rule.returnable,
                    "window_days": rule.window_days,
                    "restocking_fee": None
                    if rule.restocking_fee is None
                    else _fee_document(rule.restocking_fee),
                }
                for key, rule in self.products.items()
            },
        }

    @classmethod
    def parse(cls, document: Mapping[str, Any], *, currency: str, version: int) -> ReturnPolicy:
        """The policy a document describes, or ``ReturnPolicyInvalid`` naming every bad field
        (the shape was checked at the edge; here: ranges, amounts, one fee kind)."""
        reader = _Reader(currency)
        default = cls.default(currency)
        policy = cls(
            currency=currency,
            window_days=reader.days(
                document.get("window_days", DEFAULT_WINDOW_DAYS), "window_days"
            ),
            window_from=WindowStart(document.get("window_from", "delivery")),
            restocking_fee=reader.fee(document.get("restocking_fee"), "restocking_fee") or NO_FEE,
            return_shipping_paid_by=ShippingPayer(
                document.get("return_shipping_paid_by", "customer")
            ),
            refund_original_shipping=bool(document.get("refund_original_shipping", False)),
            auto_approve=bool(document.get("auto_approve", False)),
            instant_exchange=bool(document.get("instant_exchange", False)),
            reasons=reader.reasons(document.get("reasons"), default.reasons),
            products=reader.products(document.get("products") or {}),
            version=version,
        )
        if reader.problems:
            raise ReturnPolicyInvalid(reader.problems)
        return policy


class _Reader:
    """Reads parts of a policy document, collecting problems instead of stopping at the first."""

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self.problems: list[FieldProblem] = []

    def days(self, value: Any, path: str) -> int:
        if not isinstance(value, int) or not 0 <= value <= MAX_WINDOW_DAYS:
            self.problems.append(FieldProblem(path, f"must be 0 to {MAX_WINDOW_DAYS} days"))
            return 0
        return value

    def amount(self, value: Any, path: str) -> Money | None:
        if value is None:
            return None
        try:
            amount = Decimal(str(value))
            places = -int(amount.as_tuple().exponent)
            if amount < 0 or not in_range(amount, self.currency):
                raise InvalidOperation
            if places > exponent(self.currency):
                self.problems.append(
                    FieldProblem(path, f"has more decimal places than {self.currency} allows")
                )
                return None
            return Money.of(amount, self.currency)
        except (InvalidOperation, ValueError, ArithmeticError):
            self.problems.append(
                FieldProblem(path, f"must be a non-negative amount in {self.currency}")
            )
            return None

    def fee(self, value: Any, path: str) -> FeeRule | None:
        if not value:
            return None
        percent, fixed = value.get("percent"), value.get("fixed")
        if percent is not None and fixed is not None:
            self.problems.append(FieldProblem(path, "give a percent or a fixed fee, not both"))
            return None
        if percent is not None:
            try:
                share = Decimal(str(percent))
                if not 0 <= share <= 100:
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                self.problems.append(FieldProblem(f"{path}.percent", "must be 0 to 100"))
                return None
            return FeeRule(percent=share)
        return FeeRule(fixed=self.amount(fixed, f"{path}.fixed"))

    def reasons(
        self, value: Mapping[str, Any] | None, default: Mapping[ReturnReason, ReasonRule]
    ) -> dict[ReturnReason, ReasonRule]:
        if value is None:
            return dict(default)
        rules: dict[ReturnReason, ReasonRule] = {}
        for name, rule in value.items():
            if name not in {r.value for r in RETURN_REASONS}:
                known = ", ".join(r.value for r in RETURN_REASONS)
                self.problems.append(FieldProblem(f"reasons.{name}", f"not a reason ({known})"))
                continue
            rules[ReturnReason(name)] = ReasonRule(
                fee=bool(rule.get("fee", True)),
                keep_item_under=self.amount(
                    rule.get("keep_item_under"), f"reasons.{name}.keep_item_under"
                ),
                auto_approve=rule.get("auto_approve"),
            )
        return rules

    def products(self, value: Mapping[str, Any]) -> dict[str, ProductRule]:
        rules: dict[str, ProductRule] = {}
        for key, rule in value.items():
            path = f"products.{key}"
            window = rule.get("window_days")
            rules[key] = ProductRule(
                returnable=bool(rule.get("returnable", True)),
                window_days=None if window is None else self.days(window, f"{path}.window_days"),
                restocking_fee=self.fee(rule.get("restocking_fee"), f"{path}.restocking_fee"),
            )
        return rules


def _amount(value: Money | None) -> str | None:
    return None if value is None else str(value.amount)


def _fee_document(fee: FeeRule) -> dict[str, str | None]:
    return {
        "percent": None if fee.percent is None else str(fee.percent),
        "fixed": _amount(fee.fixed),
    }
