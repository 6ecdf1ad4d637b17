"""The pick list, the packing slip and the return slip as PDF (A4): the order number (on a
return slip the RMA) as Code 128 at the top, the gift message (if any) boxed at the bottom, every
value escaped here."""

from __future__ import annotations

from html import escape

from oms.fulfilment.domain.documents import PackingSlip, PickList, ReturnSlip
from oms.fulfilment.views.barcodes import code128_svg
from oms.fulfilment.views.labels import address_lines
from oms.fulfilment.views.pdf import render_pdf, stylesheet, template


def _gift(message: str | None) -> str:
    if not message:
        return ""
    return f'<h2>Gift message</h2><div class="gift">{escape(message)}</div>'


def pick_list_pdf(picks: PickList) -> bytes:
    rows = "\n".join(
        "<tr>"
        '<td class="check"><span></span></td>'
        f"<td>{escape(line.bin or '')}</td>"
        f"<td>{escape(line.sku)}</td>"
        f"<td>{escape(line.name)}</td>"
        f'<td class="units">{line.quantity}</td>'
        "</tr>"
        for line in picks.lines
    )
    html = template("pick_list.html").substitute(
        style=stylesheet(),
        number=escape(picks.number),
        order_number=escape(picks.order_number),
        location=escape(picks.location),
        ship_by=picks.ship_by.strftime("%Y-%m-%d %H:%M UTC"),
        delivery=escape(picks.delivery),
        barcode=code128_svg(picks.order_number),
        rows=rows,
        gift=_gift(picks.gift_message),
    )
    return render_pdf(html)


def packing_slip_pdf(slip: PackingSlip) -> bytes:
    rows = "\n".join(
        "<tr>"
        f"<td>{escape(line.sku)}</td>"
        f"<td>{escape(line.name)}</td>"
        f'<td class="units">{line.quantity}</td>'
        "</tr>"
        for line in slip.lines
    )
    html = template("packing_slip.html").substitute(
        style=stylesheet(),
        number=escape(slip.number),
        order_number=escape(slip.order_number),
        ordered_on=slip.ordered_at.date().isoformat(),
        location=escape(slip.location),
        barcode=code128_svg(slip.order_number),
        ship_to=address_lines(slip.ship_to),
        rows=rows,
        gift=_gift(slip.gift_message),
    )
    return render_pdf(html)


def return_slip_pdf(slip: ReturnSlip) -> bytes:
    """The return slip: the RMA as Code 128, where to send the parcel, what goes in it."""
    rows = "\n".join(
        "<tr>"
        f"<td>{escape(line.sku)}</td>"
        f"<td>{escape(line.name)}</td>"
        f'<td class="units">{line.quantity}</td>'
        "</tr>"
        for line in slip.lines
    )
    sender = (
        ""
        if slip.sender is None
        else f'<h2>From</h2><div class="address">{address_lines(slip.sender)}</div>'
    )
    html = template("return_slip.html").substitute(
        style=stylesheet(),
        rma=escape(slip.rma),
        order_number=escape(slip.order_number),
        issued_on=slip.issued_on.isoformat(),
        barcode=code128_svg(slip.rma),
        send_to=address_lines(slip.send_to),
        sender=sender,
        rows=rows,
    )
    return render_pdf(html)
