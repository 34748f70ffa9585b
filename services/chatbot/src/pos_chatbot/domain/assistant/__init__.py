"""The embedded assistant: answers about the menu with no model, from the copy alone."""

from pos_chatbot.domain.assistant.embedded import EmbeddedAssistant

__all__ = ["EmbeddedAssistant"]
