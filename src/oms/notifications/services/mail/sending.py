"""Sending queued mail: the worker's mail loop and ``oms notifications send-due``.

A pass claims a batch of due messages with a lease (``locked_until``, a fencing token) in one
short transaction, then tries each one (``attempts.Sender``) with no transaction open while it
composes or talks to the mail server. Several workers share the queue: on PostgreSQL the claim
skips rows another worker is claiming (``FOR UPDATE SKIP LOCKED``), on SQLite claims take turns
(``BEGIN IMMEDIATE``). A worker that dies mid-batch leaves its rows leased; they are due again
when the lease runs out, so a mail is sent at least once (the same Message-ID every time).

The loop never runs inside the outbox relay: a slow or unreachable mail server delays mail
only. It sends batch after batch while there is work, then waits ``OMS_MAIL_INTERVAL_SECONDS``;
while the relay is behind it sends one batch per interval and leaves the process to the relay
(``MailLoop``).
"""

from __future__ import annotations

import threading
from datetime import timedelta

import structlog
from sqlalchemy import Engine

from oms.notifications.domain.messages import Message
from oms.notifications.repository.mail import MESSAGES
from oms.notifications.repository.mail_backlog import RELAY_BACKLOG
from oms.notifications.services.mail.attempts import Sender
from oms.notifications.services.mail.transports import build_transport
from oms.notifications.views import MailTemplates
from oms.platform.background import Loop
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import Clock
from oms.shared.ids import new_id

log = structlog.get_logger("oms.notifications.mail")

BATCH = 10
"""Messages claimed at once: few, so that a lease covers what one worker does in a pass."""
MARGIN = timedelta(seconds=30)
"""A lease's allowance per message beyond the mail server's timeouts (composing, writing)."""
THREAD = "mail-sender"
RELAY_LAG = timedelta(seconds=2)
"""How far behind the relay may be (its oldest event not fanned out) before mail gives way."""


def lease_for(batch: int, smtp_timeout: float) -> timedelta:
    """How long a batch stays claimed: per message, three server timeouts (connect, the
    exchange, QUIT) and the margin. A worker still busy after that loses the rest to others."""
    return batch * (3 * timedelta(seconds=smtp_timeout) + MARGIN)


def send_due(
    sender: Sender, *, limit: int = BATCH, lease: timedelta | None = None
) -> list[Message]:
    """Claim up to ``limit`` due messages and try each once; the claimed messages, each as
    its attempt left it (one whose outcome could not be recorded is as claimed: it waits for
    its lease to run out). ``lease`` defaults to the one the deployment's SMTP timeout gives."""
    claim = new_id()
    with sender.uow.begin() as tx:
        claimed = tx.repo(MESSAGES).claim_due(
            now=tx.now,
            lease=lease or lease_for(limit, Settings().smtp_timeout_seconds),
            limit=limit,
            claim=claim,
        )
    tried = []
    try:
        for message in claimed:
            try:
                tried.append(sender.attempt(message, claim))
            except Exception:  # nothing recorded: tried again when the lease runs out
                log.exception("mail_outcome_unrecorded", message=str(message.id))
                tried.append(message)
    finally:
        sender.transport.close()
    return tried


def send_all_due(sender: Sender, *, lease: timedelta | None = None) -> list[Message]:
    """Send batch after batch until nothing is due; every message tried."""
    tried: list[Message] = []
    while True:
        claimed = send_due(sender, lease=lease)
        tried.extend(claimed)
        if len(claimed) < BATCH:
            return tried


def relay_behind(uow: UnitOfWork, *, lag: timedelta) -> bool:
    """Whether the outbox relay has events older than ``lag`` still to fan out."""
    with uow.read() as tx:
        oldest = tx.repo(RELAY_BACKLOG).oldest_unpublished_at()
        return oldest is not None and tx.now - oldest > lag


class MailLoop:
    """The worker's mail loop (``mail_loops``); templates are loaded on its first pass.

    It sends batch after batch while there is work, except while the relay is behind by more
    than ``lag`` (``repository.mail_backlog`` says why): then one batch per interval."""

    def __init__(self, engine: Engine, settings: Settings, clock: Clock) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self._sender: Sender | None = None

    def sender(self) -> Sender:
        if self._sender is None:
            self._sender = Sender(
                uow=UnitOfWork(self.engine, self.clock),
                transport=build_transport(self.settings),
                templates=MailTemplates.load(self.settings.templates_directory),
                mail_from=self.settings.mail_from,
            )
        return self._sender

    def run_until(self, stop: threading.Event, interval: float) -> None:
        lease = lease_for(BATCH, self.settings.smtp_timeout_seconds)
        lag = max(RELAY_LAG, 4 * timedelta(seconds=self.settings.relay_interval_seconds))
        while not stop.is_set():
            try:
                sender = self.sender()
                if relay_behind(sender.uow, lag=lag):
                    tried = len(send_due(sender, lease=lease))
                else:
                    tried = len(send_all_due(sender, lease=lease))
            except Exception:
                log.exception("mail_pass_failed")
                tried = 0
            if tried:
                log.info("mail_pass", tried=tried)
            stop.wait(interval)


def mail_loops(engine: Engine, settings: Settings, clock: Clock) -> list[tuple[str, Loop, float]]:
    """The background loops that send customer mail: (thread name, loop, interval)."""
    return [(THREAD, MailLoop(engine, settings, clock), settings.mail_interval_seconds)]
