"""Conversations as documents: their messages, the facts each answer used, the guest's draft.

One document per conversation, `_id` its id, `tenant_id` in every query. Messages are
appended (`$push`) in question-and-answer pairs; the draft is replaced whole, guarded
by `revision` so that two changes made at once cannot overwrite each other. An expired
conversation is invisible at once (`expires_at` in every read), whatever the TTL
monitor or the sweeper has deleted yet.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pos_chatbot.adapters.store.documents import Collection, Document, Index
from pos_chatbot.domain.callers import Party
from pos_chatbot.domain.conversations import Conversation, Fact, Message, Speaker, ToolCall
from pos_chatbot.domain.drafts import ChosenOption, Draft, DraftLine, DraftStatus
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


def _fact_document(fact: Fact) -> dict[str, Any]:
    return {
        "product_id": str(fact.product_id),
        "name": fact.name,
        "price": fact.price,
        "currency": fact.currency,
        "available": fact.available,
        "allergens": list(fact.allergens),
        "tags": list(fact.tags),
        "version": fact.version,
    }


def _fact(document: Document) -> Fact:
    return Fact(
        product_id=uuid.UUID(document["product_id"]),
        name=document["name"],
        price=document["price"],
        currency=document["currency"],
        available=document["available"],
        allergens=tuple(document["allergens"]),
        tags=tuple(document["tags"]),
        version=document["version"],
    )


def message_document(message: Message) -> dict[str, Any]:
    return {
        "speaker": message.speaker.value,
        "text": message.text,
        "at": message.at,
        "facts": [_fact_document(f) for f in message.facts],
        "tool_calls": [
            {"name": c.name, "arguments": c.arguments, "outcome": c.outcome}
            for c in message.tool_calls
        ],
        "answered_by": message.answered_by,
    }


def _message(document: Document) -> Message:
    return Message(
        speaker=Speaker(document["speaker"]),
        text=document["text"],
        at=document["at"],
        facts=tuple(_fact(f) for f in document["facts"]),
        tool_calls=tuple(
            ToolCall(c["name"], c["arguments"], c["outcome"]) for c in document["tool_calls"]
        ),
        answered_by=document["answered_by"],
    )


def _line_document(line: DraftLine) -> dict[str, Any]:
    return {
        "id": str(line.id),
        "product_id": str(line.product_id),
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "currency": line.currency,
        "options": [
            {
                "group_id": str(o.group_id),
                "group_name": o.group_name,
                "option_id": str(o.option_id),
                "name": o.name,
                "price_delta": o.price_delta,
            }
            for o in line.options
        ],
        "notes": line.notes,
    }


def _line(document: Document) -> DraftLine:
    return DraftLine(
        id=uuid.UUID(document["id"]),
        product_id=uuid.UUID(document["product_id"]),
        name=document["name"],
        quantity=document["quantity"],
        unit_price=document["unit_price"],
        currency=document["currency"],
        options=tuple(
            ChosenOption(
                group_id=uuid.UUID(o["group_id"]),
                group_name=o["group_name"],
                option_id=uuid.UUID(o["option_id"]),
                name=o["name"],
                price_delta=o["price_delta"],
            )
            for o in document["options"]
        ),
        notes=document["notes"],
    )


def draft_document(draft: Draft) -> dict[str, Any]:
    return {
        "id": str(draft.id),
        "status": draft.status.value,
        "lines": [_line_document(line) for line in draft.lines],
        "submitted_at": draft.submitted_at,
        "accepted_at": draft.accepted_at,
        "accepted_by": draft.accepted_by,
        "order_id": str(draft.order_id) if draft.order_id else None,
    }


def _draft(document: Document) -> Draft:
    return Draft(
        id=uuid.UUID(document["id"]),
        status=DraftStatus(document["status"]),
        lines=tuple(_line(line) for line in document["lines"]),
        submitted_at=document["submitted_at"],
        accepted_at=document["accepted_at"],
        accepted_by=document["accepted_by"],
        order_id=uuid.UUID(document["order_id"]) if document["order_id"] else None,
    )


def _conversation(document: Document) -> Conversation:
    return Conversation(
        id=uuid.UUID(document["_id"]),
        tenant_id=uuid.UUID(document["tenant_id"]),
        opened_by=Party(document["opened_by"]),
        subject=document["subject"],
        table_id=uuid.UUID(document["table_id"]) if document["table_id"] else None,
        created_at=document["created_at"],
        updated_at=document["updated_at"],
        expires_at=document["expires_at"],
        messages=tuple(_message(m) for m in document["messages"]),
        draft=_draft(document["draft"]) if document["draft"] else None,
        revision=document["revision"],
    )


class ConversationRepository:
    def __init__(self, collection: Collection) -> None:
        self._conversations = collection

    async def add(self, conversation: Conversation) -> None:
        await self._conversations.insert_one(
            {
                "_id": str(conversation.id),
                "tenant_id": str(conversation.tenant_id),
                "opened_by": conversation.opened_by.value,
                "subject": conversation.subject,
                "table_id": str(conversation.table_id) if conversation.table_id else None,
                "created_at": conversation.created_at,
                "updated_at": conversation.updated_at,
                "expires_at": conversation.expires_at,
                "messages": [message_document(m) for m in conversation.messages],
                "message_count": len(conversation.messages),
                "draft": draft_document(conversation.draft) if conversation.draft else None,
                "revision": conversation.revision,
            }
        )

    async def get(
        self, tenant_id: uuid.UUID, conversation_id: uuid.UUID, *, now: datetime
    ) -> Conversation | None:
        found = await self._conversations.find_one(
            {"_id": str(conversation_id), "tenant_id": str(tenant_id), "expires_at": {"$gt": now}}
        )
        return _conversation(found) if found is not None else None

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
                "$push": {"messages": {"$each": [message_document(m) for m in messages]}},
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
                    "draft": draft_document(draft),
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
        found = await self._conversations.find_one(
            {"tenant_id": str(tenant_id), "draft.id": str(draft_id), "expires_at": {"$gt": now}}
        )
        return _conversation(found) if found is not None else None

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

    async def delete_expired(self, *, now: datetime) -> int:
        return await self._conversations.delete_many({"expires_at": {"$lte": now}})
