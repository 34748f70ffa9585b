"""All of notification's SQL. Every query on a restaurant's data filters on its tenant.

The exceptions are the dispatcher's and the housekeeping's queries, which work
across tenants by design: they pick due deliveries and expired rows, never
answer a tenant.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Select, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pos_notification.adapters.tables import (
    Base,
    EmailDeliveryRow,
    KitchenFeedPositionRow,
    KitchenFeedRow,
    KitchenTicketRow,
    StreamTicketRow,
    TenantContactRow,
    WebhookDeliveryRow,
    WebhookRow,
)
from pos_notification.domain.deliveries import (
    DeliveryProgress,
    DeliveryStatus,
    WebhookDelivery,
)
from pos_notification.domain.emails import EmailContent, EmailDelivery, TenantContact
from pos_notification.domain.feed import FeedEntry, FeedKind, StreamGrant
from pos_notification.domain.tickets import KitchenTicket, TicketLine, TicketStatus
from pos_notification.domain.webhooks import Webhook

# A page position: (created or placed at, id), the keys lists are ordered by.
Position = tuple[datetime, uuid.UUID]


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount or 0


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def _insert_unless_duplicate(session: AsyncSession, row: Base) -> bool:
    """Insert in a savepoint; False (and the transaction still usable) on a unique clash.

    The row is added inside the savepoint: `begin_nested()` flushes what is pending
    first, and a clash in that flush would break the whole transaction.
    """
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


# Kitchen tickets ------------------------------------------------------------------------


def _line_document(line: TicketLine) -> dict[str, Any]:
    return {
        "product_id": str(line.product_id) if line.product_id else None,
        "name": line.name,
        "quantity": line.quantity,
        "notes": line.notes,
        "modifiers": list(line.modifiers),
    }


def _line(doc: dict[str, Any]) -> TicketLine:
    product_id = doc.get("product_id")
    return TicketLine(
        product_id=uuid.UUID(product_id) if product_id else None,
        name=doc["name"],
        quantity=int(doc["quantity"]),
        notes=doc.get("notes"),
        modifiers=tuple(doc.get("modifiers") or ()),
    )


def _ticket(row: KitchenTicketRow) -> KitchenTicket:
    return KitchenTicket(
        id=row.id,
        tenant_id=row.tenant_id,
        order_id=row.order_id,
        order_type=row.order_type,
        table_id=row.table_id,
        guests=row.guests,
        lines=tuple(_line(doc) for doc in row.lines),
        status=TicketStatus(row.status),
        placed_at=row.placed_at,
        placed_by=row.placed_by,
        created_at=row.created_at,
        bumped_at=row.bumped_at,
        bumped_by=row.bumped_by,
        cancelled_at=row.cancelled_at,
    )


class TicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, ticket: KitchenTicket) -> bool:
        """False when the order already has a ticket (the transaction stays usable)."""
        row = KitchenTicketRow(
            id=ticket.id,
            tenant_id=ticket.tenant_id,
            order_id=ticket.order_id,
            order_type=ticket.order_type,
            table_id=ticket.table_id,
            guests=ticket.guests,
            lines=[_line_document(line) for line in ticket.lines],
            status=ticket.status.value,
            placed_at=ticket.placed_at,
            placed_by=ticket.placed_by,
            created_at=ticket.created_at,
            cancelled_at=ticket.cancelled_at,
        )
        # Two processes may handle two events of one order at once.
        return await _insert_unless_duplicate(self.session, row)

    async def get(self, *, tenant_id: uuid.UUID, ticket_id: uuid.UUID) -> KitchenTicket | None:
        row = await self.session.scalar(
            select(KitchenTicketRow).where(
                KitchenTicketRow.tenant_id == tenant_id, KitchenTicketRow.id == ticket_id
            )
        )
        return _ticket(row) if row else None

    async def for_order(self, *, tenant_id: uuid.UUID, order_id: uuid.UUID) -> KitchenTicket | None:
        row = await self.session.scalar(
            select(KitchenTicketRow).where(
                KitchenTicketRow.tenant_id == tenant_id, KitchenTicketRow.order_id == order_id
            )
        )
        return _ticket(row) if row else None

    async def list_open(
        self, *, tenant_id: uuid.UUID, limit: int, after: Position | None
    ) -> list[KitchenTicket]:
        t = KitchenTicketRow
        query = select(t).where(t.tenant_id == tenant_id, t.status == TicketStatus.OPEN.value)
        if after is not None:
            placed, last_id = after
            query = query.where(
                or_(t.placed_at > placed, (t.placed_at == placed) & (t.id > last_id))
            )
        rows = await self.session.scalars(query.order_by(t.placed_at, t.id).limit(limit))
        return [_ticket(r) for r in rows]

    async def save_status(self, ticket: KitchenTicket, *, was: TicketStatus) -> bool:
        """Write the ticket's new status if it still has status `was`.

        False means another request changed it first (two cooks bumping at once).
        """
        result = await self.session.execute(
            update(KitchenTicketRow)
            .where(
                KitchenTicketRow.tenant_id == ticket.tenant_id,
                KitchenTicketRow.id == ticket.id,
                KitchenTicketRow.status == was.value,
            )
            .values(
                status=ticket.status.value,
                bumped_at=ticket.bumped_at,
                bumped_by=ticket.bumped_by,
                cancelled_at=ticket.cancelled_at,
            )
        )
        return _rowcount(result) == 1


# The kitchen feed -----------------------------------------------------------------------


class FeedRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def append(
        self, *, tenant_id: uuid.UUID, kind: FeedKind, payload: str, now: datetime
    ) -> int:
        """Add an entry with the tenant's next number; returns the number.

        Taking the number locks the tenant's position row until the commit, so a
        tenant's entries commit in number order and a reader that has seen n never
        later finds a smaller number appear behind it.
        """
        insert = postgresql.insert if _dialect(self.session) == "postgresql" else sqlite.insert
        p = KitchenFeedPositionRow
        statement = (
            insert(p)
            .values(tenant_id=tenant_id, last_seq=1)
            .on_conflict_do_update(index_elements=[p.tenant_id], set_={"last_seq": p.last_seq + 1})
            .returning(p.last_seq)
        )
        seq = int((await self.session.execute(statement)).scalar_one())
        self.session.add(
            KitchenFeedRow(
                tenant_id=tenant_id, seq=seq, kind=kind.value, payload=payload, created_at=now
            )
        )
        await self.session.flush()
        return seq

    async def last_seq(self, tenant_id: uuid.UUID) -> int:
        found = await self.session.scalar(
            select(KitchenFeedPositionRow.last_seq).where(
                KitchenFeedPositionRow.tenant_id == tenant_id
            )
        )
        return int(found or 0)

    async def entries_after(
        self, *, tenant_id: uuid.UUID, after: int, limit: int
    ) -> list[FeedEntry]:
        f = KitchenFeedRow
        rows = await self.session.scalars(
            select(f).where(f.tenant_id == tenant_id, f.seq > after).order_by(f.seq).limit(limit)
        )
        return [
            FeedEntry(seq=r.seq, kind=FeedKind(r.kind), payload=r.payload, created_at=r.created_at)
            for r in rows
        ]

    async def purge(self, *, before: datetime) -> int:
        result = await self.session.execute(
            delete(KitchenFeedRow).where(KitchenFeedRow.created_at < before)
        )
        return _rowcount(result)


# Stream tickets -------------------------------------------------------------------------


@dataclass(frozen=True)
class StreamTicketState:
    grant: StreamGrant
    expires_at: datetime
    used_at: datetime | None


class StreamTicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self, *, grant: StreamGrant, ticket_hash: str, now: datetime, expires_at: datetime
    ) -> None:
        self.session.add(
            StreamTicketRow(
                id=uuid.uuid4(),
                tenant_id=uuid.UUID(grant.tenant_id),
                user_id=grant.user_id,
                role=grant.role,
                ticket_hash=ticket_hash,
                created_at=now,
                expires_at=expires_at,
            )
        )
        await self.session.flush()

    async def find(self, ticket_hash: str) -> StreamTicketState | None:
        """The only lookup without a tenant: the ticket is what names the tenant."""
        row = await self.session.scalar(
            select(StreamTicketRow).where(StreamTicketRow.ticket_hash == ticket_hash)
        )
        if row is None:
            return None
        return StreamTicketState(
            grant=StreamGrant(tenant_id=str(row.tenant_id), user_id=row.user_id, role=row.role),
            expires_at=row.expires_at,
            used_at=row.used_at,
        )

    async def use(self, ticket_hash: str, now: datetime) -> bool:
        """Spend the ticket; False if it was spent or expired meanwhile."""
        result = await self.session.execute(
            update(StreamTicketRow)
            .where(
                StreamTicketRow.ticket_hash == ticket_hash,
                StreamTicketRow.used_at.is_(None),
                StreamTicketRow.expires_at > now,
            )
            .values(used_at=now)
        )
        return _rowcount(result) == 1

    async def purge(self, *, before: datetime) -> int:
        result = await self.session.execute(
            delete(StreamTicketRow).where(StreamTicketRow.expires_at < before)
        )
        return _rowcount(result)


# Webhooks -------------------------------------------------------------------------------


def _webhook(row: WebhookRow) -> Webhook:
    return Webhook(
        id=row.id,
        tenant_id=row.tenant_id,
        url=row.url,
        event_types=tuple(row.event_types),
        secret=row.secret,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def _after_newest_first(
    query: Select[Any], created: Any, ident: Any, after: Position | None
) -> Select[Any]:
    if after is None:
        return query.order_by(created.desc(), ident.desc())
    at, last_id = after
    return query.where(or_(created < at, (created == at) & (ident < last_id))).order_by(
        created.desc(), ident.desc()
    )


class WebhookRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, webhook: Webhook) -> None:
        self.session.add(
            WebhookRow(
                id=webhook.id,
                tenant_id=webhook.tenant_id,
                url=webhook.url,
                event_types=list(webhook.event_types),
                secret=webhook.secret,
                created_at=webhook.created_at,
                created_by=webhook.created_by,
            )
        )
        await self.session.flush()

    async def count(self, tenant_id: uuid.UUID) -> int:
        found = await self.session.scalar(
            select(func.count(WebhookRow.id)).where(WebhookRow.tenant_id == tenant_id)
        )
        return int(found or 0)

    async def get(self, *, tenant_id: uuid.UUID, webhook_id: uuid.UUID) -> Webhook | None:
        row = await self.session.scalar(
            select(WebhookRow).where(WebhookRow.tenant_id == tenant_id, WebhookRow.id == webhook_id)
        )
        return _webhook(row) if row else None

    async def all_for(self, tenant_id: uuid.UUID) -> list[Webhook]:
        """A tenant's webhooks (a handful, bounded by settings)."""
        rows = await self.session.scalars(
            select(WebhookRow)
            .where(WebhookRow.tenant_id == tenant_id)
            .order_by(WebhookRow.created_at)
        )
        return [_webhook(r) for r in rows]

    async def list_page(
        self, *, tenant_id: uuid.UUID, limit: int, after: Position | None
    ) -> list[Webhook]:
        query = select(WebhookRow).where(WebhookRow.tenant_id == tenant_id)
        query = _after_newest_first(query, WebhookRow.created_at, WebhookRow.id, after)
        return [_webhook(r) for r in await self.session.scalars(query.limit(limit))]

    async def delete(self, *, tenant_id: uuid.UUID, webhook_id: uuid.UUID) -> bool:
        """Delete the webhook and its deliveries: nothing more is sent to it."""
        await self.session.execute(
            delete(WebhookDeliveryRow).where(
                WebhookDeliveryRow.tenant_id == tenant_id,
                WebhookDeliveryRow.webhook_id == webhook_id,
            )
        )
        result = await self.session.execute(
            delete(WebhookRow).where(WebhookRow.tenant_id == tenant_id, WebhookRow.id == webhook_id)
        )
        return _rowcount(result) == 1


