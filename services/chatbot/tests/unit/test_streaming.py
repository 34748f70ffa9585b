"""A reply as Server-Sent Events: its checked sentences, then the whole reply, or the problem."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from pos_chatbot.api.streaming import reply_events
from pos_chatbot.domain.conversations import Reply
from pos_chatbot.domain.errors import ConversationFull


class Turn:
    def __init__(self, *pieces: str, failure: Exception | None = None) -> None:
        self._pieces = pieces
        self._failure = failure

    async def pieces(self) -> AsyncIterator[str]:
        for piece in self._pieces:
            yield piece
        if self._failure is not None:
            raise self._failure

    async def reply(self) -> Reply:
        return Reply("".join(self._pieces))


async def streamed(turn: Any) -> list[tuple[str, Any]]:
    events = []
    async for block in reply_events(turn):
        name, data = block.strip().split("\n")
        events.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return events


async def test_each_sentence_is_an_event_then_the_reply() -> None:
    assert await streamed(Turn("Burrata costs €11.50.", " Fries costs €4.50.")) == [
        ("chunk", {"text": "Burrata costs €11.50."}),
        ("chunk", {"text": " Fries costs €4.50."}),
        (
            "reply",
            {"reply": "Burrata costs €11.50. Fries costs €4.50.", "facts": [], "draft": None},
        ),
    ]


async def test_a_failure_once_streaming_is_an_error_event_with_the_problem() -> None:
    events = await streamed(Turn("Burrata costs €11.50.", failure=ConversationFull(200)))

    assert [name for name, _ in events] == ["chunk", "error"]
    problem = events[-1][1]
    assert (problem["status"], problem["title"]) == (409, "Conflict")
    assert "200 messages" in problem["detail"]


async def test_an_unexpected_failure_says_only_that_the_assistant_could_not_answer() -> None:
    events = await streamed(Turn(failure=RuntimeError("secret internals")))

    assert events == [("error", events[0][1])]
    assert events[0][1]["status"] == 503
    assert "secret" not in json.dumps(events)
