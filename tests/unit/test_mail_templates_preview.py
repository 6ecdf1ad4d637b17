"""``oms notifications preview KIND`` without a database: the built-in sample of any kind in
any language, to the terminal or to a file a mail client opens; an unknown kind, locale or
file type is one readable line naming what is valid, exit code 2."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oms.notifications.cli import notifications_app
from oms.notifications.domain.kinds import NotificationKind

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A sample needs no database: the configured one does not exist."""
    monkeypatch.setenv("OMS_DATABASE_URL", f"sqlite:///{tmp_path}/nowhere/oms.db")
    monkeypatch.delenv("OMS_TEMPLATES_DIRECTORY", raising=False)


def test_a_sample_prints_its_subject_and_text_in_the_asked_language() -> None:
    result = runner.invoke(notifications_app, ["preview", "order_shipped", "--locale", "de"])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Subject: Ihre Bestellung SO-10001 ist unterwegs\n\n")
    assert "Sendung verfolgen:" in result.stdout


def test_without_a_locale_the_sample_is_in_english() -> None:
    result = runner.invoke(notifications_app, ["preview", "review_request"])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Subject: How was your order SO-10001?\n")


def test_a_sample_written_to_an_eml_file_opens_as_a_mail(tmp_path: Path) -> None:
    target = tmp_path / "pickup.eml"

    result = runner.invoke(
        notifications_app, ["preview", "ready_for_pickup", "--locale", "zh_CN", "-o", str(target)]
    )

    assert result.exit_code == 0, result.output
    mail = message_from_bytes(target.read_bytes(), policy=policy.default)
    assert isinstance(mail, EmailMessage)
    assert mail["Subject"] == "您的订单 SO-10001 已可取货"
    assert mail["Content-Language"] == "zh-Hans-CN"
    assert mail["From"] == "Northwind Outfitters <orders@localhost>"
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert "您的取货码：K7M2QX" in text.get_content()
    assert "K7M2QX" in html.get_content()


@pytest.mark.parametrize(
    ("suffix", "expected"), [(".html", "<!DOCTYPE html>"), (".txt", "Subject: ")]
)
def test_a_sample_written_to_an_html_or_text_file(
    tmp_path: Path, suffix: str, expected: str
) -> None:
    target = tmp_path / f"confirmation{suffix}"

    result = runner.invoke(notifications_app, ["preview", "order_confirmation", "-o", str(target)])

    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith(expected)


def test_an_unknown_kind_is_refused_naming_every_kind() -> None:
    result = runner.invoke(notifications_app, ["preview", "order_cancelled"])

    assert result.exit_code == 2
    assert "unknown kind 'order_cancelled'" in result.stderr
    for kind in NotificationKind:
        assert kind.value in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("locale", ["pt_BR", "klingon"])
def test_an_unknown_locale_is_refused_naming_the_languages(locale: str) -> None:
    result = runner.invoke(notifications_app, ["preview", "order_shipped", "--locale", locale])

    assert result.exit_code == 2
    assert f"unknown locale '{locale}'" in result.stderr
    assert "en, de, fr, es, zh" in result.stderr


def test_an_output_file_of_another_type_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(
        notifications_app, ["preview", "order_shipped", "-o", str(tmp_path / "mail.pdf")]
    )

    assert result.exit_code == 2
    assert "--output must end in .eml, .html, .txt" in result.stderr


def test_the_merchants_templates_are_previewed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "order_delivered.txt").write_text(
        '{% extends "mail/base.txt" %}{% block subject %}Delivered!{% endblock %}'
        "{% block content %}Enjoy, {{ customer_name }}.{% endblock %}"
    )
    monkeypatch.setenv("OMS_TEMPLATES_DIRECTORY", str(tmp_path))

    result = runner.invoke(notifications_app, ["preview", "order_delivered"])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Subject: Delivered!\n\nEnjoy, Grace Hopper.\n")


def test_a_broken_merchant_template_is_one_readable_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "order_delivered.html").write_text("{% for %}")
    monkeypatch.setenv("OMS_TEMPLATES_DIRECTORY", str(tmp_path))

    result = runner.invoke(notifications_app, ["preview", "order_delivered"])

    assert result.exit_code == 2
    assert "mail template mail/order_delivered.html" in result.stderr
    assert "Traceback" not in result.output
