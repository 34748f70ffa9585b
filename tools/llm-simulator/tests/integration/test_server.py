"""The simulator over HTTP, driven by the official openai SDK as the chatbot drives it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import openai
import pytest

from pos_kit.testing.servers import ThreadedServer
from pos_llm_simulator.app import create_app
from pos_llm_simulator.config import SimulatorSettings

QUESTION = [{"role": "user", "content": "Anything vegan?"}]
TOOL = {"type": "function", "function": {"name": "search_menu", "parameters": {}}}


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer(create_app(SimulatorSettings())) as running:
        yield running


@pytest.fixture
def admin(server: ThreadedServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.delete("/_simulator/script")
        client.delete("/_simulator/requests")
        client.put("/_simulator/settings", json={"hang": False, "scenario": "grounded"})
        yield client


@pytest.fixture
def llm(server: ThreadedServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{server.url}/v1", api_key="test", max_retries=0) as client:
        yield client


def test_a_reply_streams_in_pieces_that_make_the_whole_text(
    admin: httpx.Client, llm: openai.OpenAI
) -> None:
    text = "The Burrata is eleven fifty, and it is lovely tonight."
    admin.post("/_simulator/script", json={"turns": [{"reply": text}]})
    stream = llm.chat.completions.create(model="m", messages=QUESTION, stream=True)
    pieces = [c.choices[0].delta.content for c in stream if c.choices[0].delta.content]
    assert len(pieces) > 1
    assert "".join(pieces) == text


def test_tool_calls_stream_as_the_sdk_reassembles_them(
    admin: httpx.Client, llm: openai.OpenAI
) -> None:
    stream = llm.chat.completions.create(model="m", messages=QUESTION, tools=[TOOL], stream=True)
    name, arguments, finish = "", "", None
    for chunk in stream:
        choice = chunk.choices[0]
        for call in choice.delta.tool_calls or []:
            name += call.function.name or "" if call.function else ""
            arguments += call.function.arguments or "" if call.function else ""
        finish = choice.finish_reason or finish
    assert (name, json.loads(arguments), finish) == (
        "search_menu",
        {"query": "Anything vegan?"},
        "tool_calls",
    )


def test_a_whole_completion_answers_the_tool_result(
    admin: httpx.Client, llm: openai.OpenAI
) -> None:
    admin.put("/_simulator/settings", json={"scenario": "wrong-price"})
    result = json.dumps({"items": [{"name": "Burrata", "price_text": "€11.50"}]})
    messages = [*QUESTION, {"role": "tool", "tool_call_id": "call_1", "content": result}]
    answer = llm.chat.completions.create(model="m", messages=messages)  # type: ignore[arg-type]
    assert answer.choices[0].message.content == "**Burrata** is €14.50."


def test_a_scripted_failure_is_an_api_error(admin: httpx.Client, llm: openai.OpenAI) -> None:
    admin.post("/_simulator/script", json={"turns": [{"status": 503}]})
    with pytest.raises(openai.APIStatusError) as failed:
        llm.chat.completions.create(model="m", messages=QUESTION)
    assert failed.value.status_code == 503


def test_a_hang_holds_requests_until_it_is_lifted(admin: httpx.Client, llm: openai.OpenAI) -> None:
    admin.put("/_simulator/settings", json={"hang": True})
    admin.post("/_simulator/script", json={"turns": [{"reply": "At last."}]})
    answers: list[str | None] = []
    asking = threading.Thread(
        target=lambda: answers.append(
            llm.chat.completions.create(model="m", messages=QUESTION).choices[0].message.content
        )
    )
    asking.start()
    while admin.get("/_simulator/settings").json()["held"] < 1:
        assert asking.is_alive(), "the request was answered through the hang"
        time.sleep(0.01)
    assert answers == []
    admin.put("/_simulator/settings", json={"hang": False})
    asking.join(timeout=20)
    assert answers == ["At last."]
    assert [r["messages"] for r in admin.get("/_simulator/requests").json()] == [QUESTION]
