"""Conversations as documents: their messages, the facts each answer used, the guest's draft.

One document per conversation: its fields by name (`pos_chatbot.adapters.plain`), `_id`
its id, and `message_count`; `tenant_id` in every query. Messages are
appended (`$push`) in question-and-answer pairs; the draft is replaced whole, guarded
by `revision` so that two changes made at once cannot overwrite each other. An expired
conversation is invisible at once (`expires_at` in every read), whatever the TTL
monitor or the sweeper has deleted yet.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pos_chatbot.adapters.plain import from_plain, to_plain
from pos_chatbot.adapters.store.documents import Collection, Document, Index
from pos_chatbot.domain.conversations import Conversation, Message
from pos_chatbot.domain.drafts import Draft, DraftStatus
from pos_kit.pagination import PageRequest, Slice

COLLECTION = "conversations"
INDEXES = (
    Index("tenant_conversation", (("tenant_id", 1), ("_id", 1)), unique=True),
    # MongoDB deletes a conversation once its time is up.
    Index("expiry", (("expires_at", 1),), expire_after_seconds=0),
    Index("tenant_draft", (("tenant_id", 1), ("draft.id", 1))),
    Index(
        "waiting_drafts",
        (("tenant_id", 1), ("draft.status", 1), ("draft.submitted_at", 1), ("draft.id", 1)),
    ),
)


def _conversation(document: Document) -> Conversation:
    return from_plain(Conversation, {**document, "id": document["_id"]})


class ConversationRepository:
    def __init__(self, collection: Collection) -> None:
        self._conversations = collection

    async def add(self, conversation: Conversation) -> None:
        document = to_plain(conversation)
        await self._conversations.insert_one(
            {
                "_id": document.pop("id"),
                **document,
                "message_count": len(conversation.messages),
            }
        )

    async def get(
        self, tenant_id: uuid.UUID, conversation_id: uuid.UUID, *, now: datetime
    ) -> Conversation | None:
        return await self._unexpired(
            {"_id": str(conversation_id), "tenant_id": str(tenant_id)}, now=now
        )

    async def add_messages(
        self,
        conversation: Conversation,
        messages: list[Message],
        *,
        now: datetime,
        expires_at: datetime,
        max_messages: int,
    ) -> bool:
        """Append `messages`, unless that would take the conversation past `max_messages`."""
        updated = await self._conversations.update_one(
            {
                "_id": str(conversation.id),
                "tenant_id": str(conversation.tenant_id),
                "message_count": {"$lte": max_messages - len(messages)},
            },
            {
                "$push": {"messages": {"$each": to_plain(messages)}},
                "$inc": {"message_count": len(messages)},
                "$set": {"updated_at": now, "expires_at": expires_at},
            },
        )
        return updated.matched == 1

    async def save_draft(
        self, conversation: Conversation, draft: Draft, *, now: datetime, expires_at: datetime
    ) -> bool:
        """Replace the draft if nobody changed it since `conversation` was read."""
        updated = await self._conversations.update_one(
            {
                "_id": str(conversation.id),
                "tenant_id": str(conversation.tenant_id),
                "revision": conversation.revision,
            },
            {
                "$set": {
                    "draft": to_plain(draft),
                    "updated_at": now,
                    "expires_at": expires_at,
                },
                "$inc": {"revision": 1},
            },
        )
        return updated.matched == 1

    async def delete(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> bool:
        deleted = await self._conversations.delete_one(
            {"_id": str(conversation_id), "tenant_id": str(tenant_id)}
        )
        return deleted == 1

    async def with_draft(
        self, tenant_id: uuid.UUID, draft_id: uuid.UUID, *, now: datetime
    ) -> Conversation | None:
        return await self._unexpired(
            {"tenant_id": str(tenant_id), "draft.id": str(draft_id)}, now=now
        )

    async def waiting_drafts(
        self, tenant_id: uuid.UUID, page: PageRequest, *, now: datetime
    ) -> Slice[Conversation]:
        """Conversations whose draft waits for staff, the longest waiting first."""
        query: dict[str, Any] = {
            "tenant_id": str(tenant_id),
            "draft.status": DraftStatus.SUBMITTED.value,
            "expires_at": {"$gt": now},
        }
        if page.after is not None:
            submitted_at, draft_id = page.after
            query["$or"] = [
                {"draft.submitted_at": {"$gt": submitted_at}},
                {"draft.submitted_at": submitted_at, "draft.id": {"$gt": str(draft_id)}},
            ]
        found = await self._conversations.find(
            query,
            sort=[("draft.submitted_at", 1), ("draft.id", 1)],
            limit=page.limit + 1,
        )
        conversations = [_conversation(d) for d in found[: page.limit]]
        next_after = None
        if len(found) > page.limit and conversations:
            last = conversations[-1].draft
            assert last is not None
            assert last.submitted_at is not None
            next_after = (last.submitted_at, last.id)
        return Slice(conversations, next_after)

    async def _unexpired(self, query: dict[str, Any], *, now: datetime) -> Conversation | None:
        found = await self._conversations.find_one({**query, "expires_at": {"$gt": now}})
        return _conversation(found) if found is not None else None

    async def delete_expired(self, *, now: datetime) -> int:
        return await self._conversations.delete_many({"expires_at": {"$lte": now}})
