"""Child processes: start them in their own session, stop them as a group, restart the crashed.

Every child runs in a new session (`start_new_session=True`), so a terminal's Ctrl-C reaches
only `make` and the launcher, and the launcher stops the children in order. Stopping sends
SIGTERM to the child's whole process group, waits, then SIGKILLs the group.

If the launcher itself dies without stopping them (SIGKILL, OOM killer), Linux delivers
SIGKILL to each child through `prctl(PR_SET_PDEATHSIG)`, set in the child between fork and
exec. The kernel ties that signal to the *thread* that forked the child; the launcher forks
only from its main thread (the event loop's), which lives as long as the process. On other
systems the hook is skipped and only an orderly shutdown stops the children.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from pos_launcher import logs

_PR_SET_PDEATHSIG = 1


def _child_setup(background: bool = False) -> Callable[[], None] | None:
    """A preexec_fn: the kernel SIGKILLs the child when the launcher dies; a `background`
    child runs on the CPU time the others leave (the chatbot yields to order taking)."""
    prctl = None
    if sys.platform.startswith("linux"):
        try:
            prctl = ctypes.CDLL(None, use_errno=True).prctl
        except (OSError, AttributeError):
            prctl = None
    if prctl is None and not background:
        return None
    launcher_pid = os.getpid()
    sigkill = int(signal.SIGKILL)

    def hook() -> None:
        # Runs in the forked child before exec: only calls that were bound beforehand.
        if background:
            _lowest_cpu_priority()
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, sigkill, 0, 0, 0)
            if os.getppid() != launcher_pid:  # the launcher died before the line above
                os.kill(os.getpid(), signal.SIGKILL)

    return hook


def _lowest_cpu_priority() -> None:
    """The kernel's idle scheduling class where there is one (Linux), else nice 19.

    Nice 10 was not enough: a niced process still runs out its time slice when a service
    of the order path wakes up, and 200 chatting guests raised order p99 1.3-1.9x on a
    2-core machine. A SCHED_IDLE process runs only when no other wants the CPU, and one
    that wakes up takes the CPU from it at once (`make bench SCENARIO=isolation`).
    """
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
            return
        except OSError:
            pass
    os.nice(19)


# Every child that is running, so a second Ctrl-C can kill them all at once.
_LIVE: set[ChildProcess] = set()


class ChildProcess:
    """One process we started, its output relayed, its recent lines kept for error messages.

    A background child's log (its stdout: one JSON object a line, as every service writes
    it) goes straight to ours instead: relaying it took the launcher, which runs at the
    order path's priority, a share of a CPU whenever guests chatted. Its stderr, where a
    crash's traceback goes, is still relayed and kept for the error message.
    """

    def __init__(self, name: str, process: asyncio.subprocess.Process) -> None:
        self.name = name
        self.process = process
        self.tail = logs.new_tail()
        output = process.stdout or process.stderr
        assert output is not None
        self._relay = asyncio.create_task(logs.relay(output, name, self.tail))
        self.started_at = time.monotonic()
        _LIVE.add(self)

    @classmethod
    async def spawn(
        cls, name: str, argv: Sequence[str], env: dict[str, str], *, background: bool = False
    ) -> ChildProcess:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=None if background else asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE if background else asyncio.subprocess.STDOUT,
            env=env,
            start_new_session=True,
            preexec_fn=_child_setup(background),
            limit=logs.MAX_LINE_BYTES,
        )
        return cls(name, process)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    async def wait(self) -> int:
        code = await self.process.wait()
        _LIVE.discard(self)
        # The output may still hold the last lines (a traceback): print them before we go on.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._relay), timeout=2)
        return code

    def signal_group(self, sig: signal.Signals) -> None:
        # The group outlives its leader while any member lives; ESRCH means nobody is left.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, sig)

    async def stop(self, grace: float) -> int:
        """SIGTERM the group, wait up to `grace` seconds, then SIGKILL whatever of it is left."""
        if self.returncode is None:
            self.signal_group(signal.SIGTERM)
            try:
                await asyncio.wait_for(asyncio.shield(self.process.wait()), grace)
            except TimeoutError:
                logs.emit(
                    "did not stop after SIGTERM; sending SIGKILL",
                    level="warning",
                    process=self.name,
                    pid=self.pid,
                    waited_seconds=grace,
                )
        self.signal_group(signal.SIGKILL)
        return await self.wait()


def kill_all_now() -> None:
    """SIGKILL every child's group at once (a second Ctrl-C)."""
    for child in list(_LIVE):
        child.signal_group(signal.SIGKILL)


