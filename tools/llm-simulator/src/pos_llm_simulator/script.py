"""What the simulator answers: scripted turns first, else its scenario.

A turn is one completion: words (`Reply`), tool calls (`CallTools`), or an error
status (`Fail`). Turns queued with `Simulator.script(...)` (or POST /_simulator/script)
answer the next requests in order. With none queued, the scenario answers like a menu
assistant: asked a question with tools on offer, it calls `search_menu` with the
question; given the tool's result, it names the first items with their prices, in
bold, as the chatbot's system prompt asks. The scenarios differ in what they get wrong:

- `grounded`: nothing.
- `wrong-price`: the first item's price is raised by 3 (e.g. €11.50 -> €14.50).
- `made-up-dish`: after the true items, it recommends a dish no menu has.

The tool result it reads is the chatbot's: `{"items": [{"name", "price_text", ...}]}`
or `{"item": {...}}`.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

MADE_UP_DISH = "Truffle Lobster Risotto"
MADE_UP_PRICE = "€24.00"
Scenario = Literal["grounded", "wrong-price", "made-up-dish"]
SCENARIOS: tuple[str, ...] = get_args(Scenario)


@dataclass(frozen=True)
class Reply:
    text: str


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class CallTools:
    calls: tuple[ToolCall, ...]


@dataclass(frozen=True)
class Fail:
    status: int = 500
    message: str = "The model failed (scripted)."


Turn = Reply | CallTools | Fail


def turn_from(document: dict[str, Any]) -> Turn:
    """A turn as the admin API takes it: {"reply": ...}, {"tool_calls": [...]}, {"status": ...}."""
    if "reply" in document:
        return Reply(str(document["reply"]))
    if "tool_calls" in document:
        return CallTools(
            tuple(ToolCall(c["name"], dict(c.get("arguments", {}))) for c in document["tool_calls"])
        )
    if "status" in document:
        return Fail(int(document["status"]), str(document.get("message", Fail.message)))
    raise ValueError("a turn has reply, tool_calls or status")


@dataclass
class Simulator:
    latency_seconds: float = 0.0
    scenario: str = "grounded"
    # Every completion request received, oldest first (its JSON body).
    requests: list[dict[str, Any]] = field(default_factory=list)
    held: int = 0
    _queued: deque[Turn] = field(default_factory=deque)
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self._released.set()

    @property
    def hanging(self) -> bool:
        return not self._released.is_set()

    @property
    def received(self) -> int:
        return len(self.requests)

    def hang(self, on: bool) -> None:
        """Hold every request from now on (True), or let the held ones and all others go."""
        if on:
            self._released.clear()
        else:
            self._released.set()

    def script(self, *turns: Turn) -> None:
        self._queued.extend(turns)

    def clear_script(self) -> None:
        self._queued.clear()

    async def answer(self, request: dict[str, Any]) -> Turn:
        """The turn for one completion request, once the hang and the latency are over."""
        self.requests.append(request)
        self.held += 1
        try:
            await self._released.wait()
        finally:
            self.held -= 1
        if self.latency_seconds:
            await asyncio.sleep(self.latency_seconds)
        if self._queued:
            return self._queued.popleft()
        return self._scenario_turn(request)

    def _scenario_turn(self, request: dict[str, Any]) -> Turn:
        messages = request.get("messages") or []
        last = messages[-1] if messages else {}
        if last.get("role") == "tool":
            return Reply(self._menu_answer(_items_in(last.get("content") or "")))
        if last.get("role") == "user" and request.get("tools"):
            return CallTools((ToolCall("search_menu", {"query": str(last.get("content", ""))}),))
        return Reply("I can tell you about our menu.")

    def _menu_answer(self, items: list[dict[str, Any]]) -> str:
        if not items:
            return "Sorry, that is not on our menu."
        sentences = [f"**{item['name']}** is {item['price_text']}." for item in items[:3]]
        if self.scenario == "wrong-price":
            sentences[0] = f"**{items[0]['name']}** is {_raised(items[0]['price_text'])}."
        if self.scenario == "made-up-dish":
            sentences.append(
                f"Tonight I also recommend our **{MADE_UP_DISH}** at {MADE_UP_PRICE}, "
                "a guest favourite."
            )
        return " ".join(sentences)


def _items_in(content: str) -> list[dict[str, Any]]:
    try:
        result = json.loads(content)
    except ValueError:
        return []
    if not isinstance(result, dict):
        return []
    if isinstance(result.get("item"), dict):
        return [result["item"]]
    items = result.get("items")
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _raised(price_text: str) -> str:
    """The price with 3 more whole units: "€11.50" -> "€14.50", "11,50 €" -> "14,50 €"."""
    return re.sub(r"\d+", lambda m: str(int(m.group(0)) + 3), price_text, count=1)
