"""E-mails to a restaurant's owner: recorded by the event handler, sent by the dispatcher."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import structlog

from pos_kit.clock import utcnow
from pos_kit.db import Database
from pos_kit.pagination import PageRequest, Slice
from pos_kit.uow import UnitOfWork
from pos_notification.adapters import metrics
from pos_notification.adapters.mailer import MailNotSent, SmtpMailer
from pos_notification.adapters.repositories import EmailDeliveryRepository, TenantContactRepository
from pos_notification.domain.deliveries import AttemptOutcome, DeliveryProgress, DeliveryStatus
from pos_notification.domain.emails import (
    STOCK_LOW,
    EmailDelivery,
    StockLow,
    TenantContact,
    stock_low_email,
)
from pos_notification.use_cases.deliveries import RetryPolicy

log = structlog.get_logger(__name__)

NO_RECIPIENT = "no e-mail address is known for this restaurant's owner yet"


@dataclass
class EmailNotices:
    # Wakes the dispatcher once a new e-mail is committed.
    nudge: Callable[[], None]

    async def remember_contact(self, uow: UnitOfWork, *, contact: TenantContact) -> None:
        await TenantContactRepository(uow.session).save(contact, utcnow())

    async def notify_stock_low(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, stock: StockLow, event_id: str
    ) -> None:
        """Record an e-mail to the owner; the dispatcher sends it after the commit."""
        contact = await TenantContactRepository(uow.session).get(tenant_id)
        now = utcnow()
        email = EmailDelivery(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            kind=STOCK_LOW,
            event_id=event_id,
            recipient=contact.owner_email if contact else None,
            content=stock_low_email(stock=stock, contact=contact),
            progress=DeliveryProgress.new(now),
            created_at=now,
        )
        if await EmailDeliveryRepository(uow.session).add(email):
            uow.on_commit(self.nudge)

    async def list_page(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, page: PageRequest
    ) -> Slice[EmailDelivery]:
        return await EmailDeliveryRepository(uow.session).list_page(tenant_id=tenant_id, page=page)


class EmailSends:
    """Sends due e-mails over SMTP, outside any event's transaction, with retries."""

    def __init__(
        self,
        database: Database,
        *,
        mailer: SmtpMailer,
        retry: RetryPolicy,
        batch_size: int,
        lease: timedelta,
    ) -> None:
        self.database = database
        self.mailer = mailer
        self.retry = retry
        self.batch_size = batch_size
        self.lease = lease

    async def send_due(self) -> int:
        now = utcnow()
        async with self.database.unit_of_work() as uow:
            due = await EmailDeliveryRepository(uow.session).claim_due(
                now=now, limit=self.batch_size, lease_until=now + self.lease
            )
            contacts = TenantContactRepository(uow.session)
            # tenant.registered may have arrived after the e-mail was recorded.
            recipients = [e.recipient or await _owner_email(contacts, e.tenant_id) for e in due]
        if not due:
            return 0
        results = await asyncio.gather(
            *(self._send(e, to) for e, to in zip(due, recipients, strict=True)),
            return_exceptions=True,
        )
        async with self.database.unit_of_work() as uow:
            emails = EmailDeliveryRepository(uow.session)
            for email, to, result in zip(due, recipients, results, strict=True):
                if isinstance(result, BaseException):
                    log.error("email_send_crashed", email_id=str(email.id), exc_info=result)
                    result = AttemptOutcome.refused("internal error while sending")
                outcome = result
                progress = await emails.progress(email.id)
                if progress is None:  # pragma: no cover - e-mails are never deleted
                    continue
                progress.record(
                    outcome,
                    now=utcnow(),
                    max_attempts=self.retry.max_attempts,
                    retry_in=self.retry.retry_in(progress.attempts + 1),
                )
                await emails.save_progress(email.id, progress, recipient=to)
                label = {DeliveryStatus.DELIVERED: "delivered", DeliveryStatus.FAILED: "failed"}
                metrics.EMAIL_ATTEMPTS.labels(label.get(progress.status, "retry")).inc()
                log.info(
                    "email_attempted",
                    tenant_id=str(email.tenant_id),
                    email_id=str(email.id),
                    kind=email.kind,
                    status=progress.status.value,
                    attempts=progress.attempts,
                    error=outcome.error,
                )
        return len(due)

    async def _send(self, email: EmailDelivery, to: str | None) -> AttemptOutcome:
        if to is None:
            return AttemptOutcome.refused(NO_RECIPIENT)
        try:
            await self.mailer.send(
                to=to,
                subject=email.content.subject,
                body=email.content.body,
                reference=str(email.id),
            )
        except MailNotSent as exc:
            return AttemptOutcome.refused(str(exc))
        return AttemptOutcome.accepted()


async def _owner_email(contacts: TenantContactRepository, tenant_id: uuid.UUID) -> str | None:
    contact = await contacts.get(tenant_id)
    return contact.owner_email if contact else None