def _progress(row: WebhookDeliveryRow | EmailDeliveryRow) -> DeliveryProgress:
    return DeliveryProgress(
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        last_status_code=row.last_status_code if isinstance(row, WebhookDeliveryRow) else None,
        delivered_at=row.delivered_at,
    )


def _webhook_delivery(row: WebhookDeliveryRow) -> WebhookDelivery:
    return WebhookDelivery(
        id=row.id,
        tenant_id=row.tenant_id,
        webhook_id=row.webhook_id,
        event_id=row.event_id,
        event_type=row.event_type,
        payload=row.payload,
        progress=_progress(row),
        created_at=row.created_at,
    )


@dataclass(frozen=True)
class DueWebhookCall:
    """A claimed delivery with what sending it needs."""

    delivery: WebhookDelivery
    url: str
    secret: str


class WebhookDeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, delivery: WebhookDelivery) -> bool:
        """False if this webhook already has this event (the transaction stays usable)."""
        p = delivery.progress
        row = WebhookDeliveryRow(
            id=delivery.id,
            tenant_id=delivery.tenant_id,
            webhook_id=delivery.webhook_id,
            event_id=delivery.event_id,
            event_type=delivery.event_type,
            payload=delivery.payload,
            status=p.status.value,
            attempts=p.attempts,
            next_attempt_at=p.next_attempt_at,
            created_at=delivery.created_at,
        )
        return await _insert_unless_duplicate(self.session, row)

    async def claim_due(
        self, *, now: datetime, limit: int, lease_until: datetime
    ) -> list[DueWebhookCall]:
        """Take up to `limit` due deliveries, across tenants, for this process.

        On PostgreSQL rows another dispatcher holds are skipped (FOR UPDATE SKIP
        LOCKED); the claim pushes `next_attempt_at` to `lease_until`, so after the
        commit no one else takes them until the lease runs out (a crashed sender).
        """
        d = WebhookDeliveryRow
        rows = (
            await self.session.execute(
                select(d, WebhookRow.url, WebhookRow.secret)
                .join(WebhookRow, WebhookRow.id == d.webhook_id)
                .where(d.status == DeliveryStatus.PENDING.value, d.next_attempt_at <= now)
                .order_by(d.next_attempt_at)
                .limit(limit)
                .with_for_update(skip_locked=True, of=d)
            )
        ).all()
        if not rows:
            return []
        await self.session.execute(
            update(d).where(d.id.in_([r[0].id for r in rows])).values(next_attempt_at=lease_until)
        )
        return [DueWebhookCall(_webhook_delivery(row), url, secret) for row, url, secret in rows]

    async def progress(self, delivery_id: uuid.UUID) -> DeliveryProgress | None:
        row = await self.session.get(WebhookDeliveryRow, delivery_id, with_for_update=True)
        return _progress(row) if row else None

    async def save_progress(self, delivery_id: uuid.UUID, progress: DeliveryProgress) -> None:
        await self.session.execute(
            update(WebhookDeliveryRow)
            .where(WebhookDeliveryRow.id == delivery_id)
            .values(
                status=progress.status.value,
                attempts=progress.attempts,
                next_attempt_at=progress.next_attempt_at,
                last_error=progress.last_error,
                last_status_code=progress.last_status_code,
                delivered_at=progress.delivered_at,
            )
        )

    async def list_page(
        self,
        *,
        tenant_id: uuid.UUID,
        webhook_id: uuid.UUID,
        limit: int,
        after: Position | None,
    ) -> list[WebhookDelivery]:
        d = WebhookDeliveryRow
        query = select(d).where(d.tenant_id == tenant_id, d.webhook_id == webhook_id)
        query = _after_newest_first(query, d.created_at, d.id, after)
        return [_webhook_delivery(r) for r in await self.session.scalars(query.limit(limit))]


