"""What the chatbot's API accepts and answers. Money is integer minor units, never a float."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from pos_chatbot.domain.conversations import Conversation, Fact, Message, Reply
from pos_chatbot.domain.drafts import (
    MAX_MODIFIERS,
    MAX_NOTES_LENGTH,
    MAX_QUANTITY,
    Draft,
    DraftLine,
)
from pos_chatbot.use_cases.drafts import AcceptedDraft
from pos_kit.pagination import Page
from pos_kit.schemas import RequestModel


class Strict(RequestModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MessageIn(Strict):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = Field(
        description="The question, in the guest's words (its length is capped; see 422)."
    )


class DraftLineIn(Strict):
    product_id: uuid.UUID
    quantity: Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)] = 1
    modifiers: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=MAX_MODIFIERS,
        description="Ids of the chosen modifier options.",
    )
    notes: Annotated[str, StringConstraints(max_length=MAX_NOTES_LENGTH)] | None = None


class RetentionIn(Strict):
    retention_days: Annotated[StrictInt, Field(ge=1, le=365)]


class FactOut(BaseModel):
    product_id: uuid.UUID
    name: str
    price: int
    currency: str
    available: bool
    allergens: list[str]
    tags: list[str]
    version: int

    @classmethod
    def of(cls, fact: Fact) -> FactOut:
        return cls(
            product_id=fact.product_id,
            name=fact.name,
            price=fact.price,
            currency=fact.currency,
            available=fact.available,
            allergens=list(fact.allergens),
            tags=list(fact.tags),
            version=fact.version,
        )


class ChosenOptionOut(BaseModel):
    group_id: uuid.UUID
    group_name: str
    option_id: uuid.UUID
    name: str
    price_delta: int


class DraftLineOut(BaseModel):
    id: uuid.UUID
    product_id: uuid.UUID
    name: str
    quantity: int
    unit_price: int = Field(description="The menu price with the options, when added.")
    currency: str
    modifiers: list[ChosenOptionOut]
    notes: str | None
    line_total: int

    @classmethod
    def of(cls, line: DraftLine) -> DraftLineOut:
        return cls(
            id=line.id,
            product_id=line.product_id,
            name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price,
            currency=line.currency,
            modifiers=[
                ChosenOptionOut(
                    group_id=o.group_id,
                    group_name=o.group_name,
                    option_id=o.option_id,
                    name=o.name,
                    price_delta=o.price_delta,
                )
                for o in line.options
            ],
            notes=line.notes,
            line_total=line.line_total,
        )


class DraftOut(BaseModel):
    id: uuid.UUID
    status: str = Field(description="open, submitted (waiting for staff) or accepted.")
    lines: list[DraftLineOut]
    total: int
    currency: str | None
    submitted_at: datetime | None
    accepted_at: datetime | None
    order_id: uuid.UUID | None = Field(description="The pos-core order, once accepted.")

    @classmethod
    def of(cls, draft: Draft) -> DraftOut:
        return cls(
            id=draft.id,
            status=draft.status.value,
            lines=[DraftLineOut.of(line) for line in draft.lines],
            total=draft.total,
            currency=draft.currency,
            submitted_at=draft.submitted_at,
            accepted_at=draft.accepted_at,
            order_id=draft.order_id,
        )

    @classmethod
    def maybe(cls, draft: Draft | None) -> DraftOut | None:
        return cls.of(draft) if draft is not None else None


class MessageOut(BaseModel):
    role: str = Field(description="guest, staff or assistant.")
    text: str
    at: datetime
    facts: list[FactOut]

    @classmethod
    def of(cls, message: Message) -> MessageOut:
        return cls(
            role=message.speaker.value,
            text=message.text,
            at=message.at,
            facts=[FactOut.of(f) for f in message.facts],
        )


class ConversationOut(BaseModel):
    id: uuid.UUID
    table_id: uuid.UUID | None
    opened_by: str = Field(description="guest or staff.")
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    messages: list[MessageOut]
    draft: DraftOut | None

    @classmethod
    def of(cls, conversation: Conversation) -> ConversationOut:
        return cls(
            id=conversation.id,
            table_id=conversation.table_id,
            opened_by=conversation.opened_by.value,
            created_at=conversation.created_at,
            updated_at=conversation.updated_at,
            expires_at=conversation.expires_at,
            messages=[MessageOut.of(m) for m in conversation.messages],
            draft=DraftOut.maybe(conversation.draft),
        )


class ReplyOut(BaseModel):
    reply: str
    facts: list[FactOut] = Field(description="The menu items the reply states something about.")
    draft: DraftOut | None

    @classmethod
    def of(cls, reply: Reply) -> ReplyOut:
        return cls(
            reply=reply.text,
            facts=[FactOut.of(f) for f in reply.facts],
            draft=DraftOut.maybe(reply.draft),
        )


class WaitingDraftOut(DraftOut):
    conversation_id: uuid.UUID
    table_id: uuid.UUID

    @classmethod
    def at_table(cls, conversation: Conversation, draft: Draft) -> WaitingDraftOut:
        assert conversation.table_id is not None  # drafts are only made at a table
        return cls(
            **DraftOut.of(draft).model_dump(),
            conversation_id=conversation.id,
            table_id=conversation.table_id,
        )

    @classmethod
    def waiting(cls, conversation: Conversation) -> WaitingDraftOut:
        assert conversation.draft is not None
        return cls.at_table(conversation, conversation.draft)

    @classmethod
    def accepted(cls, accepted: AcceptedDraft) -> WaitingDraftOut:
        return cls.at_table(accepted.conversation, accepted.draft)


class DraftPage(Page[WaitingDraftOut]): ...


class RetentionOut(BaseModel):
    retention_days: int

    @classmethod
    def of(cls, retention: timedelta) -> RetentionOut:
        return cls(retention_days=retention.days)
