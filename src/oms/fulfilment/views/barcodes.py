"""Code 128 barcodes as inline SVG, for the PDFs (labels, pick lists, packing slips).

python-barcode's SVG writer draws vector bars, so the barcode scans at any print size and the
PDF stays a few KB; the human-readable value is printed by the page, not by the writer.
"""

from __future__ import annotations

import io


def code128_svg(value: str) -> str:
    """``value`` as a Code 128 barcode: an ``<svg>`` element to put inline in HTML."""
    from barcode import Code128  # type: ignore[import-untyped]
    from barcode.writer import SVGWriter  # type: ignore[import-untyped]

    out = io.BytesIO()
    Code128(value, writer=SVGWriter()).write(
        out, options={"module_height": 15.0, "quiet_zone": 2.0, "write_text": False}
    )
    svg = out.getvalue().decode("utf-8")
    svg = svg[svg.index("<svg") :]  # no XML prolog or DOCTYPE inside HTML
    # The writer colours bars with CSS (style="fill:..."), which WeasyPrint's SVG does not
    # read as such; the presentation attribute draws the same and warns of nothing.
    for colour in ("black", "white"):
        for css in (f'style="fill:{colour};"', f'style="fill:{colour}"'):
            svg = svg.replace(css, f'fill="{colour}"')
    return svg
