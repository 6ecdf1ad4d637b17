"""The words printed on a document, in each of its five languages.

A small catalogue in code rather than gettext files: about thirty labels, reviewed together,
and a missing translation is a test failure (``tests/unit/test_invoicing_documents.py`` checks
that every language has every label and none is a copy of the English). ``$date`` in a label
(``${date}`` where letters follow it) is filled in by the renderer.

German uses "Rechnungskorrektur" for a credit note: in German VAT law a "Gutschrift" is a
self-billed invoice, a different document.
"""

from __future__ import annotations

from string import Template
from typing import Final

LABELS: Final[dict[str, dict[str, str]]] = {
    "invoice": {
        "en": "Invoice",
        "de": "Rechnung",
        "fr": "Facture",
        "es": "Factura",
        "zh": "发票",
    },
    "credit_note": {
        "en": "Credit note",
        "de": "Rechnungskorrektur",
        "fr": "Avoir",
        "es": "Factura rectificativa",
        "zh": "贷项通知单",
    },
    "number": {"en": "Number", "de": "Nummer", "fr": "Numéro", "es": "Número", "zh": "编号"},
    "issued_on": {
        "en": "Date of issue",
        "de": "Ausstellungsdatum",
        "fr": "Date d'émission",
        "es": "Fecha de emisión",
        "zh": "开具日期",
    },
    "order": {"en": "Order", "de": "Bestellung", "fr": "Commande", "es": "Pedido", "zh": "订单"},
    "ordered_on": {
        "en": "Order date",
        "de": "Bestelldatum",
        "fr": "Date de commande",
        "es": "Fecha del pedido",
        "zh": "下单日期",
    },
    "corrects": {
        "en": "Corrects invoice",
        "de": "Korrektur zur Rechnung",
        "fr": "Se rapporte à la facture",
        "es": "Rectifica la factura",
        "zh": "对应发票",
    },
    "seller": {"en": "Seller", "de": "Verkäufer", "fr": "Vendeur", "es": "Vendedor", "zh": "卖方"},
    "buyer": {
        "en": "Bill to",
        "de": "Rechnungsempfänger",
        "fr": "Facturé à",
        "es": "Facturar a",
        "zh": "买方",
    },
    "item": {"en": "Item", "de": "Artikel", "fr": "Article", "es": "Artículo", "zh": "商品"},
    "sku": {"en": "SKU", "de": "Art.-Nr.", "fr": "Réf.", "es": "Ref.", "zh": "货号"},
    "quantity": {"en": "Qty", "de": "Menge", "fr": "Qté", "es": "Cant.", "zh": "数量"},
    "unit_price": {
        "en": "Unit price",
        "de": "Einzelpreis",
        "fr": "Prix unitaire",
        "es": "Precio unitario",
        "zh": "单价",
    },
    "discount": {
        "en": "Discount",
        "de": "Rabatt",
        "fr": "Remise",
        "es": "Descuento",
        "zh": "折扣",
    },
    "tax_rate": {
        "en": "Tax rate",
        "de": "Steuersatz",
        "fr": "Taux de TVA",
        "es": "Tipo impositivo",
        "zh": "税率",
    },
    "line_total": {"en": "Amount", "de": "Betrag", "fr": "Montant", "es": "Importe", "zh": "金额"},
    "shipping": {
        "en": "Shipping",
        "de": "Versand",
        "fr": "Livraison",
        "es": "Envío",
        "zh": "运费",
    },
    "refund": {
        "en": "Refund",
        "de": "Erstattung",
        "fr": "Remboursement",
        "es": "Reembolso",
        "zh": "退款",
    },
    "tax_breakdown": {
        "en": "Tax breakdown",
        "de": "Steueraufstellung",
        "fr": "Détail de la TVA",
        "es": "Desglose de impuestos",
        "zh": "税额明细",
    },
    "net": {"en": "Net", "de": "Netto", "fr": "HT", "es": "Base imponible", "zh": "不含税金额"},
    "tax": {"en": "Tax", "de": "Steuer", "fr": "TVA", "es": "Impuesto", "zh": "税额"},
    "gross": {"en": "Gross", "de": "Brutto", "fr": "TTC", "es": "Total", "zh": "含税金额"},
    "net_total": {
        "en": "Total excluding tax",
        "de": "Summe netto",
        "fr": "Total HT",
        "es": "Total sin impuestos",
        "zh": "不含税合计",
    },
    "tax_total": {
        "en": "Total tax",
        "de": "Summe Steuer",
        "fr": "Total TVA",
        "es": "Total impuestos",
        "zh": "税额合计",
    },
    "total": {
        "en": "Total",
        "de": "Gesamtbetrag",
        "fr": "Total TTC",
        "es": "Importe total",
        "zh": "总计",
    },
    "prices_include_tax": {
        "en": "Unit prices include tax.",
        "de": "Einzelpreise inklusive Umsatzsteuer.",
        "fr": "Prix unitaires TTC.",
        "es": "Precios unitarios con impuestos incluidos.",
        "zh": "单价含税。",
    },
    "prices_exclude_tax": {
        "en": "Unit prices exclude tax.",
        "de": "Einzelpreise zuzüglich Umsatzsteuer.",
        "fr": "Prix unitaires HT.",
        "es": "Precios unitarios sin impuestos.",
        "zh": "单价不含税。",
    },
    "paid": {
        "en": "Payment received, thank you.",
        "de": "Betrag dankend erhalten.",
        "fr": "Paiement reçu, merci.",
        "es": "Pago recibido, gracias.",
        "zh": "款项已收到，谢谢。",
    },
    "due": {
        "en": "Please pay by $date.",
        "de": "Zahlbar bis zum $date.",
        "fr": "À régler au plus tard le $date.",
        "es": "Pagadera antes del $date.",
        "zh": "请于${date}前付款。",
    },
    "refunded": {
        "en": "The amount is refunded to the original means of payment.",
        "de": "Der Betrag wird auf das ursprüngliche Zahlungsmittel erstattet.",
        "fr": "Le montant est remboursé sur le moyen de paiement d'origine.",
        "es": "El importe se reembolsa al medio de pago original.",
        "zh": "款项将退回原支付方式。",
    },
}
"""Label key -> language -> text."""


def label(key: str, language: str, **values: str) -> str:
    """The label in ``language`` (English for a language without a catalogue), with ``values``
    put in for its ``$placeholders``."""
    texts = LABELS[key]
    text = texts.get(language, texts["en"])
    return Template(text).substitute(values) if values else text
