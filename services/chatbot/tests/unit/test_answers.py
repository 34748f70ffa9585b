"""A question's turn: the LLM answers through its guards, the embedded assistant when it cannot."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from pos_chatbot.adapters.store.conversations import ConversationRepository
from pos_chatbot.adapters.store.embedded import MEMORY, EmbeddedStore
from pos_chatbot.adapters.store.menu_items import MenuItemRepository
from pos_chatbot.adapters.store.restaurants import RetentionRepository
from pos_chatbot.domain.callers import Caller
from pos_chatbot.domain.conversations import Prompt, ToolBox
from pos_chatbot.domain.errors import (
    AssistantBusy,
    ConversationFull,
    ConversationNotFound,
    QuestionTooLong,
)
from pos_chatbot.domain.menu import Menu
from pos_chatbot.use_cases.admission import Bulkhead, Rate, RateLimits
from pos_chatbot.use_cases.answers import Answers, GuardedLlm, Limits
from pos_chatbot.use_cases.conversations import Conversations
from pos_chatbot.use_cases.drafts import Drafts
from pos_chatbot.use_cases.menu_copy import MenuCopy
from pos_chatbot.use_cases.retention import Retention
from pos_kit.http import BreakerPolicy, CircuitBreaker, CircuitState


class Writer:
    """An LLM that says `pieces`, then fails with `failure` if one is given."""

    def __init__(self, *pieces: str, failure: Exception | None = None) -> None:
        self.pieces = pieces
        self.failure = failure
        self.calls = 0

    async def write(self, prompt: Prompt, tools: ToolBox) -> AsyncIterator[str]:
        self.calls += 1
        for piece in self.pieces:
            yield piece
        if self.failure is not None:
            raise self.failure


class Inventory:
    def __init__(self, menu: Menu) -> None:
        self.menu_items = list(menu.items)

    async def menu(self, *, tenant_id: uuid.UUID) -> list[Any]:
        return self.menu_items


@pytest.fixture
async def store() -> AsyncIterator[EmbeddedStore]:
    opened = EmbeddedStore(MEMORY)
    yield opened
    await opened.close()


@pytest.fixture
def make_answers(store: EmbeddedStore, bistro: Menu) -> Any:
    def make(writer: Writer | None, *, max_messages: int = 200, failures: int = 5) -> Answers:
        retention = Retention(
            RetentionRepository(store.collection("restaurants")), default=timedelta(days=30)
        )
        conversations = Conversations(
            ConversationRepository(store.collection("conversations")), retention
        )
        menu = MenuCopy(
            MenuItemRepository(store.collection("menu_items")),
            Inventory(bistro),  # type: ignore[arg-type]
            catch_up_interval=30,
        )
        llm = None
        if writer is not None:
            llm = GuardedLlm(
                writer=writer,
                bulkhead=Bulkhead(max_concurrent=1, queue_size=1, retry_after_seconds=1),
                breaker=CircuitBreaker("llm", BreakerPolicy(consecutive_failures=failures)),
                timeout_seconds=5,
            )
        return Answers(
            conversations=conversations,
            menu=menu,
            drafts=Drafts(conversations, menu, None),  # type: ignore[arg-type]
            rate_limits=RateLimits(restaurant=Rate(1000, 1000), caller=Rate(1000, 1000)),
            limits=Limits(max_question_chars=200, max_messages=max_messages, history_messages=10),
            llm=llm,
        )

    return make


def guest() -> Caller:
    return Caller(uuid.uuid4(), f"guest:{uuid.uuid4()}", "guest", uuid.uuid4(), token="t")


async def ask(answers: Answers, caller: Caller, question: str) -> str:
    conversation = await answers.conversations.open(caller)
    turn = await answers.ask(caller, conversation.id, question)
    return (await turn.reply()).text


async def test_the_llms_checked_reply_is_the_answer(make_answers: Any) -> None:
    writer = Writer("The **Burrata** is ", "€11.50. A lovely ", "starter.")
    answers = make_answers(writer)

    assert await ask(answers, guest(), "burrata?") == "The Burrata is €11.50. A lovely starter."
    assert answers.llm.bulkhead.admitted == 0


async def test_an_llm_error_before_any_word_gets_the_embedded_answer(make_answers: Any) -> None:
    answers = make_answers(Writer(failure=RuntimeError("model crashed")))

    assert await ask(answers, guest(), "How much is the burrata?") == "Burrata costs €11.50."
    assert answers.llm.bulkhead.admitted == 0


async def test_an_llm_failing_halfway_ends_the_answer_with_what_was_checked(
    make_answers: Any,
) -> None:
    writer = Writer("The **Burrata** is €11.50. And the ", failure=RuntimeError("connection lost"))
    answers = make_answers(writer)

    assert await ask(answers, guest(), "burrata?") == "The Burrata is €11.50."


async def test_a_reply_grounding_refuses_whole_gets_the_embedded_answer(make_answers: Any) -> None:
    answers = make_answers(Writer("Try our **Lobster Thermidor** at €39.00."))

    assert await ask(answers, guest(), "How much is the burrata?") == "Burrata costs €11.50."


async def test_an_open_circuit_skips_the_llm_and_its_bulkhead(make_answers: Any) -> None:
    writer = Writer(failure=RuntimeError("down"))
    answers = make_answers(writer, failures=2)
    for _ in range(2):
        await ask(answers, guest(), "burrata?")

    reply = await ask(answers, guest(), "How much is the burrata?")

    assert answers.llm.breaker.state is CircuitState.OPEN
    assert (writer.calls, reply) == (2, "Burrata costs €11.50.")


async def test_the_turn_is_kept_with_who_answered_and_the_facts(make_answers: Any) -> None:
    answers = make_answers(None)
    caller = guest()
    conversation = await answers.conversations.open(caller)
    await (await answers.ask(caller, conversation.id, "How much is the burrata?")).reply()

    kept = await answers.conversations.get(caller, conversation.id)

    question, reply = kept.messages
    assert (question.text, reply.text, reply.answered_by) == (
        "How much is the burrata?",
        "Burrata costs €11.50.",
        "embedded",
    )
    assert [fact.name for fact in reply.facts] == ["Burrata"]


async def test_a_question_too_long_or_a_full_conversation_is_refused(make_answers: Any) -> None:
    answers = make_answers(None, max_messages=2)
    caller = guest()
    conversation = await answers.conversations.open(caller)
    await (await answers.ask(caller, conversation.id, "hello")).reply()

    with pytest.raises(QuestionTooLong):
        await answers.ask(caller, conversation.id, "x" * 201)
    with pytest.raises(ConversationFull):
        await answers.ask(caller, conversation.id, "hello again")


async def test_a_full_bulkhead_refuses_before_the_conversation_is_read(make_answers: Any) -> None:
    answers = make_answers(Writer("The **Burrata** is €11.50."))
    caller = guest()
    conversation = await answers.conversations.open(caller)
    answers.llm.bulkhead.admitted = answers.llm.bulkhead.capacity  # every place taken
    reads = 0
    read = answers.conversations.get

    async def counted_read(*args: Any) -> Any:
        nonlocal reads
        reads += 1
        return await read(*args)

    answers.conversations.get = counted_read  # type: ignore[method-assign]

    with pytest.raises(AssistantBusy):
        await answers.ask(caller, conversation.id, "burrata?")
    assert reads == 0


async def test_a_question_refused_after_admission_gives_its_place_back(make_answers: Any) -> None:
    answers = make_answers(Writer("The **Burrata** is €11.50."), max_messages=2)
    caller = guest()
    conversation = await answers.conversations.open(caller)
    await (await answers.ask(caller, conversation.id, "burrata?")).reply()

    with pytest.raises(ConversationNotFound):
        await answers.ask(caller, uuid.uuid4(), "burrata?")
    with pytest.raises(ConversationFull):
        await answers.ask(caller, conversation.id, "and the burrata?")
    assert answers.llm.bulkhead.admitted == 0
