"""A channel's return policy as a form: the policy's document (what ``PUT
/v1/channels/{code}/return-policy`` takes) written into fields and read back from them.

The form has the policy's switches, one row per return reason (fee waived or not, keep the item
under a value, auto-approval) and one row per product override (SKU or product handle) plus a
few blank rows to add one. Amounts stay as typed: the policy's own parser checks them in the
channel's currency and names each bad one, and ``rename`` puts its message next to the input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from oms.console.pages.settings.fields import FormReader
from oms.returns.domain.policy import MAX_WINDOW_DAYS, ReturnPolicy, WindowStart
from oms.returns.domain.values import RETURN_REASONS, ShippingPayer

BLANK_PRODUCT_ROWS = 3
MAX_PRODUCT_ROWS = 1000
FEE_KINDS = ("none", "percent", "fixed")
APPROVALS = ("", "yes", "no")
"""A reason's auto-approval: as the policy says (blank), always, never."""


def _fee_fields(fee: Mapping[str, Any] | None) -> tuple[str, str]:
    if fee and fee.get("percent") is not None:
        return "percent", str(fee["percent"])
    if fee and fee.get("fixed") is not None:
        return "fixed", str(fee["fixed"])
    return "none", ""


def values_of(policy: ReturnPolicy) -> dict[str, Any]:
    """The policy written into the form's fields."""
    document = policy.document()
    fee_kind, fee_value = _fee_fields(document["restocking_fee"])
    values: dict[str, Any] = {
        "window_days": str(document["window_days"]),
        "window_from": document["window_from"],
        "fee_kind": fee_kind,
        "fee_value": fee_value,
        "return_shipping_paid_by": document["return_shipping_paid_by"],
        "refund_original_shipping": document["refund_original_shipping"],
        "auto_approve": document["auto_approve"],
        "instant_exchange": document["instant_exchange"],
        "version": policy.version,
    }
    for reason in RETURN_REASONS:
        rule = document["reasons"].get(reason.value)
        at = f"reasons.{reason.value}"
        values[f"{at}.fee"] = True if rule is None else rule["fee"]
        values[f"{at}.keep_item_under"] = (rule or {}).get("keep_item_under") or ""
        approve = (rule or {}).get("auto_approve")
        values[f"{at}.auto_approve"] = "" if approve is None else ("yes" if approve else "no")
    products = sorted(document["products"].items())
    for index, (key, rule) in enumerate(products):
        at = f"products.{index}"
        kind, value = _fee_fields(rule["restocking_fee"])
        values[f"{at}.key"] = key
        values[f"{at}.returnable"] = rule["returnable"]
        window = rule["window_days"]
        values[f"{at}.window_days"] = "" if window is None else str(window)
        values[f"{at}.fee_kind"] = kind
        values[f"{at}.fee_value"] = value
    return _with_blank_rows(values, len(products))


def _with_blank_rows(values: dict[str, Any], filled: int) -> dict[str, Any]:
    for index in range(filled, filled + BLANK_PRODUCT_ROWS):
        values[f"products.{index}.returnable"] = True
        values[f"products.{index}.fee_kind"] = "none"
    values["product_rows"] = filled + BLANK_PRODUCT_ROWS
    return values


def _fee(read: FormReader, kind_field: str, value_field: str) -> dict[str, str] | None:
    kind = read.text(kind_field) or "none"
    value = read.text(value_field)
    if kind not in FEE_KINDS:
        read.problem(kind_field, "must be none, percent or fixed")
        return None
    if kind == "none":
        return None
    if not value:
        read.problem(value_field, "enter the fee (a percent or an amount)")
        return None
    return {kind: value}


def read_policy(read: FormReader) -> tuple[dict[str, Any], Callable[[str], str]]:
    """The policy document the form describes, and the ``rename`` from the document's field
    paths to the form's inputs. Problems of the form itself are left in ``read``."""
    document: dict[str, Any] = {
        "window_days": read.whole("window_days", minimum=0, maximum=MAX_WINDOW_DAYS, required=True),
        "window_from": read.choice("window_from", WindowStart, default=WindowStart.DELIVERY),
        "restocking_fee": _fee(read, "fee_kind", "fee_value"),
        "return_shipping_paid_by": read.choice(
            "return_shipping_paid_by", ShippingPayer, default=ShippingPayer.CUSTOMER
        ),
        "refund_original_shipping": read.flag("refund_original_shipping"),
        "auto_approve": read.flag("auto_approve"),
        "instant_exchange": read.flag("instant_exchange"),
        "reasons": _reasons(read),
    }
    document["window_from"] = str(document["window_from"])
    document["return_shipping_paid_by"] = str(document["return_shipping_paid_by"])
    products, rows = _products(read)
    document["products"] = products
    return document, _rename(rows)


def _reasons(read: FormReader) -> dict[str, Any]:
    rules: dict[str, Any] = {}
    for reason in RETURN_REASONS:
        at = f"reasons.{reason.value}"
        approve = read.text(f"{at}.auto_approve")
        if approve not in APPROVALS:
            read.problem(f"{at}.auto_approve", "must be blank, yes or no")
        rules[reason.value] = {
            "fee": read.flag(f"{at}.fee"),
            "keep_item_under": read.optional(f"{at}.keep_item_under"),
            "auto_approve": None if approve not in ("yes", "no") else approve == "yes",
        }
    return rules


def _products(read: FormReader) -> tuple[dict[str, Any], dict[str, int]]:
    """The overrides by key, and each key's row (for messages)."""
    count = read.whole("product_rows", minimum=0, maximum=MAX_PRODUCT_ROWS + BLANK_PRODUCT_ROWS)
    products: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for index in range(count or 0):
        at = f"products.{index}"
        key = read.text(f"{at}.key", max_length=200)
        rule = {
            "returnable": read.flag(f"{at}.returnable"),
            "window_days": read.whole(f"{at}.window_days", minimum=0, maximum=MAX_WINDOW_DAYS),
            "restocking_fee": _fee(read, f"{at}.fee_kind", f"{at}.fee_value"),
        }
        if not key:
            continue
        if key in products:
            read.problem(f"{at}.key", f"{key} has a row already")
            continue
        products[key] = rule
        rows[key] = index
    if len(products) > MAX_PRODUCT_ROWS:
        read.problem("products", f"at most {MAX_PRODUCT_ROWS} product overrides")
    return products, rows


def _rename(rows: Mapping[str, int]) -> Callable[[str], str]:
    keys = sorted(rows, key=len, reverse=True)

    def rename(field: str) -> str:
        if field.startswith("restocking_fee"):
            return "fee_value"
        if field.startswith("products."):
            for key in keys:
                prefix = f"products.{key}."
                if field.startswith(prefix):
                    rest = field[len(prefix) :]
                    name = "fee_value" if rest.startswith("restocking_fee") else rest
                    return f"products.{rows[key]}.{name}"
        return field

    return rename


def typed_values(read: FormReader) -> dict[str, Any]:
    """What was typed, with the row count kept so every typed row is shown again."""
    values = dict(read.values)
    values.setdefault("product_rows", BLANK_PRODUCT_ROWS)
    return values
