"""The kitchen: open tickets, bumping one, and the live feed (Server-Sent Events)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, status
from fastapi.responses import StreamingResponse
from fastapi.sse import format_sse_event

from pos_kit.clock import utcnow
from pos_kit.dependencies import UoW
from pos_notification.api.dependencies import (
    TIME_KEYED,
    StaffMember,
    StreamCaller,
    TimeKeyedPage,
    UseCases,
    grant_of,
)
from pos_notification.api.schemas import StreamTicketOut, TicketOut, TicketPage
from pos_notification.domain.feed import FeedEntry

router = APIRouter(prefix="/api/v1/kitchen", tags=["kitchen"])

KEEPALIVE = b": keep-alive\n\n"


@router.get("/tickets", response_model=TicketPage)
async def list_open_tickets(
    who: StaffMember, uow: UoW, use_cases: UseCases, page: TimeKeyedPage
) -> TicketPage:
    """The restaurant's open tickets, oldest first, with how long each has waited."""
    found = await use_cases.tickets.list_open(uow, tenant_id=who.tenant, page=page)
    return TicketPage.build(
        found.tickets,
        TIME_KEYED,
        lambda ticket: TicketOut.of(ticket, found.as_of),
        last_event_id=found.last_event_id,
    )


@router.get("/tickets/{ticket_id}", response_model=TicketOut)
async def get_ticket(
    ticket_id: uuid.UUID, who: StaffMember, uow: UoW, use_cases: UseCases
) -> TicketOut:
    ticket = await use_cases.tickets.get(uow, tenant_id=who.tenant, ticket_id=ticket_id)
    return TicketOut.of(ticket, utcnow())


@router.post(
    "/tickets/{ticket_id}/bump",
    response_model=TicketOut,
    responses={409: {"description": "Already bumped or cancelled: `current_status` says which."}},
)
async def bump_ticket(
    ticket_id: uuid.UUID, who: StaffMember, uow: UoW, use_cases: UseCases
) -> TicketOut:
    """The kitchen is done with this ticket: it leaves the screen and `ticket.bumped` goes out."""
    ticket = await use_cases.tickets.bump(
        uow, tenant_id=who.tenant, ticket_id=ticket_id, cook=who.subject
    )
    return TicketOut.of(ticket, utcnow())


@router.post("/stream-tickets", status_code=status.HTTP_201_CREATED, response_model=StreamTicketOut)
async def issue_stream_ticket(who: StaffMember, uow: UoW, use_cases: UseCases) -> StreamTicketOut:
    """A one-time ticket for `GET /api/v1/kitchen/stream?ticket=...` (browsers' EventSource)."""
    issued = await use_cases.stream_tickets.issue(uow, grant=grant_of(who))
    return StreamTicketOut.model_validate(issued)


@router.get(
    "/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Server-Sent Events: `id` is the restaurant's feed number, "
            "`event` is ticket.created, ticket.cancelled or ticket.bumped, `data` the ticket.",
        }
    },
)
async def kitchen_stream(
    request: Request,
    grant: StreamCaller,
    uow: UoW,
    use_cases: UseCases,
    last_event_id_header: Annotated[
        str | None, Header(alias="Last-Event-ID", pattern=r"^\d{1,18}$")
    ] = None,
    last_event_id: Annotated[
        int | None,
        Query(ge=0, le=10**18, description="Resume after this feed number (first connect)."),
    ] = None,
) -> StreamingResponse:
    """The restaurant's live kitchen feed, resumed after Last-Event-ID when given."""
    # The header is what a reconnecting EventSource sends: newer than the URL's value.
    asked = int(last_event_id_header) if last_event_id_header is not None else last_event_id
    after = await use_cases.feed.resume_point(uow, tenant_id=grant.tenant_id, after=asked)
    entries = use_cases.feed.follow(grant.tenant_id, after=after)
    return StreamingResponse(
        _server_sent_events(entries, retry_ms=request.app.state.settings.feed_retry_milliseconds),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _server_sent_events(
    entries: AsyncGenerator[FeedEntry | None, None], *, retry_ms: int
) -> AsyncIterator[bytes]:
    # Closed with the response, whether it ends, the client goes away or the process stops.
    async with contextlib.aclosing(entries):
        yield format_sse_event(retry=retry_ms)
        async for entry in entries:
            if entry is None:
                yield KEEPALIVE
            else:
                yield format_sse_event(
                    data_str=entry.payload, event=entry.kind.value, id=str(entry.seq)
                )
