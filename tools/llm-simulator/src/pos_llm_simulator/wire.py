"""The Chat Completions wire format: a completion answered whole, or streamed as chunks."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from pos_llm_simulator.script import CallTools, Reply

_call_ids = itertools.count(1)


def _envelope(model: str, obj: str, completion_id: str) -> dict[str, Any]:
    return {"id": completion_id, "object": obj, "created": int(time.time()), "model": model}


def _tool_calls(turn: CallTools) -> list[dict[str, Any]]:
    return [
        {
            "id": f"call_{next(_call_ids)}",
            "type": "function",
            "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
        }
        for call in turn.calls
    ]


def completion(turn: Reply | CallTools, model: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": None}
    if isinstance(turn, Reply):
        message["content"] = turn.text
        finish = "stop"
    else:
        message["tool_calls"] = _tool_calls(turn)
        finish = "tool_calls"
    return {
        **_envelope(model, "chat.completion", f"chatcmpl-{uuid.uuid4().hex[:12]}"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def chunks(turn: Reply | CallTools, model: str) -> Iterator[str]:
    """The turn as Server-Sent Events: a chunk per few words (or per tool call), then [DONE]."""
    envelope = _envelope(model, "chat.completion.chunk", f"chatcmpl-{uuid.uuid4().hex[:12]}")

    def event(delta: dict[str, Any], finish: str | None = None) -> str:
        body = {**envelope, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(body)}\n\n"

    yield event({"role": "assistant", "content": ""})
    if isinstance(turn, Reply):
        words = turn.text.split(" ")
        for start in range(0, len(words), 3):
            piece = " ".join(words[start : start + 3])
            yield event({"content": piece if start == 0 else " " + piece})
        yield event({}, "stop")
    else:
        for index, call in enumerate(_tool_calls(turn)):
            # The name first, then the arguments in two halves, as real servers stream them.
            arguments = call["function"]["arguments"]
            half = len(arguments) // 2
            first = {"name": call["function"]["name"], "arguments": arguments[:half]}
            head = {"index": index, "id": call["id"], "type": "function", "function": first}
            yield event({"tool_calls": [head]})
            rest = {"index": index, "function": {"arguments": arguments[half:]}}
            yield event({"tool_calls": [rest]})
        yield event({}, "tool_calls")
    yield "data: [DONE]\n\n"
