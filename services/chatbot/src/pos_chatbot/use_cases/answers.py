"""Answering a question: admitted or refused at once, answered by the LLM or the embedded
assistant, checked against the menu copy sentence by sentence, then kept.

`Answers.ask` does everything that can refuse a question before any of the answer is
sent, cheapest first: the question's size, the guest's and the restaurant's rate limits,
a place in the LLM bulkhead (503 at once when full), then the conversation (404 if not
the caller's). The answer is then produced by a task of its own, which the request
reads as a stream of checked sentences (Server-Sent Events) or waits for whole (JSON);
a guest who goes away does not cut the answer short, so it is still in the history.

The LLM answers within `timeout_seconds` (the wait for a slot included), through its
circuit breaker. On a timeout, an error, an open circuit, or a reply grounding refused
whole, the embedded assistant answers instead, and the guest is told nothing about it.
Once some of the LLM's answer has been sent, a failure ends the answer there.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import structlog

from pos_chatbot.domain.assistant import EmbeddedAssistant
from pos_chatbot.domain.assistant.questions import read_question
from pos_chatbot.domain.callers import Caller, Party
from pos_chatbot.domain.conversations import (
    Conversation,
    Fact,
    Message,
    Prompt,
    Reply,
    Speaker,
    ToolBox,
)
from pos_chatbot.domain.drafts import Draft
from pos_chatbot.domain.errors import ConversationFull, QuestionTooLong
from pos_chatbot.domain.grounding import Grounding, SentenceBuffer
from pos_chatbot.domain.language import detect_language
from pos_chatbot.domain.menu import MenuItem
from pos_chatbot.domain.redaction import redact
from pos_chatbot.use_cases.admission import Bulkhead, RateLimits, Ticket
from pos_chatbot.use_cases.conversations import Conversations
from pos_chatbot.use_cases.drafts import Drafts
from pos_chatbot.use_cases.menu_copy import MenuCopy
from pos_chatbot.use_cases.menu_tools import AddToDraft, MenuTools
from pos_chatbot.use_cases.metrics import ANSWERS, GROUNDING
from pos_kit.errors import ServiceUnavailable
from pos_kit.http import CircuitBreaker, CircuitState

log = structlog.get_logger(__name__)

LLM = "llm"
EMBEDDED = "embedded"
AFTER_TIMEOUT = "embedded_after_timeout"
AFTER_ERROR = "embedded_after_error"
AFTER_OPEN_CIRCUIT = "embedded_after_open_circuit"
AFTER_REFUSAL = "embedded_after_refusal"


class ReplyWriter(Protocol):
    """An LLM provider: the reply's text as it comes, the tools answered through `tools`."""

    def write(self, prompt: Prompt, tools: ToolBox) -> AsyncIterator[str]: ...


@dataclass(frozen=True)
class GuardedLlm:
    """The LLM and what keeps it from slowing anything down."""

    writer: ReplyWriter
    bulkhead: Bulkhead
    breaker: CircuitBreaker
    timeout_seconds: float


@dataclass(frozen=True)
class Limits:
    max_question_chars: int
    max_messages: int
    history_messages: int


