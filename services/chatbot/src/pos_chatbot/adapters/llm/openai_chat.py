"""The OpenAI-compatible provider: Chat Completions, streamed, with the menu tools.

The model may call tools for a few rounds (each answered from the menu copy through
the `ToolBox` the turn hands in, bound to the conversation's restaurant); the last
round offers no tools, so it must answer in words. The reply's text is yielded as it
streams; the turn checks it sentence by sentence before the guest sees any of it.
Retries are off: a slow or failing model is the turn's to judge (timeout, breaker,
the embedded assistant), not something to retry inside its time budget.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import cast

from openai import AsyncOpenAI, omit
from openai.types.chat import ChatCompletionToolParam

from pos_chatbot.adapters.llm.prompt import messages_for
from pos_chatbot.domain.conversations import Prompt, ToolBox


@dataclass
class _PendingCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class OpenAIChat:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str,
        max_tool_rounds: int,
        request_timeout_seconds: float,
    ) -> None:
        self._client = AsyncOpenAI(
            base_url=base_url, api_key=api_key, max_retries=0, timeout=request_timeout_seconds
        )
        self._model = model
        self._max_tool_rounds = max_tool_rounds

    async def aclose(self) -> None:
        await self._client.close()

    async def write(self, prompt: Prompt, tools: ToolBox) -> AsyncIterator[str]:
        messages = messages_for(prompt)
        for round_ in range(self._max_tool_rounds + 1):
            offer_tools = round_ < self._max_tool_rounds
            specs = cast(list[ChatCompletionToolParam], list(tools.specs))
            stream = await self._client.chat.completions.create(
                model=self._model,
                messages=messages,
                stream=True,
                tools=specs if offer_tools else omit,
            )
            calls: dict[int, _PendingCall] = {}
            said: list[str] = []
            async for chunk in stream:
                if not chunk.choices:
                    continue
                delta = chunk.choices[0].delta
                if delta.content:
                    said.append(delta.content)
                    yield delta.content
                for call in delta.tool_calls or ():
                    pending = calls.setdefault(call.index, _PendingCall())
                    pending.id = call.id or pending.id
                    if call.function is not None:
                        pending.name += call.function.name or ""
                        pending.arguments.append(call.function.arguments or "")
            if not calls:
                return
            ordered = [calls[index] for index in sorted(calls)]
            messages.append(
                {
                    "role": "assistant",
                    "content": "".join(said) or None,
                    "tool_calls": [
                        {
                            "id": pending.id,
                            "type": "function",
                            "function": {
                                "name": pending.name,
                                "arguments": "".join(pending.arguments),
                            },
                        }
                        for pending in ordered
                    ],
                }
            )
            for pending in ordered:
                result = await tools.run(pending.name, "".join(pending.arguments))
                messages.append({"role": "tool", "tool_call_id": pending.id, "content": result})
