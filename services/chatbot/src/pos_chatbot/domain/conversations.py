"""A conversation: a guest's (or staff member's) questions, the answers, the facts they used."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from pos_chatbot.domain.callers import Caller, Party
from pos_chatbot.domain.drafts import Draft
from pos_chatbot.domain.menu import MenuItem


class Speaker(StrEnum):
    GUEST = "guest"
    STAFF = "staff"
    ASSISTANT = "assistant"


@dataclass(frozen=True)
class Fact:
    """A menu item an answer relied on, as the copy described it then."""

    product_id: uuid.UUID
    name: str
    price: int
    currency: str
    available: bool
    allergens: tuple[str, ...]
    tags: tuple[str, ...]
    version: int

    @classmethod
    def of(cls, item: MenuItem) -> Fact:
        """`item` as it is now: its fields of the same names, its id as `product_id`."""
        same = {f.name: getattr(item, f.name) for f in fields(cls) if f.name != "product_id"}
        return cls(product_id=item.id, **same)


@dataclass(frozen=True)
class ToolCall:
    """A tool the LLM called while answering, with what it asked and how it went."""

    name: str
    arguments: dict[str, Any]
    outcome: str


@dataclass(frozen=True)
class Message:
    speaker: Speaker
    text: str
    at: datetime
    facts: tuple[Fact, ...] = ()
    tool_calls: tuple[ToolCall, ...] = ()
    # "embedded" or "llm", for operators; never shown to the guest.
    answered_by: str | None = None


@dataclass(frozen=True)
class Conversation:
    id: uuid.UUID
    tenant_id: uuid.UUID
    opened_by: Party
    # The guest link's subject, or the staff member's user id.
    subject: str
    table_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    messages: tuple[Message, ...] = ()
    draft: Draft | None = None
    # Raised by every change of the draft, so two changes cannot overwrite each other.
    revision: int = 0

    @classmethod
    def open(
        cls, caller: Caller, *, conversation_id: uuid.UUID, now: datetime, retention: timedelta
    ) -> Conversation:
        return cls(
            id=conversation_id,
            tenant_id=caller.tenant_id,
            opened_by=caller.party,
            subject=caller.subject,
            table_id=caller.table_id,
            created_at=now,
            updated_at=now,
            expires_at=now + retention,
        )

    def visible_to(self, caller: Caller) -> bool:
        """Only whoever opened it: the same guest link at the same table, or the same staff
        login. A table's next guests get a new link, so they never read the last ones'."""
        if caller.tenant_id != self.tenant_id or caller.party is not self.opened_by:
            return False
        if caller.subject != self.subject:
            return False
        return not caller.is_guest or caller.table_id == self.table_id


@dataclass(frozen=True)
class Reply:
    """One answer as the guest gets it."""

    text: str
    facts: tuple[Fact, ...] = field(default_factory=tuple)
    draft: Draft | None = None


class ToolBox(Protocol):
    """The tools a provider may offer its model for one question, bound to its conversation."""

    @property
    def specs(self) -> Sequence[dict[str, Any]]:
        """The tools as Chat Completions describes them (name, description, parameters)."""
        ...

    async def run(self, name: str, arguments: str) -> str:
        """The result (JSON) of calling tool `name` with `arguments` (JSON, as the model wrote)."""
        ...


@dataclass(frozen=True)
class Prompt:
    """What a provider is asked: the guest's question (redacted) and the conversation so far."""

    question: str
    language: str
    history: tuple[Message, ...] = ()
