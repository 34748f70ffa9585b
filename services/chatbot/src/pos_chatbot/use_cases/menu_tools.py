"""The tools an LLM may call, answered from the menu copy and bound to one conversation.

A turn builds its `MenuTools` from the conversation's own menu and draft: nothing the
model writes can pick a restaurant, a table or a conversation. It can only search this
menu, read an item of it, and add a line to this conversation's draft, checked by the
same rules as the guest's own request.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pos_chatbot.domain.assistant.questions import read_question
from pos_chatbot.domain.assistant.retrieval import MenuIndex
from pos_chatbot.domain.conversations import ToolCall
from pos_chatbot.domain.drafts import Draft
from pos_chatbot.domain.menu import Menu, MenuItem
from pos_chatbot.domain.money import format_amount
from pos_kit.errors import ProblemError

# Items a search hands the model at most.
MAX_RESULTS = 8

AddToDraft = Callable[[uuid.UUID, int, tuple[uuid.UUID, ...], str | None], Awaitable[Draft]]

SPECS: tuple[dict[str, Any], ...] = (
    {
        "type": "function",
        "function": {
            "name": "search_menu",
            "description": (
                "Search the restaurant's menu. Write the guest's wish in words, with any "
                "conditions, e.g. 'vegan under 15 without nuts' or 'fish'."
            ),
            "parameters": {
                "type": "object",
                "properties": {"query": {"type": "string"}},
                "required": ["query"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_item",
            "description": "One menu item with its price, allergens, availability and choices.",
            "parameters": {
                "type": "object",
                "properties": {
                    "product_id": {"type": "string", "description": "An id search_menu gave."},
                    "name": {"type": "string", "description": "Or the item's name."},
                },
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "add_to_draft",
            "description": (
                "Add an item to the guest's draft order, which staff confirm. Choices are "
                "option ids from the item's modifier groups."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "product_id": {"type": "string"},
                    "quantity": {"type": "integer", "minimum": 1},
                    "option_ids": {"type": "array", "items": {"type": "string"}},
                    "notes": {"type": "string"},
                },
                "required": ["product_id"],
            },
        },
    },
)


class MenuTools:
    """One turn's tools: what they answered is kept for the conversation's record."""

    def __init__(self, menu: Menu, *, language: str, add_to_draft: AddToDraft | None) -> None:
        self._menu = menu
        self._index = MenuIndex(menu)
        self._language = language
        self._add_to_draft = add_to_draft
        self.calls: list[ToolCall] = []
        self.draft: Draft | None = None

    @property
    def specs(self) -> Sequence[dict[str, Any]]:
        return SPECS

    async def run(self, name: str, arguments: str) -> str:
        given = _arguments(arguments)
        if name == "search_menu":
            result = self._search(str(given.get("query", "")))
        elif name == "get_item":
            result = self._get_item(given)
        elif name == "add_to_draft":
            result = await self._add(given)
        else:
            result = {"error": f"There is no tool {name!r}."}
        self.calls.append(ToolCall(name, given, "error" if "error" in result else "ok"))
        return json.dumps(result, ensure_ascii=False)

    def _search(self, query: str) -> dict[str, Any]:
        question = read_question(query, self._menu.currency)
        found = self._index.search(question.subject, question.filters)
        return {"items": [self._described(item) for item in found[:MAX_RESULTS]]}

    def _get_item(self, given: dict[str, Any]) -> dict[str, Any]:
        item = None
        product_id = _uuid(given.get("product_id"))
        if product_id is not None:
            item = self._menu.get(product_id)
        elif isinstance(given.get("name"), str):
            named = self._index.named(read_question(given["name"], None).subject)
            item = named[0] if len(named) == 1 else None
        if item is None:
            return {"error": "Not on our menu."}
        return {"item": self._described(item)}

    async def _add(self, given: dict[str, Any]) -> dict[str, Any]:
        if self._add_to_draft is None:
            return {"error": "Draft orders are for guests at a table."}
        product_id = _uuid(given.get("product_id"))
        options = tuple(_uuid(o) for o in given.get("option_ids") or ())
        quantity = given.get("quantity", 1)
        notes = given.get("notes")
        if product_id is None or None in options or not isinstance(quantity, int):
            return {"error": "Give product_id (and option_ids) as ids from the menu."}
        try:
            self.draft = await self._add_to_draft(
                product_id,
                quantity,
                tuple(o for o in options if o is not None),
                notes if isinstance(notes, str) else None,
            )
        except ProblemError as exc:
            return {"error": exc.detail}
        return {
            "draft": {
                "lines": [
                    {"name": line.name, "quantity": line.quantity} for line in self.draft.lines
                ],
                "total_text": format_amount(
                    self.draft.total, self.draft.currency or "EUR", self._language
                ),
            }
        }

    def _described(self, item: MenuItem) -> dict[str, Any]:
        def price(amount: int) -> str:
            return format_amount(amount, item.currency, self._language)

        return {
            "product_id": str(item.id),
            "name": item.name,
            "description": item.description,
            "price": item.price,
            "price_text": price(item.price),
            "currency": item.currency,
            "available": item.available,
            "allergens": list(item.allergens),
            "tags": list(item.tags),
            "modifier_groups": [
                {
                    "name": group.name,
                    "min_choices": group.min_choices,
                    "max_choices": group.max_choices,
                    "options": [
                        {
                            "option_id": str(option.id),
                            "name": option.name,
                            "price_delta_text": price(option.price_delta),
                        }
                        for option in group.options
                    ],
                }
                for group in item.modifier_groups
            ],
        }


def _arguments(arguments: str) -> dict[str, Any]:
    """A call's arguments as the model wrote them; {} when they are not a JSON object."""
    try:
        parsed = json.loads(arguments or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
