"""The fulfilment desk's forms read into the commands the API's routes build: the ship form's
packages (weight, sizes, units per line, a tracking number or a label to buy), with the same
bounds as the API's schema, every wrong field named at once.

Field names follow the API's error paths (``packages.0.weight_grams``), except that a
package's units are named by line (``packages.0.line.<line id>``): the form has one box per
line, the API a list; ``field_of`` turns the API's list positions back into those boxes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from starlette.datastructures import FormData

from oms.console.shell.forms import FormErrors, optional, text
from oms.fulfilment.domain.fulfilment_orders import FulfilmentOrder, RejectReason
from oms.fulfilment.domain.shipments import Package
from oms.shared.errors import FieldProblem, Invalid

MAX_PACKAGES = 10
SIZES = ("length_mm", "width_mm", "height_mm")
BOUNDS = {"weight_grams": 1_000_000, "length_mm": 10_000, "width_mm": 10_000, "height_mm": 10_000}
UNITS_BOUND = 100_000
LIST_POSITION = re.compile(r"^packages\.(\d+)\.lines\.(\d+)\.(quantity|line_id)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class PackedForm:
    """The ship form as the service takes it, and each package's lines in the order the
    service numbers them (to name the box an error is about)."""

    packages: tuple[Package, ...]
    tracking_numbers: tuple[str | None, ...]
    carrier: str | None
    service: str | None
    line_order: tuple[tuple[UUID, ...], ...]


def package_count(raw: str | None) -> int:
    """How many packages the form shows (1 to ``MAX_PACKAGES``; anything else: 1)."""
    try:
        count = int(raw or "1")
    except ValueError:
        return 1
    return min(max(count, 1), MAX_PACKAGES)


def _whole(
    form: FormData, name: str, problems: list[FieldProblem], *, bound: int, required: bool = False
) -> int | None:
    raw = text(form, name)
    if not raw:
        if required:
            problems.append(FieldProblem(name, "required"))
        return None
    try:
        value = int(raw)
    except ValueError:
        problems.append(FieldProblem(name, "must be a whole number"))
        return None
    if value > bound:
        problems.append(FieldProblem(name, f"must be at most {bound:,}"))
        return None
    return value


def read_packages(form: FormData, fo: FulfilmentOrder, carriers: frozenset[str]) -> PackedForm:
    """The packages typed into the ship form; ``Invalid`` naming every wrong field."""
    problems: list[FieldProblem] = []
    carrier, service = optional(form, "carrier"), optional(form, "service")
    if carrier is not None and carrier not in carriers:
        problems.append(FieldProblem("carrier", f"{carrier} is not a carrier installed here"))
    if service is not None and len(service) > 60:
        problems.append(FieldProblem("service", "at most 60 characters"))
    packages, numbers, order = [], [], []
    for index in range(package_count(text(form, "packages"))):
        path = f"packages.{index}"
        weight = _whole(
            form, f"{path}.weight_grams", problems, bound=BOUNDS["weight_grams"], required=True
        )
        sizes = {n: _whole(form, f"{path}.{n}", problems, bound=BOUNDS[n]) for n in SIZES}
        units: dict[UUID, int] = {}
        for line in fo.lines:
            if line.open > 0:
                count = _whole(form, f"{path}.line.{line.line_id}", problems, bound=UNITS_BOUND)
                if count:
                    units[line.line_id] = count
        number = optional(form, f"{path}.tracking_number")
        if number is not None and len(number) > 60:
            problems.append(FieldProblem(f"{path}.tracking_number", "at most 60 characters"))
        packages.append(Package(weight_grams=weight or 1, lines=units, **sizes))
        numbers.append(number)
        order.append(tuple(units))
    if problems:
        raise Invalid("the packages are not valid", problems=problems)
    return PackedForm(
        packages=tuple(packages),
        tracking_numbers=tuple(numbers),
        carrier=carrier,
        service=service,
        line_order=tuple(order),
    )


def field_of(errors: FormErrors, packed: PackedForm | None) -> FormErrors:
    """The service's error paths (``packages.0.lines.1.quantity``) as the form's boxes
    (``packages.0.line.<line id>``); a package without units is named at its first box."""
    if packed is None:
        return errors
    fields: dict[str, str] = {}
    for path, message in errors.fields.items():
        name = path
        found = LIST_POSITION.match(path)
        if found:
            package, position = int(found.group(1)), int(found.group(2))
            lines = packed.line_order[package] if package < len(packed.line_order) else ()
            if position < len(lines):
                name = f"packages.{package}.line.{lines[position]}"
        elif path.endswith(".lines"):
            name = path.removesuffix(".lines") + ".units"
        fields.setdefault(name, message)
    return FormErrors(errors.message, fields, errors.code)


def read_reason(form: FormData) -> tuple[RejectReason, str | None]:
    """A rejection's reason (one of the context's) and its note (at most 500 characters)."""
    raw, note = text(form, "reason"), optional(form, "note")
    problems = []
    reason = None
    try:
        reason = RejectReason(raw)
    except ValueError:
        problems.append(FieldProblem("reason", "choose a reason" if not raw else "not a reason"))
    if note is not None and len(note) > 500:
        problems.append(FieldProblem("note", "at most 500 characters"))
    if problems or reason is None:
        raise Invalid("the rejection is not valid", problems=problems)
    return reason, note


def read_code(form: FormData) -> str:
    """The pickup code the customer gives: 6 digits."""
    code = text(form, "code").replace(" ", "")
    if not code:
        raise Invalid("type the customer's pickup code", field="code")
    if not (code.isdigit() and len(code) == 6):
        raise Invalid("a pickup code is 6 digits", field="code")
    return code
