"""Opening a conversation, reading it back, and a guest deleting it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pos_chatbot.adapters.store.conversations import ConversationRepository
from pos_chatbot.domain.callers import Caller
from pos_chatbot.domain.conversations import Conversation
from pos_chatbot.domain.errors import ConversationNotFound
from pos_chatbot.use_cases.retention import Retention


class Conversations:
    def __init__(self, repository: ConversationRepository, retention: Retention) -> None:
        self.repository = repository
        self.retention = retention

    async def open(self, caller: Caller) -> Conversation:
        conversation = Conversation.open(
            caller,
            conversation_id=uuid.uuid4(),
            now=datetime.now(UTC),
            retention=await self.retention.of(caller.tenant_id),
        )
        await self.repository.add(conversation)
        return conversation

    async def get(self, caller: Caller, conversation_id: uuid.UUID) -> Conversation:
        """The conversation if `caller` may see it; otherwise 404, exactly as a missing one."""
        found = await self.repository.get(caller.tenant_id, conversation_id, now=datetime.now(UTC))
        if found is None or not found.visible_to(caller):
            raise ConversationNotFound()
        return found

    async def delete(self, caller: Caller, conversation_id: uuid.UUID) -> None:
        conversation = await self.get(caller, conversation_id)
        await self.repository.delete(conversation.tenant_id, conversation.id)
