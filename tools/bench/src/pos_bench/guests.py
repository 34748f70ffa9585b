"""The chatting guests of the isolation scenario, in a process of their own.

Guests chat from their own phones, not from the waiter's terminal: sharing the order
generator's event loop with 200 chatting guests delayed the reading of order answers by
the time the loop spent on chat traffic, and that showed up as order latency the system
never had (with the guests in the generator, order p99 rose 1.5x even when the guests
talked to the chatbot directly, bypassing the gateway). So `python -m pos_bench.guests`
runs them, and the scenario steers it over stdin and stdout, one JSON object per line:

    scenario -> {"host": ..., "port": ..., "tokens": [...]}   guests sit down, silent
    guests   -> {"event": "started"}
    scenario -> {"command": "chat"}                            guests chat
    guests   -> {"event": "chatting"}
    scenario -> {"command": "record"}                          what they get is counted
    guests   -> {"event": "recording"}
    scenario -> {"command": "pause"}                           counting stops; each guest
    guests   -> {"event": "paused"}                            asks nothing more until "chat"
    scenario -> {"command": "stop"}                            guests leave
    guests   -> {"event": "stopped", "outcomes": {...}, "answers_s": [...]}

Counts add up over every recorded stretch, so a scenario can interleave windows with and
without the chat load and read the guests' side once at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from pos_bench.http import HttpClient, HttpFailure, Response
from pos_bench.loadgen import REAL_CLOCK, Clock
from pos_bench.stats import Latencies
from pos_bench.system import outside_the_system

READING_SECONDS = 1.0
# A guest's chat window waits as long as Retry-After says, up to the longest the chatbot
# ever says (pos_chatbot's MAX_RETRY_AFTER_SECONDS): it tells each guest turned away their
# place in line, and a window that came back sooner would only be turned away again.
RETRY_AFTER_CAP = 120.0
QUESTIONS = (
    "What do you recommend under 20?",
    "Is the steak frites available tonight?",
    "Anything vegan?",
    "How much is the burger?",
    "What beers do you have?",
)


def classify(response: Response) -> str:
    """What a guest got: ok, 429, or which 503 (the chatbot's bulkhead or the gateway's pool)."""
    if response.status in (200, 201):
        return "answered"
    if response.status == 503:
        if b"assistant-busy" in response.body:
            return "503 chatbot busy (bulkhead)"
        if b"connections to it are in use" in response.body:
            return "503 gateway pool full"
        return "503 other"
    if response.status == 429:
        return "429 rate limited"
    return f"http {response.status}"


def retry_after(response: Response) -> float:
    value = response.header("retry-after")
    try:
        return min(RETRY_AFTER_CAP, max(0.5, float(value))) if value else 1.0
    except ValueError:
        return 1.0


class Guests:
    """The chatting guests: their loops, and what they got while recording."""

    def __init__(self, client: HttpClient, tokens: Sequence[str], clock: Clock) -> None:
        self.client = client
        self.tokens = list(tokens)
        self.clock = clock
        self.outcomes: Counter[str] = Counter()
        self.answers: list[float] = []
        self.recording = False
        self._stop = asyncio.Event()
        self._chatting = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._guest(i, t)) for i, t in enumerate(self.tokens)]

    def chat(self) -> None:
        self._chatting.set()

    def pause(self) -> None:
        """No question after this one; an answer still coming is not counted."""
        self.recording = False
        self._chatting.clear()

    async def stop(self) -> None:
        self.pause()
        self._stop.set()
        self._chatting.set()  # wake the waiting guests so they can leave
        _, pending = await asyncio.wait(self._tasks, timeout=30) if self._tasks else (set(), set())
        for task in pending:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    async def _guest(self, index: int, token: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        conversation = None
        await self._chatting.wait()
        while conversation is None and not self._stop.is_set():
            try:
                opened = await self.client.post("/api/v1/chat/conversations", headers=headers)
            except HttpFailure:
                await self._pause(1.0)
                continue
            if opened.status == 201:
                conversation = opened.json()["id"]
            else:
                await self._pause(retry_after(opened))
        asked = index
        while not self._stop.is_set():
            await self._chatting.wait()
            if self._stop.is_set():
                return
            question = QUESTIONS[asked % len(QUESTIONS)]
            asked += 1
            started = self.clock.now()
            try:
                response = await self.client.post(
                    f"/api/v1/chat/conversations/{conversation}/messages",
                    json={"text": question},
                    headers=headers,
                )
            except HttpFailure as exc:
                self._count(exc.kind)
                await self._pause(1.0)
                continue
            outcome = classify(response)
            self._count(outcome)
            if outcome == "answered":
                if self.recording:
                    self.answers.append(self.clock.now() - started)
                await self._pause(READING_SECONDS)
            else:
                await self._pause(retry_after(response))

    def _count(self, outcome: str) -> None:
        if self.recording:
            self.outcomes[outcome] += 1


# -- the scenario's side ---------------------------------------------------------------


@dataclass
class GuestReport:
    """What the guests got while recording."""

    outcomes: Counter[str] = field(default_factory=Counter)
    answers: Latencies = field(default_factory=Latencies)


class GuestCrowd:
    """The guests' process, seen from the scenario: start it, record, stop and read."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self._process: asyncio.subprocess.Process | None = None

    @property
    def process(self) -> psutil.Process | None:
        """For the CPU census: the guests' phones are not part of the system's cost."""
        if self._process is None or self._process.returncode is not None:
            return None
        with contextlib.suppress(psutil.NoSuchProcess):
            return psutil.Process(self._process.pid)
        return None

    async def start(self, host: str, port: int, tokens: Sequence[str]) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as errors:  # noqa: ASYNC230 - opened once, handed over
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "pos_bench.guests",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=errors,
                # A large answer line (every answer's latency) must fit the reader's limit.
                limit=16 * 1024 * 1024,
            )
        await self._send({"host": host, "port": port, "tokens": list(tokens)}, "started")

    async def chat(self) -> None:
        await self._send({"command": "chat"}, "chatting")

    async def record(self) -> None:
        await self._send({"command": "record"}, "recording")

    async def pause(self) -> None:
        await self._send({"command": "pause"}, "paused")

    async def stop(self) -> GuestReport:
        """Stop the guests and read what they got while recording (empty if they died)."""
        report = GuestReport()
        if self._process is None or self._process.returncode is not None:
            return report
        try:
            answer = await self._send({"command": "stop"}, "stopped", within=60)
        finally:
            await self._end()
        report.outcomes.update(answer.get("outcomes", {}))
        for seconds in answer.get("answers_s", []):
            report.answers.record(float(seconds))
        return report

    async def _send(
        self, message: dict[str, Any], expect: str, within: float = 30
    ) -> dict[str, Any]:
        process = self._process
        assert process is not None
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write(json.dumps(message).encode() + b"\n")
        await process.stdin.drain()
        line = await asyncio.wait_for(process.stdout.readline(), within)
        if not line:
            tail = self.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the guests' process ended before saying {expect!r}:\n{tail}")
        answer: dict[str, Any] = json.loads(line)
        if answer.get("event") != expect:
            raise RuntimeError(f"the guests' process said {answer!r}, not {expect!r}")
        return answer

    async def _end(self) -> None:
        process = self._process
        if process is None or process.returncode is not None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


# -- the guests' process ---------------------------------------------------------------


async def _serve(reader: asyncio.StreamReader) -> None:
    def say(event: str, **data: Any) -> None:
        sys.stdout.write(json.dumps({"event": event, **data}) + "\n")
        sys.stdout.flush()

    setup = json.loads(await reader.readline())
    tokens = setup["tokens"]
    client = HttpClient(setup["host"], setup["port"], max_connections=len(tokens), timeout=60)
    guests = Guests(client, tokens, REAL_CLOCK)
    guests.start()
    say("started")
    try:
        while line := await reader.readline():
            command = json.loads(line).get("command")
            if command == "chat":
                guests.chat()
                say("chatting")
            elif command == "record":
                guests.recording = True
                say("recording")
            elif command == "pause":
                guests.pause()
                say("paused")
            elif command == "stop":
                await guests.stop()
                say("stopped", outcomes=dict(guests.outcomes), answers_s=guests.answers)
                return
    finally:
        await guests.stop()
        await client.aclose()


async def _main() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=16 * 1024 * 1024)  # the tokens come in one line
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await _serve(reader)


if __name__ == "__main__":
    import uvloop

    outside_the_system()  # the guests' phones are not this machine's work

    uvloop.run(_main())