# Tenant contacts and e-mails ------------------------------------------------------------


class TenantContactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def save(self, contact: TenantContact, now: datetime) -> None:
        row = await self.session.get(TenantContactRow, contact.tenant_id)
        if row is None:
            self.session.add(
                TenantContactRow(
                    tenant_id=contact.tenant_id,
                    restaurant_name=contact.restaurant_name,
                    owner_user_id=contact.owner_user_id,
                    owner_email=contact.owner_email,
                    owner_full_name=contact.owner_full_name,
                    registered_at=contact.registered_at,
                    updated_at=now,
                )
            )
        elif contact.registered_at >= row.registered_at:
            row.restaurant_name = contact.restaurant_name
            row.owner_user_id = contact.owner_user_id
            row.owner_email = contact.owner_email
            row.owner_full_name = contact.owner_full_name
            row.registered_at = contact.registered_at
            row.updated_at = now
        await self.session.flush()

    async def get(self, tenant_id: uuid.UUID) -> TenantContact | None:
        row = await self.session.get(TenantContactRow, tenant_id)
        if row is None:
            return None
        return TenantContact(
            tenant_id=row.tenant_id,
            restaurant_name=row.restaurant_name,
            owner_user_id=row.owner_user_id,
            owner_email=row.owner_email,
            owner_full_name=row.owner_full_name,
            registered_at=row.registered_at,
        )


