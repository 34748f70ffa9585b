"""E-mails to a restaurant's owner: recorded by the event handler, sent by the dispatcher."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import structlog

from pos_kit.clock import utcnow
from pos_kit.pagination import PageRequest, Slice
from pos_kit.uow import UnitOfWork
from pos_notification.adapters import metrics
from pos_notification.adapters.mailer import MailNotSent, SmtpMailer
from pos_notification.adapters.repositories import EmailDeliveryRepository, TenantContactRepository
from pos_notification.domain.deliveries import AttemptOutcome, DeliveryProgress
from pos_notification.domain.emails import (
    STOCK_LOW,
    EmailDelivery,
    StockLow,
    TenantContact,
    stock_low_email,
)
from pos_notification.use_cases.deliveries import DueSends, outcome_label

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


@dataclass(frozen=True)
class _DueEmail:
    email: EmailDelivery
    to: str | None


@dataclass(kw_only=True)
class EmailSends(DueSends[_DueEmail]):
    """Sends due e-mails over SMTP."""

    mailer: SmtpMailer

    async def _claim(
        self, uow: UnitOfWork, *, now: datetime, lease_until: datetime
    ) -> list[_DueEmail]:
        due = await EmailDeliveryRepository(uow.session).claim_due(
            now=now, limit=self.batch_size, lease_until=lease_until
        )
        contacts = TenantContactRepository(uow.session)
        # tenant.registered may have arrived after the e-mail was recorded.
        return [_DueEmail(e, e.recipient or await _owner_email(contacts, e.tenant_id)) for e in due]

    async def _attempt(self, due: _DueEmail) -> AttemptOutcome:
        if due.to is None:
            return AttemptOutcome.refused(NO_RECIPIENT)
        email = due.email
        try:
            await self.mailer.send(
                to=due.to,
                subject=email.content.subject,
                body=email.content.body,
                reference=str(email.id),
            )
        except MailNotSent as exc:
            return AttemptOutcome.refused(str(exc))
        return AttemptOutcome.accepted()

    def _crashed(self, due: _DueEmail, error: BaseException) -> None:
        log.error("email_send_crashed", email_id=str(due.email.id), exc_info=error)

    async def _count(self, uow: UnitOfWork, due: _DueEmail, outcome: AttemptOutcome) -> None:
        email = due.email
        emails = EmailDeliveryRepository(uow.session)
        progress = await emails.progress(email.id)
        if progress is None:  # pragma: no cover - e-mails are never deleted
            return
        self.retry.record(progress, outcome)
        await emails.save_progress(email.id, progress, recipient=due.to)
        metrics.EMAIL_ATTEMPTS.labels(outcome_label(progress.status)).inc()
        log.info(
            "email_attempted",
            tenant_id=str(email.tenant_id),
            email_id=str(email.id),
            kind=email.kind,
            status=progress.status.value,
            attempts=progress.attempts,
            error=outcome.error,
        )


async def _owner_email(contacts: TenantContactRepository, tenant_id: uuid.UUID) -> str | None:
    contact = await contacts.get(tenant_id)
    return contact.owner_email if contact else None
