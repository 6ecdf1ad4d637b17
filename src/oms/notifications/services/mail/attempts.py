"""One attempt at sending one claimed mail, in three steps, none holding a transaction open
across another's work:

1. *Address and check*: a mail tried for the first time is addressed (``queueing.address``:
   the order's buyer and their locale) and the address stored in a short write; then the skip
   rules, as they stand now: the kind turned off, no marketing consent (or withdrawn while a
   review request waited three days), the address refused by an earlier mail, the customer
   erased. A mail that may not go is skipped, with its reason.
2. *Write and hand over* (no transaction): ``compose_mail`` writes it in the customer's
   language (``NotReady`` while its label or credit note is not there yet, or a merchant's
   template is broken: tried again later; ``MailNotWritable`` when what it is about is gone,
   such as a backorder filled before its delay was mailed: failed with that reason),
   ``build_email`` makes the Internet message, the transport takes it or says why not.
3. *Record* (a write): sent, deferred to its next attempt, failed (and the address remembered
   when the server refused it), or skipped; stored only while this worker's lease holds, and
   put on the order's timeline once final.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol
from uuid import UUID

import structlog

from oms import customers
from oms.notifications.domain.mail import ComposedMail, MailRequest, NotReady
from oms.notifications.domain.messages import (
    Audience,
    DeliveryDeferred,
    DeliveryRefused,
    Message,
    skip_reason,
)
from oms.notifications.domain.settings import MailSettings
from oms.notifications.repository.mail import MESSAGES
from oms.notifications.repository.mail_suppressions import SUPPRESSIONS
from oms.notifications.services.mail.composing import compose_mail
from oms.notifications.services.mail.mime import build_email
from oms.notifications.services.mail.queueing import address, audience_of, channel_settings
from oms.notifications.services.mail.timeline import note_outcome
from oms.notifications.services.mail.transports import MailTransport
from oms.notifications.views import MailNotWritable, MailTemplates, TemplateBroken
from oms.platform.unit_of_work import Transaction, UnitOfWork

log = structlog.get_logger("oms.notifications.mail")


class Composer(Protocol):
    """Writes a mail (``compose_mail``)."""

    def __call__(
        self, request: MailRequest, /, *, uow: UnitOfWork, templates: MailTemplates
    ) -> ComposedMail: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Sender:
    """What sending needs: the database, the transport, the templates and the default From."""

    uow: UnitOfWork
    transport: MailTransport
    templates: MailTemplates
    mail_from: str
    compose: Composer = field(default=compose_mail)

    def attempt(self, message: Message, claim: UUID) -> Message:
        """Try ``message`` once (it is leased to ``claim``); the message as recorded.

        An unexpected error (a bug, the database gone for a moment) defers the message like a
        temporary failure, so that one that always fails ends as failed after a day instead
        of being retried for ever; if even that cannot be recorded, the error propagates and
        the message waits for its lease to run out."""
        before = replace(message)
        try:
            self._attempt(message, claim)
        except Exception as error:
            log.exception("mail_attempt_failed", message=str(message.id))
            before.deferred(f"{type(error).__name__}: {error}", at=self.uow.clock.now())
            self._record(before, claim, address_refused=False)
            return before
        return message

    def _attempt(self, message: Message, claim: UUID) -> None:
        prepared = self._prepare(message, claim)
        if prepared is None:
            log.warning("mail_lease_lost", message=str(message.id))
            return
        settings, audience = prepared
        reason = skip_reason(
            message.kind, audience, settings, requested=message.requested_by is not None
        )
        address_refused = False
        if reason is not None:
            message.skip(reason, at=self.uow.clock.now())
        else:
            address_refused = self._send(message, settings)
        self._record(message, claim, address_refused=address_refused)

    def _prepare(self, message: Message, claim: UUID) -> tuple[MailSettings, Audience] | None:
        """What the skip rules need now. A message tried for the first time is addressed and
        its address stored at once, so that an erasure from then on finds it; None when the
        lease was lost meanwhile."""
        if message.addressed:
            with self.uow.read() as tx:
                erased, consent = True, False
                if message.customer_id is not None:
                    customer = customers.get_customer(message.customer_id, uow=self.uow)
                    erased, consent = customer.erased, customer.marketing_consent
                return self._rules(message, consent=consent, erased=erased, tx=tx)
        with self.uow.begin() as tx:
            who = address(message, uow=self.uow)
            if not tx.repo(MESSAGES).address(message, claim=claim):
                return None
            return self._rules(message, consent=who.marketing_consent, erased=who.erased, tx=tx)

    def _rules(
        self, message: Message, *, consent: bool, erased: bool, tx: Transaction
    ) -> tuple[MailSettings, Audience]:
        settings = channel_settings(message.channel, mail_from=self.mail_from, tx=tx)
        audience = audience_of(message.recipient, consent=consent, erased=erased, tx=tx)
        return settings, audience

    def _send(self, message: Message, settings: MailSettings) -> bool:
        """Write and hand over; True when the server refused the address itself."""
        now = self.uow.clock.now
        request = self._request(message, settings)
        try:
            composed = self.compose(request, uow=self.uow, templates=self.templates)
        except NotReady as error:
            message.deferred(f"not ready: {error}", at=now())
            return False
        except TemplateBroken as error:  # the merchant can mend the template folder meanwhile
            log.warning("mail_template_broken", message=str(message.id), reason=error.reason)
            message.deferred(error.reason, at=now())
            return False
        except MailNotWritable as error:  # what it was about is gone: trying again is in vain
            log.warning("mail_not_writable", message=str(message.id), reason=error.reason)
            message.give_up(error.reason, at=now())
            return False
        except Exception as error:  # a bug must not stop the queue: tried again, logged
            log.exception("mail_compose_failed", message=str(message.id), kind=message.kind)
            message.deferred(f"cannot compose: {type(error).__name__}: {error}", at=now())
            return False
        mail = build_email(message, composed, settings, mail_from=self.mail_from, at=now())
        try:
            self.transport.send(mail)
        except DeliveryRefused as error:
            message.refused(error, at=now())
            return error.recipient
        except DeliveryDeferred as error:
            message.deferred(error.reason, at=now())
        else:
            message.sent(subject=composed.subject, at=now())
        return False

    @staticmethod
    def _request(message: Message, settings: MailSettings) -> MailRequest:
        return MailRequest(
            kind=message.kind,
            order_id=message.order_id,
            customer_id=message.customer_id,
            reference_id=message.reference_id,
            data=message.data,
            locale=message.language,
            settings=settings,
        )

    def _record(self, message: Message, claim: UUID, *, address_refused: bool) -> None:
        with self.uow.begin() as tx:
            if not tx.repo(MESSAGES).record(message, claim=claim):
                log.warning("mail_lease_lost", message=str(message.id))
                return
            if address_refused:
                tx.repo(SUPPRESSIONS).suppress(
                    message.recipient,
                    reason=message.last_error or "",
                    message_id=message.id,
                    at=tx.now,
                )
            if message.done:
                note_outcome(message, uow=self.uow)
