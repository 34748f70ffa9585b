"""The simulator's scenarios and settings, without a server."""

from __future__ import annotations

import json

import pytest

from pos_llm_simulator.config import SimulatorSettings
from pos_llm_simulator.script import (
    MADE_UP_DISH,
    CallTools,
    Fail,
    Reply,
    Simulator,
    ToolCall,
    turn_from,
)

BURRATA = {"name": "Burrata", "price_text": "€11.50"}
FRIES = {"name": "Fries", "price_text": "4,50 €"}


def asked(question: str) -> dict[str, object]:
    return {"messages": [{"role": "user", "content": question}], "tools": [{"type": "function"}]}


def answered(*items: dict[str, str]) -> dict[str, object]:
    result = json.dumps({"items": list(items)})
    return {"messages": [{"role": "user", "content": "?"}, {"role": "tool", "content": result}]}


async def test_a_question_with_tools_on_offer_is_searched_for() -> None:
    turn = await Simulator().answer(asked("anything vegan?"))
    assert turn == CallTools((ToolCall("search_menu", {"query": "anything vegan?"}),))


async def test_the_grounded_scenario_names_the_items_found_with_their_prices() -> None:
    turn = await Simulator().answer(answered(BURRATA, FRIES))
    assert turn == Reply("**Burrata** is €11.50. **Fries** is 4,50 €.")


async def test_the_wrong_price_scenario_raises_the_first_price() -> None:
    turn = await Simulator(scenario="wrong-price").answer(answered(BURRATA, FRIES))
    assert turn == Reply("**Burrata** is €14.50. **Fries** is 4,50 €.")


async def test_the_made_up_dish_scenario_adds_a_dish_after_the_true_ones() -> None:
    turn = await Simulator(scenario="made-up-dish").answer(answered(BURRATA))
    assert isinstance(turn, Reply)
    assert turn.text.startswith("**Burrata** is €11.50. ")
    assert MADE_UP_DISH in turn.text


async def test_scripted_turns_answer_first_in_order_then_the_scenario() -> None:
    simulator = Simulator()
    simulator.script(Reply("one"), Fail(503))
    assert await simulator.answer(asked("a")) == Reply("one")
    assert await simulator.answer(asked("b")) == Fail(503)
    assert isinstance(await simulator.answer(asked("c")), CallTools)
    assert [r["messages"][0]["content"] for r in simulator.requests] == ["a", "b", "c"]


def test_turns_are_read_from_the_admin_api_documents() -> None:
    assert turn_from({"reply": "hi"}) == Reply("hi")
    assert turn_from({"tool_calls": [{"name": "get_item", "arguments": {"name": "x"}}]}) == (
        CallTools((ToolCall("get_item", {"name": "x"}),))
    )
    assert turn_from({"status": 500}) == Fail(500)
    with pytest.raises(ValueError, match="reply, tool_calls or status"):
        turn_from({"nothing": True})


def test_settings_come_from_the_environment() -> None:
    settings = SimulatorSettings.from_env(
        {
            "POS_LLM_SIMULATOR_PORT": "9999",
            "POS_LLM_SIMULATOR_LATENCY_SECONDS": "2",
            "POS_LLM_SIMULATOR_HANG": "yes",
            "POS_LLM_SIMULATOR_SCENARIO": "made-up-dish",
        }
    )
    assert settings == SimulatorSettings(
        port=9999, latency_seconds=2.0, hang=True, scenario="made-up-dish"
    )
    with pytest.raises(ValueError, match="SCENARIO"):
        SimulatorSettings.from_env({"POS_LLM_SIMULATOR_SCENARIO": "poetry"})
