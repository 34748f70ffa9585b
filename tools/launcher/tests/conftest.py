"""The launcher as a real process, with fake services (tests/fakes) on free ports."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from pos_kit.testing.net import free_ports

FAKES = Path(__file__).parent / "fakes"


class LauncherRun:
    """`python -m fake_catalogue` (the launcher with the fake table) in its own session."""

    def __init__(self, var_dir: Path, **env: str) -> None:
        auth, stub, gateway, nats = free_ports(4)
        self.ports = {"auth": auth, "stub": stub, "gateway": gateway, "nats": nats}
        self.var_dir = var_dir
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("POS_", "FAKE_")) and k != "NATS_URL"
        }
        self.env = base | {
            "PYTHONPATH": str(FAKES),
            "POS_VAR_DIR": str(var_dir),
            "POS_NATS_PORT": str(nats),
            "POS_FAKE_AUTH_PORT": str(auth),
            "POS_FAKE_STUB_PORT": str(stub),
            "POS_FAKE_GATEWAY_PORT": str(gateway),
            "POS_LAUNCHER_READY_TIMEOUT": "15",
            **env,
        }
        self.lines: list[str] = []
        self.stderr = ""
        self._changed = threading.Condition()
        self.process: subprocess.Popen[bytes] | None = None
        self.seen: list[psutil.Process] = []

    def start(self) -> LauncherRun:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fake_catalogue"],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        threading.Thread(target=self._collect, daemon=True).start()
        threading.Thread(target=self._collect_stderr, daemon=True).start()
        return self

    def _collect(self) -> None:
        assert self.process is not None
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            with self._changed:
                self.lines.append(raw.decode().rstrip("\n"))
                self._changed.notify_all()

    def _collect_stderr(self) -> None:
        assert self.process is not None
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            self.stderr += raw.decode()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def records(self) -> list[dict[str, Any]]:
        with self._changed:
            return [json.loads(line) for line in self.lines]

    def launcher(self, event: str) -> list[dict[str, Any]]:
        return [r for r in self.records() if r["service"] == "launcher" and r["event"] == event]

    def wait_for(self, matches: Callable[[dict[str, Any]], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(matches(r) for r in self.records()):
            assert self.process is not None
            assert self.process.poll() is None, f"launcher exited\n{self}"
            assert time.monotonic() < deadline, f"timed out\n{self}"
            with self._changed:
                self._changed.wait(0.2)

    def wait_ready(self) -> dict[str, Any]:
        self.wait_for(lambda r: r["service"] == "launcher" and r["event"] == "system ready")
        return self.launcher("system ready")[-1]

    def tree(self) -> list[psutil.Process]:
        root = psutil.Process(self.pid)
        found = [root, *root.children(recursive=True)]
        self.seen.extend(found)
        return found

    def child_running(self, module: str) -> psutil.Process:
        for process in self.tree()[1:]:
            with contextlib.suppress(psutil.NoSuchProcess):
                if process.cmdline()[-2:] == ["-m", module]:
                    return process
        raise AssertionError(f"no child runs {module}\n{self}")

    def stop(self, sig: signal.Signals = signal.SIGINT, timeout: float = 20) -> int:
        os.killpg(self.pid, sig)
        return self.wait(timeout)

    def wait(self, timeout: float = 20) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    @staticmethod
    def left_behind(processes: list[psutil.Process], grace: float = 3.0) -> list[psutil.Process]:
        """Processes still there (a zombie is still there: it has not been reaped)."""
        deadline = time.monotonic() + grace
        while True:
            left = [p for p in processes if p.is_running()]
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(0.1)

    def __str__(self) -> str:
        return "\n".join(self.lines[-40:]) + "\n--- stderr ---\n" + self.stderr


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Callable[..., LauncherRun]]:
    runs: list[LauncherRun] = []

    def start(**env: str) -> LauncherRun:
        run = LauncherRun(tmp_path / "var", **env).start()
        runs.append(run)
        return run

    yield start
    for run in runs:
        if run.process is not None and run.process.poll() is None:
            with contextlib.suppress(psutil.NoSuchProcess):
                run.tree()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(run.pid, signal.SIGKILL)
        for process in run.seen:
            with contextlib.suppress(psutil.NoSuchProcess):
                if process.is_running():
                    process.kill()
        if run.process is not None:
            run.process.wait(10)
