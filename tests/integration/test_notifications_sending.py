"""Sending shared by workers, on SQLite and PostgreSQL: two senders running at once each send
their own share and no mail twice; a worker that died holding a lease leaves its mail for the
next worker once the lease ran out, and cannot record an outcome over that worker's; the
worker's loop writes ``.eml`` files when no SMTP server is set; a broken merchant template
holds mail until it is mended, and an unexpected error defers mail like a temporary failure."""

from __future__ import annotations

import email
import email.policy
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from oms.app import tasks
from oms.notifications.domain.mail import ComposedMail
from oms.notifications.providers.mail_folder import MailFolder
from oms.notifications.repository.mail import MESSAGES
from oms.notifications.services.mail.attempts import Sender
from oms.notifications.services.mail.sending import mail_loops, relay_behind, send_all_due
from oms.notifications.views import MailTemplates
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import FixedClock
from oms.shared.ids import new_id
from tests.integration.test_notifications_smtp import place, rows, shop

__all__ = ["shop"]

MAIL_FROM = "Northwind <shop@northwind.example>"


def folder_sender(engine: Engine, folder: Path, clock: FixedClock | None = None) -> Sender:
    return Sender(
        uow=UnitOfWork(engine, clock),
        transport=MailFolder(folder),
        templates=MailTemplates.load(None),
        mail_from=MAIL_FROM,
    )


def message_ids(folder: Path) -> list[str]:
    found = []
    for path in folder.glob("*.eml"):
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        found.append(str(parsed["Message-ID"]))
    return found


def test_two_workers_at_once_send_every_mail_exactly_once(
    engine: Engine, shop: UnitOfWork, tmp_path: Path
) -> None:
    for _ in range(24):
        place(shop)
    tasks.relay(engine).drain()
    folders = [tmp_path / "one", tmp_path / "two"]
    start = threading.Barrier(2)

    def work(folder: Path) -> int:
        start.wait()
        return len(send_all_due(folder_sender(engine, folder)))

    with ThreadPoolExecutor(2) as pool:
        tried = list(pool.map(work, folders))

    sent = message_ids(folders[0]) + message_ids(folders[1])
    assert sum(tried) == 24
    assert sorted(sent) == sorted(r.message_id for r in rows(engine))
    assert len(set(sent)) == 24
    assert {(r.status, r.attempts) for r in rows(engine)} == {("sent", 1)}


def test_a_dead_workers_mail_goes_out_once_its_lease_ran_out(
    engine: Engine, shop: UnitOfWork, tmp_path: Path
) -> None:
    place(shop)
    tasks.relay(engine).drain()
    dead = new_id()
    with shop.begin() as tx:
        (claimed,) = tx.repo(MESSAGES).claim_due(
            now=tx.now, lease=timedelta(minutes=5), limit=10, claim=dead
        )

    while_leased = send_all_due(folder_sender(engine, tmp_path / "early"))
    later = FixedClock(shop.clock.now() + timedelta(minutes=5, seconds=1))
    after_lease = send_all_due(folder_sender(engine, tmp_path / "mail", later))
    claimed.sent(subject="from the dead worker", at=shop.clock.now())
    with shop.begin() as tx:
        recorded = tx.repo(MESSAGES).record(claimed, claim=dead)

    assert while_leased == []
    assert [m.status.value for m in after_lease] == ["sent"]
    assert len(message_ids(tmp_path / "mail")) == 1
    assert recorded is False
    (row,) = rows(engine)
    assert (row.status, row.attempts, row.locked_until, row.claim) == ("sent", 1, None, None)
    assert row.subject != "from the dead worker"


def test_the_workers_mail_loop_writes_eml_files_without_an_smtp_server(
    engine: Engine, shop: UnitOfWork, tmp_path: Path
) -> None:
    place(shop, locale="de")
    tasks.relay(engine).drain()
    settings = Settings(mail_directory=str(tmp_path / "mail"), mail_from=MAIL_FROM)
    ((name, loop, interval),) = mail_loops(engine, settings, shop.clock)
    stop = threading.Event()
    worker = threading.Thread(target=loop.run_until, args=(stop, 0.01))
    worker.start()
    try:
        for _ in range(1000):  # a bound so that a loop that never sends fails, not hangs
            if rows(engine)[0].status != "queued":
                break
            stop.wait(0.01)
    finally:
        stop.set()
        worker.join()

    assert (name, interval) == ("mail-sender", settings.mail_interval_seconds)
    (written,) = (tmp_path / "mail").glob("*.eml")
    mail = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert mail["Message-ID"] == rows(engine)[0].message_id
    assert "Bestellung" in mail["Subject"]


def test_a_broken_merchant_template_holds_the_mail_until_it_is_mended(
    engine: Engine, shop: UnitOfWork, tmp_path: Path
) -> None:
    overrides = tmp_path / "templates" / "mail"
    overrides.mkdir(parents=True)
    broken = overrides / "order_confirmation.txt"
    broken.write_text("{% block subject %}Order {{ order.number }{% endblock %}\n")
    place(shop)
    tasks.relay(engine).drain()
    sender = Sender(
        uow=UnitOfWork(engine),
        transport=MailFolder(tmp_path / "mail"),
        templates=MailTemplates.load(str(tmp_path / "templates")),
        mail_from=MAIL_FROM,
    )

    (held,) = send_all_due(sender)
    broken.unlink()
    later = FixedClock(shop.clock.now() + timedelta(minutes=2))
    (sent,) = send_all_due(replace(sender, uow=UnitOfWork(engine, later)))

    assert (held.status.value, held.attempts) == ("queued", 1)
    assert "order_confirmation.txt" in (held.last_error or "")
    assert (sent.status.value, sent.attempts) == ("sent", 2)
    assert len(message_ids(tmp_path / "mail")) == 1


def test_an_unexpected_error_defers_the_mail_and_a_day_of_them_fails_it(
    engine: Engine, shop: UnitOfWork, tmp_path: Path
) -> None:
    """A fault injected where the mail is written (a bug in a new template helper, say)."""

    def failing(request: object, **_: object) -> ComposedMail:
        raise RuntimeError("a bug")

    order = place(shop)
    tasks.relay(engine).drain()
    sender = replace(folder_sender(engine, tmp_path / "mail"), compose=failing)

    (first,) = send_all_due(sender)
    while rows(engine)[0].status == "queued":
        due = FixedClock(rows(engine)[0].next_attempt_at + timedelta(seconds=1))
        send_all_due(replace(sender, uow=UnitOfWork(engine, due)))

    assert (first.status.value, first.last_error) == (
        "queued",
        "cannot compose: RuntimeError: a bug",
    )
    (failed,) = rows(engine)
    assert (failed.status, failed.attempts) == ("failed", 12)
    assert list((tmp_path / "mail").glob("*.eml")) == []
    assert failed.order_number == order.number


def test_mail_gives_way_while_the_relay_is_behind(engine: Engine, shop: UnitOfWork) -> None:
    place(shop)
    tasks.relay(engine).drain()
    lag = timedelta(seconds=2)
    much_later = UnitOfWork(engine, FixedClock(shop.clock.now() + timedelta(seconds=10)))
    caught_up = relay_behind(much_later, lag=lag)

    place(shop)

    assert caught_up is False
    assert relay_behind(UnitOfWork(engine), lag=lag) is False  # it just happened
    assert relay_behind(much_later, lag=lag) is True
