"""The parcel label oms prints for karrio's generic carrier: 4x6 inches, sender, recipient,
service, package count and weight, and the tracking number as Code 128 and as text."""

from __future__ import annotations

from html import escape

from oms.fulfilment.providers.carriers import LabelRequest
from oms.fulfilment.views.barcodes import code128_svg
from oms.fulfilment.views.pdf import render_pdf, template
from oms.shared.address import Address


def address_lines(address: Address) -> str:
    """The address as escaped lines (the page keeps the line breaks)."""
    city = " ".join(part for part in (address.postal_code, address.city) if part)
    parts = (
        address.name,
        address.company,
        address.line1,
        address.line2,
        city,
        address.region,
        address.country,
    )
    return "\n".join(escape(part) for part in parts if part)


def print_label(request: LabelRequest, carrier: str, service: str, tracking_number: str) -> bytes:
    """The label of one package as PDF."""
    html = template("label.html").substitute(
        carrier=escape(carrier),
        service=escape(service),
        shipper=address_lines(request.shipper),
        recipient=address_lines(request.recipient),
        package_index=request.package_index,
        package_count=request.package_count,
        weight=f"{request.weight_grams / 1000:.2f} kg",
        reference=escape(request.reference),
        order_number=escape(request.order_number),
        barcode=code128_svg(tracking_number),
        tracking_number=escape(tracking_number),
    )
    return render_pdf(html)
