"""Small kernel pieces: periodic jobs, dispatch by event type, card numbers, errors, test tools."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from fastapi import FastAPI

from pos_kit.cards import card_numbers_in, luhn_valid, without_card_numbers
from pos_kit.errors import Conflict
from pos_kit.events import Event, MalformedEvent, by_type, subjects_of
from pos_kit.events.testing import wait_until
from pos_kit.events.worker import PeriodicJob
from pos_kit.http import DownstreamTimeout, answer_detail
from pos_kit.testing.http import expect
from pos_kit.testing.servers import ThreadedServer

VISA = "4242 4242 4242 4242"


class Sweep(PeriodicJob):
    """Fails its first run, then counts its runs."""

    def __init__(self) -> None:
        super().__init__(name="test-sweep", interval=0.01, max_backoff=0.02)
        self.runs = 0

    async def run_once(self) -> int:
        self.runs += 1
        if self.runs == 1:
            raise ConnectionResetError("the database went away for a moment")
        return 1


async def test_a_periodic_job_survives_a_failure_and_keeps_running() -> None:
    sweep = Sweep()
    await sweep.start()
    try:
        await wait_until(lambda: _ran(sweep, 3), within=5, what="three runs")
        assert sweep.running
    finally:
        await sweep.stop()
    assert not sweep.running


async def _ran(sweep: Sweep, times: int) -> bool:
    return sweep.runs >= times


def an_event(event_type: str) -> Event:
    return Event.new(
        source="pos-core",
        type=event_type,
        data={},
        tenant_id=str(uuid.uuid4()),
        correlation_id="c",
    )


async def test_events_go_to_the_handler_of_their_type_and_others_are_malformed() -> None:
    seen: list[str] = []

    async def placed(work: list[str], event: Event) -> None:
        work.append("placed:" + event.type)

    handle = by_type({"order.placed": placed})
    await handle(seen, an_event("order.placed"))
    assert seen == ["placed:order.placed"]
    with pytest.raises(MalformedEvent, match=r"order\.paid"):
        await handle(seen, an_event("order.paid"))
    assert subjects_of({"order.placed": placed}) == ["pos.events.order.placed"]


@pytest.mark.parametrize("written", [VISA, "4242-4242-4242-4242", "4242424242424242"])
def test_card_numbers_are_found_and_replaced_as_typed(written: str) -> None:
    text = f"my card is {written}, thanks"
    assert list(card_numbers_in(text)) == ["4242424242424242"]
    assert without_card_numbers(text) == "my card is [card number], thanks"


@pytest.mark.parametrize(
    "text",
    [
        "4242 4242 4242 4241",  # the checksum fails
        "order 8f14e45f-4242-4242-4242-424242424242",  # part of a UUID
        "at 2026-11-30 12:00, table 4242",  # dates and numbers
    ],
)
def test_what_is_not_a_card_number_is_left_alone(text: str) -> None:
    assert list(card_numbers_in(text)) == []
    assert without_card_numbers(text) == text
    assert luhn_valid("4242424242424242")


class TableTaken(Conflict):
    default_detail = "Another order sits at this table."


def test_an_error_whose_message_never_varies_needs_none_given() -> None:
    assert TableTaken().detail == "Another order sits at this table."
    assert TableTaken("Table 4 is taken.").detail == "Table 4 is taken."
    with pytest.raises(TypeError, match="detail"):
        Conflict()


def test_another_services_answer_is_read_for_its_detail() -> None:
    problem = httpx.Response(409, json={"detail": "The e-mail has a login."})
    assert answer_detail(problem) == "The e-mail has a login."
    assert answer_detail(httpx.Response(502, text="<html>bad gateway</html>")).startswith("<html>")


def test_a_downstream_failure_can_be_told_in_the_callers_words() -> None:
    failure = DownstreamTimeout("auth", "auth timed out", reason="timeout", retry_after_seconds=7)
    told = failure.reworded("The login may or may not have been made.")
    assert type(told) is DownstreamTimeout
    assert (told.detail, told.reason, told.retry_after_seconds, told.downstream) == (
        "The login may or may not have been made.",
        "timeout",
        7,
        "auth",
    )


def test_a_stand_in_server_is_served_for_the_with_block_only() -> None:
    app = FastAPI()

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"answer": "pong"}

    with ThreadedServer(app) as server:
        assert expect(httpx.get(f"{server.url}/ping")) == {"answer": "pong"}
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.url}/ping")


def test_expect_shows_what_came_instead() -> None:
    request = httpx.Request("POST", "http://testserver/api/v1/orders")
    with pytest.raises(AssertionError, match="expected 201, got 409"):
        expect(httpx.Response(409, json={"detail": "no"}, request=request), 201)


async def test_wait_until_answers_what_it_waited_for() -> None:
    answers = iter([None, [], ["ticket"]])

    async def tickets() -> list[str] | None:
        await asyncio.sleep(0)
        return next(answers)

    assert await wait_until(tickets, interval=0) == ["ticket"]
