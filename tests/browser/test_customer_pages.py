"""The customer's own pages (/track) in a real browser, in German: look an order up, follow its
parcels and invoices, ask for a return and follow it; a wrong pair is refused; English on request.

Records: only the demo's delivered orders (``live.summary.delivered``, placed by
``oms.app.demo.returns``); other flows deliver their own orders. The return is asked for the
"recent" one (inside the 30-day window), on its hoodie line; nothing else asks for that line.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from oms import orders
from oms.returns.services.customer import order_returns
from tests.browser.conftest import Live, Shots

HOODIE = "NW-HOD-NAV-M"
EURO = re.compile(r"\d+,\d{2}\s€")  # German money: "12,50 €" (a no-break space before €)


def delivered(live: Live, name: str) -> tuple[str, str]:
    found = next(d for d in live.summary.delivered if d.name == name)
    return found.number, found.email


def test_a_customer_follows_an_order_and_asks_for_a_return_in_german(
    page: Page, live: Live, shots: Shots, csp_errors: list[str]
) -> None:
    number, email = delivered(live, "recent")  # inside the return window
    page.goto(f"{live.url}/track?lang=de")
    expect(page.get_by_role("heading", name="Bestellung verfolgen")).to_be_visible()
    shots("lookup form")
    page.get_by_label("Bestellnummer").fill(number)
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_role("button", name="Meine Bestellung finden").click()

    expect(page.get_by_role("heading", name=f"Bestellung {number}", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    for heading in ("Status", "Artikel", "Lieferung", "Rechnungen", "Rücksendungen"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    items = page.get_by_role("table").first
    expect(items.get_by_role("cell", name=EURO).first).to_be_visible()
    expect(items).not_to_contain_text("€1")  # not the English "€12.50"
    history = page.get_by_role("table", name="Sendungsverlauf").first
    expect(history).to_be_visible()
    expect(history.get_by_role("cell", name="Zugestellt").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Rechnung .+\(PDF\)"))).not_to_have_count(0)
    shots("order page")

    page.get_by_role("button", name="Artikel zurücksenden").click()
    expect(
        page.get_by_role("heading", name=f"Artikel der Bestellung {number} zurücksenden")
    ).to_be_visible()
    order = orders.lookup_order(number, email, uow=live.uow())
    hoodie = next(line for line in order.lines if line.sku == HOODIE)
    shots("return form")
    page.get_by_label(f"Wie viele von {hoodie.name}").select_option("1")
    page.get_by_label(f"Warum Sie {hoodie.name} zurücksenden").select_option(label="Falsche Größe")
    page.get_by_label("Guthaben für meine nächste Bestellung").check()
    page.get_by_label("Möchten Sie uns noch etwas mitteilen?").fill("Bitte eine Nummer größer.")
    page.get_by_role("button", name="Rücksendung anfragen").click()

    expect(page).to_have_url(re.compile(rf"/track/{number}\?.*done=return"))
    expect(page.get_by_role("status")).to_contain_text("Ihre Rücksendeanfrage wurde gesendet")
    returns_section = page.get_by_role("region", name="Rücksendungen")
    expect(returns_section).to_contain_text(HOODIE)
    expect(returns_section).to_contain_text("Falsche Größe")
    expect(returns_section.get_by_role("listitem").filter(has_text="Genehmigt")).to_have_count(1)
    shots("return requested")

    asked = [r for r in order_returns(order, uow=live.uow()) if r.lines[0].sku == HOODIE]
    assert len(asked) == 1
    (made,) = asked
    assert [(line.sku, line.quantity, line.reason.value) for line in made.lines] == [
        (HOODIE, 1, "wrong_size")
    ]
    assert made.status.value == "approved"  # the demo's web policy approves without a person
    assert made.note is not None
    assert made.note.startswith("Customer prefers: store credit")

    page.get_by_label("Sprache").select_option("en")
    expect(page.get_by_role("heading", name=f"Order {number}", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Returns", exact=True)).to_be_visible()
    shots("order page in english")


def test_a_wrong_number_and_email_pair_is_refused_in_german(
    page: Page, live: Live, shots: Shots, csp_errors: list[str]
) -> None:
    number, _ = delivered(live, "long ago")  # the real number with somebody else's email
    page.goto(f"{live.url}/track?lang=de")
    page.get_by_label("Bestellnummer").fill(number)
    page.get_by_label("E-Mail-Adresse").fill("jemand.anderes@example.com")
    page.get_by_role("button", name="Meine Bestellung finden").click()
    expect(page.get_by_role("alert")).to_have_text(
        re.compile("Wir konnten keine Bestellung mit dieser Nummer und E-Mail-Adresse finden")
    )
    expect(page.get_by_label("Bestellnummer")).to_have_value(number)
    expect(page.get_by_label("E-Mail-Adresse")).to_have_value("jemand.anderes@example.com")
    shots("not found")
    page.get_by_label("Sprache").select_option("en")
    expect(page.get_by_role("heading", name="Track your order")).to_be_visible()
    expect(page.get_by_label("Order number")).to_be_visible()
    shots("lookup in english")
