"""The mail templates render every kind in every language, as mail clients need it (tables,
inline styles), formatted by Babel in the mail's locale; a merchant's folder overrides them
file by file; a broken template says which file and why."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.settings import MailSettings
from oms.notifications.views import MailTemplates, TemplateBroken
from oms.notifications.views.catalogues import LANGUAGES
from oms.notifications.views.content import Brand
from oms.notifications.views.samples import sample_content
from oms.notifications.views.templates import BUILT_IN_DIRECTORY
from oms.shared.errors import Invalid

K = NotificationKind
TEMPLATES = MailTemplates.load(None)


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of <style> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def parsed(html: str) -> Elements:
    elements = Elements()
    elements.feed(html)
    return elements


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(K))
def test_every_kind_renders_in_every_language(kind: NotificationKind, language: str) -> None:
    subject, html, text = TEMPLATES.render(sample_content(kind, language))

    assert subject
    assert "\n" not in subject
    for part in (subject, html, text):
        assert "%(" not in part
        assert "{{" not in part
        assert "{%" not in part
    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{language}">' in html
    title = re.search(r"<title>(.*?)</title>", html)
    assert title is not None
    assert unescape(title.group(1)) == subject
    assert "SO-10001" in text
    assert "\n-- \n" in text


@pytest.mark.parametrize("kind", list(K))
def test_the_css_is_inlined_and_only_the_media_query_stays_in_a_style_element(
    kind: NotificationKind,
) -> None:
    _, html, _ = TEMPLATES.render(sample_content(kind, "de"))
    elements = parsed(html)

    assert all(style.strip().startswith("@media") for style in elements.styles)
    cells = [attrs for tag, attrs in elements.tags if tag == "td"]
    assert cells
    assert all("font-family" in (attrs.get("style") or "") for attrs in cells)
    tables = [attrs for tag, attrs in elements.tags if tag == "table"]
    assert all(attrs.get("role") == "presentation" for attrs in tables)
    assert not [attrs for tag, attrs in elements.tags if tag in ("link", "script")]


def test_money_and_dates_are_written_the_readers_way() -> None:
    german = TEMPLATES.render(sample_content(K.ORDER_CONFIRMATION, "de_DE"))[2]
    chinese = TEMPLATES.render(sample_content(K.ORDER_CONFIRMATION, "zh_CN"))[2]
    french = TEMPLATES.render(sample_content(K.ORDER_CONFIRMATION, "fr_FR"))[2]
    swiss = TEMPLATES.render(sample_content(K.ORDER_CONFIRMATION, "de_CH"))[2]

    assert "Gesamtsumme: 103,70\xa0€" in german
    assert "vom 3. Dezember 2026" in german
    assert "合计：€103.70" in chinese
    assert "您于2026年12月3日提交" in chinese
    assert "Total\xa0: 103,70\xa0€" in french
    assert "du 3 décembre 2026" in french
    assert "Gesamtsumme: EUR\xa0103.70" in swiss


def test_a_locale_in_another_language_gets_english_written_the_english_way() -> None:
    subject, _, text = TEMPLATES.render(sample_content(K.ORDER_CONFIRMATION, "pt_BR"))

    assert subject == "Your order SO-10001 is confirmed"
    assert "of December 3, 2026" in text
    assert "Total: €103.70" in text


def test_the_address_is_laid_out_for_its_country_and_names_it_in_the_readers_language() -> None:
    text = TEMPLATES.render(sample_content(K.ORDER_CONFIRMATION, "fr"))[2]

    assert "  Invalidenstr. 1\n  10115 Berlin\n  Allemagne\n" in text


def test_the_brand_colour_and_logo_come_from_the_channel() -> None:
    settings = MailSettings(
        channel="web",
        sender_name="Northwind",
        brand_colour="#aa3300",
        logo_url="https://cdn.example.com/logo.png",
    )
    content = replace(
        sample_content(K.ORDER_SHIPPED, "en"), brand=Brand.of(settings, fallback_name="x")
    )

    _, html, _ = TEMPLATES.render(content)

    [logo] = [attrs for tag, attrs in parsed(html).tags if tag == "img"]
    assert logo["src"] == "https://cdn.example.com/logo.png"
    assert logo["alt"] == "Northwind"
    assert "background-color: #aa3300" in html


def test_a_colour_that_is_not_hex_and_a_logo_that_is_not_https_are_not_trusted() -> None:
    settings = MailSettings(
        channel="web",
        brand_colour="red;} body {display:none",
        logo_url="http://cdn.example.com/logo.png",
    )

    brand = Brand.of(settings, fallback_name="Web shop")

    assert brand == Brand(name="Web shop", colour="#1f4e79", logo_url=None)


def test_what_the_customer_wrote_is_escaped_in_html_and_plain_in_text() -> None:
    content = replace(sample_content(K.ORDER_CONFIRMATION, "en"), customer_name="<b>Ada</b> & Co")

    _, html, text = TEMPLATES.render(content)

    assert "Hello &lt;b&gt;Ada&lt;/b&gt; &amp; Co," in html
    assert "<b>Ada" not in html
    assert "Hello <b>Ada</b> & Co," in text


def test_a_mail_without_a_customer_name_greets_without_one() -> None:
    content = replace(sample_content(K.ORDER_DELIVERED, "es"), customer_name="")

    text = TEMPLATES.render(content)[2]

    assert "\nHola:\n" in text


def test_a_merchants_folder_overrides_a_template_and_keeps_the_others(tmp_path: Path) -> None:
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "order_confirmation.txt").write_text(
        '{% extends "mail/base.txt" %}\n'
        "{% block subject %}{{ _('Thank you for your order') }} ({{ order.number }})"
        "{% endblock %}\n"
        "{% block content %}Our own words for {{ customer_name }}.{% endblock %}\n"
    )
    templates = MailTemplates.load(str(tmp_path))

    subject, html, text = templates.render(sample_content(K.ORDER_CONFIRMATION, "de"))

    assert subject == "Vielen Dank für Ihre Bestellung (SO-10001)"
    assert text.startswith("Our own words for Grace Hopper.\n")
    assert "Zwischensumme" in html  # the built-in HTML template
    assert templates.overridden() == ["mail/order_confirmation.txt"]
    assert TEMPLATES.render(sample_content(K.ORDER_CONFIRMATION, "de"))[0] != subject


def test_a_broken_override_names_its_file(tmp_path: Path) -> None:
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "order_shipped.html").write_text("{% if %}")
    templates = MailTemplates.load(str(tmp_path))

    with pytest.raises(TemplateBroken, match=r"mail/order_shipped\.html"):
        templates.render(sample_content(K.ORDER_SHIPPED, "en"))


def test_a_text_template_without_a_subject_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "review_request.txt").write_text("Hello {{ customer_name }}")
    templates = MailTemplates.load(str(tmp_path))

    with pytest.raises(TemplateBroken, match=re.escape("no {% block subject %}")):
        templates.render(sample_content(K.REVIEW_REQUEST, "en"))


def test_a_templates_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Invalid, match="is not a folder"):
        MailTemplates.load(str(tmp_path / "missing"))


def test_every_kind_has_its_html_and_text_templates_and_no_template_is_unused() -> None:
    files = {p.name for p in (BUILT_IN_DIRECTORY / "mail").iterdir()}
    shared = {"base.html", "base.txt", "macros.html", "macros.txt"}

    expected = {f"{kind.value}.{suffix}" for kind in K for suffix in ("html", "txt")}

    assert files - shared == expected


def test_the_text_part_has_no_runs_of_blank_lines_or_trailing_spaces_but_the_signature() -> None:
    for kind in K:
        text = TEMPLATES.render(sample_content(kind, "zh"))[2]
        assert "\n\n\n" not in text
        lines = [line for line in text.split("\n") if line != "-- "]
        assert not [line for line in lines if re.search(r"[ \t]$", line)]


def test_a_return_whose_goods_the_customer_keeps_asks_for_nothing_back() -> None:
    sample = sample_content(K.RETURN_APPROVED, "de")
    assert sample.return_ is not None
    kept = replace(sample.return_, label=None, send_to=None, items_kept=True)

    text = TEMPLATES.render(replace(sample, return_=kept))[2]

    assert "Sie müssen nichts zurückschicken: Bitte behalten Sie die Artikel." in text
    assert "Zurückzusendende Artikel" not in text
    assert "Anhang" not in text


def test_an_exchange_is_called_one() -> None:
    sample = sample_content(K.RETURN_APPROVED, "fr")
    assert sample.return_ is not None
    exchange = replace(sample.return_, exchange=True)

    subject, _, text = TEMPLATES.render(replace(sample, return_=exchange))

    assert subject == "Votre échange RMA-001001 a été accepté"
    assert "nous nous occuperons de votre échange" in text


def test_a_refund_to_store_credit_says_where_the_money_went() -> None:
    sample = sample_content(K.REFUND_ISSUED, "es")
    assert sample.refund is not None
    to_credit = replace(sample.refund, to_store_credit=True, credit_note=None)

    text = TEMPLATES.render(replace(sample, refund=to_credit))[2]

    assert "como saldo en la tienda" in text
    assert "factura rectificativa" not in text