@dataclass
class Backoff:
    """Restart delays: `initial`, doubling up to `maximum`; back to `initial` after a good run."""

    initial: float = 1.0
    maximum: float = 30.0
    reset_after: float = 60.0
    _next: float = field(default=0.0, init=False)

    def delay_after(self, uptime: float) -> float:
        if uptime >= self.reset_after or self._next == 0.0:
            self._next = self.initial
        delay = self._next
        self._next = min(self._next * 2, self.maximum)
        return delay


ReadyCheck = Callable[[], Awaitable[bool]]


class StartError(Exception):
    """A process that could not be started (exited, stayed unready, failed its migrations)."""

    def __init__(self, message: str, tail: Sequence[str]) -> None:
        super().__init__(message)
        self.tail = list(tail)


async def wait_until_ready(
    child: ChildProcess, is_ready: ReadyCheck, *, within: float, what: str
) -> float:
    """Poll `is_ready` until it says yes; fail fast if the child exits. Returns seconds taken."""
    started = time.monotonic()
    deadline = started + within
    interval = 0.05
    while True:
        if child.returncode is not None:
            await child.wait()
            raise StartError(
                f"{child.name} exited with code {child.returncode} before {what}", child.tail
            )
        if await is_ready():
            return time.monotonic() - started
        if time.monotonic() >= deadline:
            raise StartError(f"{child.name} did not become ready within {within:g}s", child.tail)
        await asyncio.sleep(interval)
        interval = min(interval * 2, 0.5)


class SupervisedProcess:
    """A long-running child that is restarted with backoff when it exits on its own."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        env: dict[str, str],
        is_ready: ReadyCheck,
        *,
        stop_timeout: float,
        backoff: Backoff | None = None,
        background: bool = False,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.background = background
        self.is_ready = is_ready
        self.stop_timeout = stop_timeout
        self.backoff = backoff or Backoff()
        self.child: ChildProcess | None = None
        self.restarts = 0
        self._stopping = False
        self._wake = asyncio.Event()
        self._supervisor: asyncio.Task[None] | None = None
        self._ready_watch: asyncio.Task[None] | None = None

    async def start(self) -> ChildProcess:
        self.child = await ChildProcess.spawn(
            self.name, self.argv, self.env, background=self.background
        )
        logs.emit("started", process=self.name, pid=self.child.pid)
        return self.child

    def supervise(self) -> None:
        """From now on, restart the process whenever it exits without being asked to."""
        if self._supervisor is None:
            self._supervisor = asyncio.create_task(self._supervise(), name=f"supervise-{self.name}")

    async def _supervise(self) -> None:
        while not self._stopping:
            assert self.child is not None
            code = await self.child.wait()
            if self._stopping:
                return
            uptime = time.monotonic() - self.child.started_at
            delay = self.backoff.delay_after(uptime)
            logs.emit(
                "exited unexpectedly; restarting",
                level="error",
                process=self.name,
                pid=self.child.pid,
                exit_code=code,
                uptime_seconds=round(uptime, 1),
                restart_in_seconds=delay,
                log_tail=list(self.child.tail)[-10:],
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)
            if self._stopping:
                return
            await self.start()
            self.restarts += 1
            if self._stopping:  # asked to stop while the new process was being started
                await self.child.stop(self.stop_timeout)
                return
            self._ready_watch = asyncio.create_task(self._report_ready(self.child))

    async def _report_ready(self, child: ChildProcess) -> None:
        try:
            took = await wait_until_ready(
                child, self.is_ready, within=self.backoff.reset_after, what="it was ready"
            )
        except StartError as error:
            if child.returncode is None:  # an exit is reported (and acted on) by the supervisor
                logs.emit(str(error), level="error", process=self.name)
            return
        logs.emit("ready again", process=self.name, pid=child.pid, seconds=round(took, 2))

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._ready_watch is not None:
            self._ready_watch.cancel()
        if self.child is not None:
            code = await self.child.stop(self.stop_timeout)
            logs.emit("stopped", process=self.name, pid=self.child.pid, exit_code=code)
        if self._supervisor is not None:
            await self._supervisor
