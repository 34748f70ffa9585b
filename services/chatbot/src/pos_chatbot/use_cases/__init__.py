"""The chatbot's use cases; `ChatbotUseCases` is the bundle the routers reach."""

from __future__ import annotations

from dataclasses import dataclass

from pos_chatbot.use_cases.answers import Answers
from pos_chatbot.use_cases.conversations import Conversations
from pos_chatbot.use_cases.drafts import Drafts
from pos_chatbot.use_cases.menu_copy import MenuCopy
from pos_chatbot.use_cases.retention import Retention


@dataclass(frozen=True)
class ChatbotUseCases:
    conversations: Conversations
    answers: Answers
    drafts: Drafts
    menu: MenuCopy
    retention: Retention
