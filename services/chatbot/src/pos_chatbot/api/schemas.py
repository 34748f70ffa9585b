"""What the chatbot's API accepts and answers. Money is integer minor units, never a float."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from pos_chatbot.domain.conversations import Conversation
from pos_chatbot.domain.drafts import (
    MAX_MODIFIERS,
    MAX_NOTES_LENGTH,
    MAX_QUANTITY,
    Draft,
)
from pos_chatbot.use_cases.drafts import AcceptedDraft
from pos_kit.pagination import Page
from pos_kit.schemas import RequestModel, ResponseModel


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


class FactOut(ResponseModel):
    product_id: uuid.UUID
    name: str
    price: int
    currency: str
    available: bool
    allergens: list[str]
    tags: list[str]
    version: int


class ChosenOptionOut(ResponseModel):
    group_id: uuid.UUID
    group_name: str
    option_id: uuid.UUID
    name: str
    price_delta: int


class DraftLineOut(ResponseModel):
    id: uuid.UUID
    product_id: uuid.UUID
    name: str
    quantity: int
    unit_price: int = Field(description="The menu price with the options, when added.")
    currency: str
    modifiers: list[ChosenOptionOut] = Field(validation_alias="options")
    notes: str | None
    line_total: int


class DraftOut(ResponseModel):
    id: uuid.UUID
    status: str = Field(description="open, submitted (waiting for staff) or accepted.")
    lines: list[DraftLineOut]
    total: int
    currency: str | None
    submitted_at: datetime | None
    accepted_at: datetime | None
    order_id: uuid.UUID | None = Field(description="The pos-core order, once accepted.")


class MessageOut(ResponseModel):
    role: str = Field(validation_alias="speaker", description="guest, staff or assistant.")
    text: str
    at: datetime
    facts: list[FactOut]


class ConversationOut(ResponseModel):
    id: uuid.UUID
    table_id: uuid.UUID | None
    opened_by: str = Field(description="guest or staff.")
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    messages: list[MessageOut]
    draft: DraftOut | None


class ReplyOut(ResponseModel):
    reply: str = Field(validation_alias="text")
    facts: list[FactOut] = Field(description="The menu items the reply states something about.")
    draft: DraftOut | None


class WaitingDraftOut(DraftOut):
    conversation_id: uuid.UUID
    table_id: uuid.UUID

    @classmethod
    def at_table(cls, conversation: Conversation, draft: Draft) -> WaitingDraftOut:
        assert conversation.table_id is not None  # drafts are only made at a table
        return cls(
            **dict(DraftOut.model_validate(draft)),
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