def _email(row: EmailDeliveryRow) -> EmailDelivery:
    return EmailDelivery(
        id=row.id,
        tenant_id=row.tenant_id,
        kind=row.kind,
        event_id=row.event_id,
        recipient=row.recipient,
        content=EmailContent(subject=row.subject, body=row.body),
        progress=_progress(row),
        created_at=row.created_at,
    )


class EmailDeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, email: EmailDelivery) -> bool:
        """False if this event already made this e-mail (the transaction stays usable)."""
        p = email.progress
        row = EmailDeliveryRow(
            id=email.id,
            tenant_id=email.tenant_id,
            kind=email.kind,
            event_id=email.event_id,
            recipient=email.recipient,
            subject=email.content.subject,
            body=email.content.body,
            status=p.status.value,
            attempts=p.attempts,
            next_attempt_at=p.next_attempt_at,
            created_at=email.created_at,
        )
        return await _insert_unless_duplicate(self.session, row)

    async def claim_due(
        self, *, now: datetime, limit: int, lease_until: datetime
    ) -> list[EmailDelivery]:
        """As `WebhookDeliveryRepository.claim_due`, for e-mails."""
        e = EmailDeliveryRow
        rows = list(
            await self.session.scalars(
                select(e)
                .where(e.status == DeliveryStatus.PENDING.value, e.next_attempt_at <= now)
                .order_by(e.next_attempt_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not rows:
            return []
        emails = [_email(r) for r in rows]
        await self.session.execute(
            update(e).where(e.id.in_([r.id for r in rows])).values(next_attempt_at=lease_until)
        )
        return emails

    async def progress(self, email_id: uuid.UUID) -> DeliveryProgress | None:
        row = await self.session.get(EmailDeliveryRow, email_id, with_for_update=True)
        return _progress(row) if row else None

    async def save_progress(
        self, email_id: uuid.UUID, progress: DeliveryProgress, *, recipient: str | None
    ) -> None:
        await self.session.execute(
            update(EmailDeliveryRow)
            .where(EmailDeliveryRow.id == email_id)
            .values(
                status=progress.status.value,
                attempts=progress.attempts,
                next_attempt_at=progress.next_attempt_at,
                last_error=progress.last_error,
                delivered_at=progress.delivered_at,
                recipient=recipient,
            )
        )

    async def list_page(
        self, *, tenant_id: uuid.UUID, limit: int, after: Position | None
    ) -> list[EmailDelivery]:
        e = EmailDeliveryRow
        query = _after_newest_first(
            select(e).where(e.tenant_id == tenant_id), e.created_at, e.id, after
        )
        return [_email(r) for r in await self.session.scalars(query.limit(limit))]
