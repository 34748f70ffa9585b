"""A reply as Server-Sent Events: `chunk` events with checked sentences, then `reply`.

    event: chunk
    data: {"text": "Burrata costs €11.50."}

    event: reply
    data: {"reply": "...", "facts": [...], "draft": null}

A failure after the stream began (the response is already 200) arrives as an `error`
event carrying the problem (RFC 9457 fields) the JSON answer would have had.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from pos_chatbot.api.schemas import ReplyOut
from pos_chatbot.use_cases.answers import Turn
from pos_kit import context
from pos_kit.errors import ProblemError, ServiceUnavailable

EVENT_STREAM = "text/event-stream"
PROBLEM_TYPE_BASE = "https://pos.example/problems/"


def _event(name: str, data: Any) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def reply_events(turn: Turn) -> AsyncIterator[str]:
    try:
        async for piece in turn.pieces():
            yield _event("chunk", {"text": piece})
        reply = await turn.reply()
    except ProblemError as exc:
        yield _event("error", _problem(exc))
        return
    except Exception:
        yield _event("error", _problem(ServiceUnavailable("The assistant could not answer.")))
        return
    yield _event("reply", ReplyOut.model_validate(reply).model_dump(mode="json"))


def _problem(exc: ProblemError) -> dict[str, Any]:
    return {
        "type": PROBLEM_TYPE_BASE + exc.type_slug,
        "title": exc.title,
        "status": exc.status,
        "detail": exc.detail,
        "correlation_id": context.current_correlation_id(),
        **exc.extra,
    }
