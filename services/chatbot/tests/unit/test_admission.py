"""Admission: rate limits per guest and per restaurant, and the LLM bulkhead, refuse at once."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from pos_chatbot.domain.callers import Caller
from pos_chatbot.domain.errors import AssistantBusy
from pos_chatbot.use_cases.admission import Bulkhead, Rate, RateLimits
from pos_kit.errors import TooManyRequests
from pos_kit.events.testing import wait_until


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def guest(tenant_id: uuid.UUID) -> Caller:
    return Caller(tenant_id, f"guest:{uuid.uuid4()}", "guest", uuid.uuid4())


def test_a_guest_beyond_their_rate_waits_as_long_as_retry_after_says() -> None:
    clock = Clock()
    limits = RateLimits(restaurant=Rate(100, 100), caller=Rate(0.5, 2), clock=clock)
    someone = guest(uuid.uuid4())
    limits.admit(someone)
    limits.admit(someone)

    with pytest.raises(TooManyRequests) as refused:
        limits.admit(someone)
    clock.now += 2.0  # one question's worth at half a question a second

    assert refused.value.headers == {"Retry-After": "2"}
    limits.admit(someone)


def test_a_restaurant_beyond_its_rate_refuses_its_guests_but_not_anothers() -> None:
    limits = RateLimits(restaurant=Rate(1, 2), caller=Rate(100, 100), clock=Clock())
    busy, quiet = uuid.uuid4(), uuid.uuid4()
    limits.admit(guest(busy))
    limits.admit(guest(busy))

    with pytest.raises(TooManyRequests):
        limits.admit(guest(busy))
    limits.admit(guest(quiet))


def test_a_refused_question_takes_nothing_from_the_guests_share() -> None:
    clock = Clock()
    limits = RateLimits(restaurant=Rate(1, 1), caller=Rate(1, 1), clock=clock)
    someone = guest(uuid.uuid4())
    limits.admit(guest(someone.tenant_id))  # the restaurant's one token

    with pytest.raises(TooManyRequests):
        limits.admit(someone)
    clock.now += 1.0
    limits.admit(someone)  # their own token was left untouched


async def test_the_bulkhead_admits_its_slots_and_its_queue_then_refuses_at_once() -> None:
    bulkhead = Bulkhead(max_concurrent=2, queue_size=1, retry_after_seconds=7)
    tickets = [bulkhead.admit() for _ in range(3)]

    with pytest.raises(AssistantBusy) as refused:
        bulkhead.admit()
    tickets[0].leave()
    bulkhead.admit()

    assert refused.value.status == 503
    assert refused.value.headers == {"Retry-After": "7"}


async def test_at_most_max_concurrent_calls_run_the_others_wait_their_turn() -> None:
    bulkhead = Bulkhead(max_concurrent=2, queue_size=2, retry_after_seconds=1)
    release = asyncio.Event()
    running_most = 0

    async def call() -> None:
        nonlocal running_most
        ticket = bulkhead.admit()
        try:
            async with ticket.slot():
                running_most = max(running_most, bulkhead.running)
                await release.wait()
        finally:
            ticket.leave()

    calls = [asyncio.create_task(call()) for _ in range(4)]

    async def two_running() -> bool:
        return bulkhead.running == 2 and bulkhead.waiting == 2

    await wait_until(two_running, what="two calls running and two waiting")
    waiting = bulkhead.waiting
    release.set()
    await asyncio.gather(*calls)

    assert (running_most, waiting) == (2, 2)
    assert (bulkhead.admitted, bulkhead.running) == (0, 0)


async def test_a_question_that_gives_up_waiting_frees_its_place() -> None:
    bulkhead = Bulkhead(max_concurrent=1, queue_size=1, retry_after_seconds=1)
    holder = bulkhead.admit()
    async with holder.slot():
        waiter = bulkhead.admit()
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.01), waiter.slot():
                pass
        waiter.leave()
        assert bulkhead.admitted == 1
    holder.leave()
    assert bulkhead.admitted == 0


def retry_after(refused: pytest.ExceptionInfo[Exception]) -> int:
    error = refused.value
    assert isinstance(error, TooManyRequests | AssistantBusy)
    return int(error.headers["Retry-After"])


def test_guests_a_restaurant_turns_away_are_told_to_come_back_one_after_another() -> None:
    # 5 questions a second for the restaurant: the 50 guests it turns away are spread
    # over 10 s instead of all coming back in 1 s to be turned away again.
    limits = RateLimits(restaurant=Rate(5, 1), caller=Rate(100, 100), clock=Clock())
    restaurant = uuid.uuid4()
    limits.admit(guest(restaurant))  # its one token

    told = []
    for _ in range(50):
        with pytest.raises(TooManyRequests) as refused:
            limits.admit(guest(restaurant))
        told.append(retry_after(refused))

    assert told[:5] == [1] * 5
    assert told == sorted(told)
    assert told[-1] == 10


def test_a_guest_coming_back_on_time_is_answered_and_leaves_the_line() -> None:
    clock = Clock()
    limits = RateLimits(restaurant=Rate(1, 1), caller=Rate(100, 100), clock=clock)
    restaurant = uuid.uuid4()
    first, second = guest(restaurant), guest(restaurant)
    limits.admit(guest(restaurant))
    with pytest.raises(TooManyRequests) as first_told:
        limits.admit(first)
    with pytest.raises(TooManyRequests) as second_told:
        limits.admit(second)
    assert (retry_after(first_told), retry_after(second_told)) == (1, 2)

    clock.now += 1
    limits.admit(first)  # their turn: the token that came back is theirs
    clock.now += 1
    limits.admit(second)
    third = guest(restaurant)
    with pytest.raises(TooManyRequests) as third_told:
        limits.admit(third)

    assert retry_after(third_told) == 1  # nobody is ahead any more


def test_asking_again_early_gives_up_the_place_held() -> None:
    limits = RateLimits(restaurant=Rate(1, 1), caller=Rate(100, 100), clock=Clock())
    restaurant = uuid.uuid4()
    impatient = guest(restaurant)
    limits.admit(guest(restaurant))
    with pytest.raises(TooManyRequests):
        limits.admit(impatient)
    for _ in range(3):
        with pytest.raises(TooManyRequests):
            limits.admit(guest(restaurant))

    with pytest.raises(TooManyRequests) as again:
        limits.admit(impatient)

    assert retry_after(again) == 4  # behind the three who came after the first time


def test_a_guest_over_their_own_rate_is_not_put_in_the_restaurants_line() -> None:
    limits = RateLimits(restaurant=Rate(100, 100), caller=Rate(0.5, 1), clock=Clock())
    restaurant = uuid.uuid4()
    chatty = guest(restaurant)
    limits.admit(chatty)
    for _ in range(5):
        with pytest.raises(TooManyRequests) as refused:
            limits.admit(chatty)
        assert retry_after(refused) == 2  # their own rate, however often they ask
    limits.admit(guest(restaurant))


async def test_the_full_bulkheads_refusals_are_spread_at_the_rate_calls_finish() -> None:
    clock = Clock()
    bulkhead = Bulkhead(max_concurrent=2, queue_size=2, retry_after_seconds=1, clock=clock)
    for _ in range(2):  # calls have been taking 4 s: the line moves at 2 / 4 s
        ticket = bulkhead.admit("earlier")
        async with ticket.slot():
            clock.now += 4
        ticket.leave()
    tickets = [bulkhead.admit(f"guest-{n}") for n in range(4)]  # 2 running, 2 queued

    told = []
    for n in range(4):
        with pytest.raises(AssistantBusy) as refused:
            bulkhead.admit(f"turned-away-{n}")
        told.append(retry_after(refused))
    for ticket in tickets:
        ticket.leave()

    # Behind the 2 queued: 3rd, 4th, 5th and 6th in line at half a call a second.
    assert told == [6, 8, 10, 12]
