"""SMTP with TLS and a login, on SQLite and PostgreSQL, against ``aiosmtpd`` servers in this
process with a certificate made for the test (trusted through ``SSL_CERT_FILE``, as a private
CA would be): STARTTLS then login, implicit TLS, a wrong password (the mail waits: the
deployment's to fix), and a certificate nobody vouches for (refused, the mail waits)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from sqlalchemy import Engine

from oms.platform.unit_of_work import UnitOfWork
from tests.integration.test_notifications_smtp import (
    ADA,
    place,
    rows,
    send,
    shop,
    smtp_server,
    smtp_settings,
)

__all__ = ["shop"]

USER, PASSWORD = "northwind", "s3cret-pass"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key (openssl, as Debian ships it)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command makes the test certificate; it is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = (
        f"req -x509 -newkey rsa:2048 -nodes -days 1 -keyout {key} -out {cert} "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
    )
    subprocess.run([openssl, *command.split()], check=True, capture_output=True)
    return cert, key


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


def authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    accepted = (
        isinstance(data, LoginPassword)
        and data.login == USER.encode()
        and data.password == PASSWORD.encode()
    )
    return AuthResult(success=accepted, handled=False)


@pytest.fixture
def trusted(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The test certificate is trusted, as a deployment trusts its private CA."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))


@pytest.mark.usefixtures("trusted")
def test_starttls_then_login_delivers_and_a_wrong_password_holds_the_mail(
    engine: Engine, shop: UnitOfWork, certificate: tuple[Path, Path]
) -> None:
    place(shop)
    options = {
        "tls_context": server_context(certificate),
        "require_starttls": True,
        "auth_required": True,
        "authenticator": authenticator,
    }
    with smtp_server(**options) as box:
        wrong = smtp_settings(
            box.port, smtp_security="starttls", smtp_user=USER, smtp_password="guess"
        )
        right = smtp_settings(
            box.port, smtp_security="starttls", smtp_user=USER, smtp_password=PASSWORD
        )
        send(engine, wrong)
        (held,) = rows(engine)
        send(engine, right, later=held.next_attempt_at - held.created_at)

    assert (held.status, held.attempts) == ("queued", 1)
    assert held.last_error.startswith("the server refused the login: 535")
    (mail,) = box.received
    (sent,) = rows(engine)
    assert (sent.status, sent.attempts, mail["To"]) == ("sent", 2, ADA)


@pytest.mark.usefixtures("trusted")
def test_implicit_tls_delivers(
    engine: Engine, shop: UnitOfWork, certificate: tuple[Path, Path]
) -> None:
    place(shop)
    with smtp_server(ssl_context=server_context(certificate)) as box:
        send(engine, smtp_settings(box.port, smtp_security="tls"))

    (mail,) = box.received
    assert mail["Message-ID"] == rows(engine)[0].message_id


def test_a_certificate_nobody_vouches_for_is_refused_and_the_mail_waits(
    engine: Engine, shop: UnitOfWork, certificate: tuple[Path, Path]
) -> None:
    place(shop)
    with smtp_server(ssl_context=server_context(certificate)) as box:
        send(engine, smtp_settings(box.port, smtp_security="tls"))

    assert box.received == []
    (held,) = rows(engine)
    assert held.status == "queued"
    assert "CERTIFICATE_VERIFY_FAILED" in held.last_error
