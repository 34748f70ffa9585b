"""Draft orders: a guest builds one in their conversation, submits it, staff accept it.

Lines are checked against the menu copy (availability, modifiers' min and max). A
change is written only if the draft did not change meanwhile (its conversation's
revision); a clash is retried on the fresh draft a few times before giving up (409).
Accepting is one call for staff: pos-core opens the order with the staff member's
token, under an Idempotency-Key derived from the draft, so accepting twice (or a retry
after a lost answer) gives the same order. The chatbot never places orders itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from pos_chatbot.adapters.pos_core import PosCoreClient
from pos_chatbot.adapters.store.conversations import ConversationRepository
from pos_chatbot.domain.callers import DRAFT_ACCEPTORS, Caller
from pos_chatbot.domain.conversations import Conversation
from pos_chatbot.domain.drafts import Draft, DraftStatus, draft_to_build, line_for
from pos_chatbot.domain.errors import (
    DraftChangedMeanwhile,
    DraftNotFound,
    DraftNotSubmitted,
    NoTable,
    NotOnMenu,
)
from pos_chatbot.use_cases.conversations import Conversations
from pos_chatbot.use_cases.menu_copy import MenuCopy
from pos_kit.errors import Forbidden
from pos_kit.pagination import PageRequest, Slice

log = structlog.get_logger(__name__)

# Tries of a change that met another change of the same draft.
ATTEMPTS = 3


@dataclass(frozen=True)
class AcceptedDraft:
    conversation: Conversation
    draft: Draft


class Drafts:
    def __init__(
        self, conversations: Conversations, menu: MenuCopy, pos_core: PosCoreClient
    ) -> None:
        self._conversations = conversations
        self._menu = menu
        self._pos_core = pos_core

    @property
    def _repository(self) -> ConversationRepository:
        return self._conversations.repository

    async def show(self, caller: Caller, conversation_id: uuid.UUID) -> Draft | None:
        return (await self._conversations.get(caller, conversation_id)).draft

    async def add_line(
        self,
        caller: Caller,
        conversation_id: uuid.UUID,
        *,
        product_id: uuid.UUID,
        quantity: int,
        option_ids: tuple[uuid.UUID, ...],
        notes: str | None,
    ) -> Draft:
        await self._drafting_in(caller, conversation_id)  # before any catch-up it may cause
        item = await self._menu.item_for(caller.tenant_id, product_id)
        if item is None:
            raise NotOnMenu()
        line = line_for(
            item, line_id=uuid.uuid4(), quantity=quantity, option_ids=option_ids, notes=notes
        )
        return await self._change(
            caller,
            conversation_id,
            lambda draft: draft_to_build(draft, uuid.uuid4()).with_line(line),
        )

    async def remove_line(
        self, caller: Caller, conversation_id: uuid.UUID, line_id: uuid.UUID
    ) -> Draft:
        return await self._change(
            caller,
            conversation_id,
            lambda draft: draft_to_build(draft, uuid.uuid4()).without_line(line_id),
        )

    async def submit(self, caller: Caller, conversation_id: uuid.UUID) -> Draft:
        now = datetime.now(UTC)
        return await self._change(
            caller,
            conversation_id,
            lambda draft: draft_to_build(draft, uuid.uuid4()).submitted(now),
        )

    async def waiting(self, caller: Caller, page: PageRequest) -> Slice[Conversation]:
        """The drafts guests sent and staff have not accepted yet, the longest waiting first."""
        _must_accept_drafts(caller)
        return await self._repository.waiting_drafts(caller.tenant_id, page, now=datetime.now(UTC))

    async def accept(self, caller: Caller, draft_id: uuid.UUID) -> AcceptedDraft:
        _must_accept_drafts(caller)
        conversation = await self._repository.with_draft(
            caller.tenant_id, draft_id, now=datetime.now(UTC)
        )
        if conversation is None or conversation.draft is None:
            raise DraftNotFound()
        draft = conversation.draft
        if draft.status is DraftStatus.ACCEPTED:
            return AcceptedDraft(conversation, draft)  # accepted before: the same order
        if draft.status is not DraftStatus.SUBMITTED:
            raise DraftNotSubmitted()
        assert conversation.table_id is not None  # drafts exist only in table conversations
        order_id = await self._pos_core.open_order(
            draft, table_id=conversation.table_id, token=caller.token
        )
        accepted = draft.accepted(order_id=order_id, by=caller.subject, at=datetime.now(UTC))
        retention = await self._conversations.retention.of(caller.tenant_id)
        now = datetime.now(UTC)
        if not await self._repository.save_draft(
            conversation, accepted, now=now, expires_at=now + retention
        ):
            # Accepted by someone else meanwhile: pos-core gave them the same order.
            fresh = await self._repository.with_draft(caller.tenant_id, draft_id, now=now)
            if fresh is None or fresh.draft is None:
                raise DraftNotFound()
            return AcceptedDraft(fresh, fresh.draft)
        log.info("draft_accepted", draft_id=str(draft.id), order_id=str(order_id))
        return AcceptedDraft(conversation, accepted)

    async def _drafting_in(self, caller: Caller, conversation_id: uuid.UUID) -> Conversation:
        """The conversation, if it is a guest's at a table: only those hold drafts."""
        conversation = await self._conversations.get(caller, conversation_id)
        if conversation.table_id is None or not caller.is_guest:
            raise NoTable()
        return conversation

    async def _change(
        self, caller: Caller, conversation_id: uuid.UUID, change: Callable[[Draft | None], Draft]
    ) -> Draft:
        for _ in range(ATTEMPTS):
            conversation = await self._drafting_in(caller, conversation_id)
            draft = change(conversation.draft)
            now = datetime.now(UTC)
            retention = await self._conversations.retention.of(caller.tenant_id)
            if await self._repository.save_draft(
                conversation, draft, now=now, expires_at=now + retention
            ):
                return draft
        raise DraftChangedMeanwhile()


def _must_accept_drafts(caller: Caller) -> None:
    if caller.role not in DRAFT_ACCEPTORS:
        raise Forbidden(
            f"Accepting drafts needs one of the roles: {', '.join(sorted(DRAFT_ACCEPTORS))}."
        )