@dataclass(kw_only=True, eq=False)
class Answers:
    conversations: Conversations
    menu: MenuCopy
    drafts: Drafts
    rate_limits: RateLimits
    limits: Limits
    llm: GuardedLlm | None
    embedded: EmbeddedAssistant = field(default_factory=EmbeddedAssistant)
    _running: set[asyncio.Task[None]] = field(default_factory=set, init=False, repr=False)

    async def ask(self, caller: Caller, conversation_id: uuid.UUID, text: str) -> Turn:
        """Admit the question (or refuse it now) and start answering it."""
        if len(text) > self.limits.max_question_chars:
            raise QuestionTooLong(self.limits.max_question_chars)
        self.rate_limits.admit(caller)
        # The bulkhead before the store: under a flood, a question turned away (503) must
        # cost next to nothing, and reading the conversation is the dearest part of a refusal.
        ticket = None
        if self.llm is not None and self.llm.breaker.state is not CircuitState.OPEN:
            ticket = self.llm.bulkhead.admit(caller.limit_key)
        try:
            conversation = await self.conversations.get(caller, conversation_id)
            if len(conversation.messages) + 2 > self.limits.max_messages:
                raise ConversationFull(self.limits.max_messages)
        except BaseException:
            if ticket is not None:
                ticket.leave()
            raise
        turn = Turn(self, caller, conversation, redact(text), ticket)
        task = asyncio.create_task(turn.run(), name=f"answer:{conversation.id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return turn

    async def stop(self) -> None:
        """At shutdown: answers still being written are abandoned."""
        for task in list(self._running):
            task.cancel()
        for task in list(self._running):
            with contextlib.suppress(BaseException):
                await task


_END = object()


class Turn:
    """One question being answered: read `pieces()` as they come, or wait for `reply()`."""

    def __init__(
        self,
        answers: Answers,
        caller: Caller,
        conversation: Conversation,
        question: str,
        ticket: Ticket | None,
    ) -> None:
        self._answers = answers
        self._caller = caller
        self._conversation = conversation
        self._question = question
        self._ticket = ticket
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._sent: list[str] = []
        self._named: dict[uuid.UUID, MenuItem] = {}
        self._reply: Reply | None = None
        self._read_to_end = False

    async def pieces(self) -> AsyncIterator[str]:
        """The answer's checked sentences as they are ready; raises what stopped the answer.
        One reader only: each piece is handed out once."""
        while not self._read_to_end:
            piece = await self._queue.get()
            if piece is _END:
                self._read_to_end = True
                return
            if isinstance(piece, BaseException):
                raise piece
            assert isinstance(piece, str)
            yield piece

    async def reply(self) -> Reply:
        """The whole reply, once answered (reading whatever `pieces()` has not)."""
        async for _ in self.pieces():
            pass
        assert self._reply is not None
        return self._reply

    async def run(self) -> None:
        try:
            self._reply = await self._answer()
        except Exception as exc:
            log.exception("answer_failed")
            self._queue.put_nowait(exc)
            return
        except asyncio.CancelledError:
            self._queue.put_nowait(ServiceUnavailable("The assistant is stopping; ask again."))
            raise
        finally:
            if self._ticket is not None:
                self._ticket.leave()
        self._queue.put_nowait(_END)

    async def _answer(self) -> Reply:
        answers, caller = self._answers, self._caller
        menu = await answers.menu.menu_for(caller.tenant_id)
        language = detect_language(self._question)
        budget = read_question(self._question, menu.currency).filters.budget
        tools = MenuTools(menu, language=language, add_to_draft=self._draft_adder())
        grounding = Grounding(menu, question=self._question, language=language, budget=budget)

        if self._ticket is not None:
            answered_by = await self._from_llm(self._ticket, language, tools, grounding)
        else:
            answered_by = EMBEDDED if answers.llm is None else AFTER_OPEN_CIRCUIT
        if answered_by == LLM and not self._sent:
            answered_by = AFTER_REFUSAL
        if answered_by != LLM:
            # Grounding checks the embedded answer too, though it is made from the copy.
            answer = answers.embedded.answer(self._question, menu)
            self._named.update((item.id, item) for item in answer.used)
            buffer = SentenceBuffer()
            for sentence in [*buffer.feed(answer.text), *buffer.flush()]:
                self._send_checked(sentence, grounding, tools)
        ANSWERS.labels(answered_by).inc()

        draft = tools.draft or self._conversation.draft
        reply = Reply(
            " ".join(self._sent),
            tuple(Fact.of(item) for item in self._named.values()),
            draft,
        )
        await self._keep(reply, tools, answered_by)
        return reply

    async def _from_llm(
        self, ticket: Ticket, language: str, tools: MenuTools, grounding: Grounding
    ) -> str:
        """Let the LLM answer, each sentence checked as it comes; who answered in the end."""
        llm = self._answers.llm
        assert llm is not None
        history = self._conversation.messages[-self._answers.limits.history_messages :]
        prompt = Prompt(self._question, language, history)
        permit = None
        try:
            async with asyncio.timeout(llm.timeout_seconds), ticket.slot():
                permit = llm.breaker.try_acquire()
                if permit is None:
                    return AFTER_OPEN_CIRCUIT
                buffer = SentenceBuffer()
                async for chunk in llm.writer.write(prompt, tools):
                    for sentence in buffer.feed(chunk):
                        self._send_checked(sentence, grounding, tools)
                for sentence in buffer.flush():
                    self._send_checked(sentence, grounding, tools)
        except TimeoutError:
            if permit is not None:
                llm.breaker.record_failure(permit)
            log.warning("llm_timed_out", timeout_s=llm.timeout_seconds, sent=len(self._sent))
            return LLM if self._sent else AFTER_TIMEOUT
        except Exception as exc:
            if permit is not None:
                llm.breaker.record_failure(permit)
            log.warning("llm_failed", error=str(exc) or repr(exc), sent=len(self._sent))
            return LLM if self._sent else AFTER_ERROR
        except BaseException:
            if permit is not None:
                llm.breaker.release(permit)
            raise
        assert permit is not None
        llm.breaker.record_success(permit)
        return LLM

    def _send_checked(self, sentence: str, grounding: Grounding, tools: MenuTools) -> None:
        if tools.draft is not None:
            # Totals of the draft the LLM just added to are true amounts too.
            grounding.draft_amounts |= _draft_amounts(tools.draft)
        checked = grounding.check(sentence)
        for problem in checked.problems:
            GROUNDING.labels(problem.value).inc()
        if checked.text is None:
            log.info("sentence_refused", problems=[p.value for p in checked.problems])
            return
        self._named.update((item.id, item) for item in checked.named)
        piece = checked.text if not self._sent else " " + checked.text
        self._sent.append(checked.text)
        self._queue.put_nowait(piece)

    def _draft_adder(self) -> AddToDraft | None:
        caller, conversation = self._caller, self._conversation
        if not caller.is_guest or conversation.table_id is None:
            return None

        async def add(
            product_id: uuid.UUID, quantity: int, options: tuple[uuid.UUID, ...], notes: str | None
        ) -> Draft:
            return await self._answers.drafts.add_line(
                caller,
                conversation.id,
                product_id=product_id,
                quantity=quantity,
                option_ids=options,
                notes=notes,
            )

        return add

    async def _keep(self, reply: Reply, tools: MenuTools, answered_by: str) -> None:
        conversations = self._answers.conversations
        now = datetime.now(UTC)
        speaker = Speaker.GUEST if self._caller.party is Party.GUEST else Speaker.STAFF
        messages = [
            Message(speaker, self._question, now),
            Message(
                Speaker.ASSISTANT,
                reply.text,
                now,
                facts=reply.facts,
                tool_calls=tuple(tools.calls),
                answered_by=answered_by,
            ),
        ]
        retention = await conversations.retention.of(self._caller.tenant_id)
        kept = await conversations.repository.add_messages(
            self._conversation,
            messages,
            now=now,
            expires_at=now + retention,
            max_messages=self._answers.limits.max_messages,
        )
        if not kept:
            log.warning("answer_not_kept", reason="conversation_full")


def _draft_amounts(draft: Draft) -> set[int]:
    return {draft.total} | {line.line_total for line in draft.lines}
