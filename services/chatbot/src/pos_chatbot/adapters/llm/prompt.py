"""What the LLM is told: answer from the menu tools only, name dishes the way grounding checks."""

from __future__ import annotations

from openai.types.chat import ChatCompletionMessageParam

from pos_chatbot.domain.conversations import Message, Prompt, Speaker

LANGUAGE_NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish"}

SYSTEM = """\
You are the menu assistant of a restaurant, talking with a guest at their table.
Answer only with what the tools search_menu and get_item return: never invent a dish, \
a price, an ingredient, an allergen or whether something is available.
Write every dish name exactly as the tools give it, in bold (**Name**), and its price \
exactly as the tools give it (price_text).
If the guest asks for something the tools do not find, say it is not on our menu. \
If an item is not available, say it is sold out.
For allergens, give the item's allergens list exactly; never guess.
When the guest wants to order, call add_to_draft; staff confirm the draft before it \
goes to the kitchen. Never say an order is placed.
Answer in {language}, in a few short sentences."""


def messages_for(prompt: Prompt) -> list[ChatCompletionMessageParam]:
    """The conversation as Chat Completions messages: system, history, the new question."""
    language = LANGUAGE_NAMES.get(prompt.language, LANGUAGE_NAMES["en"])
    messages: list[ChatCompletionMessageParam] = [
        {"role": "system", "content": SYSTEM.format(language=language)}
    ]
    messages += [_message(m) for m in prompt.history]
    messages.append({"role": "user", "content": prompt.question})
    return messages


def _message(message: Message) -> ChatCompletionMessageParam:
    if message.speaker is Speaker.ASSISTANT:
        return {"role": "assistant", "content": message.text}
    return {"role": "user", "content": message.text}
