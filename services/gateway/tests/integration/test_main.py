"""`python -m pos_gateway` as a real process: serves, logs JSON lines, shuts down promptly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pos_kit.testing.net import free_port


class GatewayProcess:
    def __init__(self, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pos_gateway"],
            env={
                **os.environ,
                "POS_GATEWAY_HOST": "127.0.0.1",
                "POS_GATEWAY_PORT": str(self.port),
                **env,
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(f"{self.url}/healthz", timeout=1).raise_for_status()
                return
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise
                time.sleep(0.05)

    def stop(self) -> list[dict[str, Any]]:
        """Stop the process; its output, one JSON object per line."""
        if self.process.poll() is None:
            self.process.terminate()
        output, _ = self.process.communicate(timeout=15)
        return [json.loads(line) for line in output.decode().splitlines() if line.strip()]


@pytest.fixture
def gateway_process() -> Iterator[type[GatewayProcess]]:
    started: list[GatewayProcess] = []

    class Tracked(GatewayProcess):
        def __init__(self, **env: str) -> None:
            super().__init__(**env)
            started.append(self)

    yield Tracked
    for process in started:
        if process.process.poll() is None:
            process.process.kill()
            process.process.wait()


def test_serves_and_logs_one_json_object_a_line(gateway_process: Any) -> None:
    # Nothing listens at inventory's address: the upstream is down.
    gateway = gateway_process(POS_GATEWAY_INVENTORY_URL=f"http://127.0.0.1:{free_port()}")

    down = httpx.get(f"{gateway.url}/api/v1/products", headers={"X-Correlation-ID": "c-main"})
    records = gateway.stop()  # json.loads of every line: each is one JSON object

    assert down.status_code == 503
    assert "server" not in down.headers
    assert all(record["service"] == "gateway" for record in records)
    request_lines = [r for r in records if r.get("event") == "request"]
    assert [(r["path"], r["status"], r["correlation_id"]) for r in request_lines] == [
        ("/api/v1/products", 503, "c-main")
    ]


def test_an_open_event_stream_does_not_hold_up_shutdown(
    gateway_process: Any, upstream: Any, fresh_upstream_state: Any
) -> None:
    gateway = gateway_process(
        POS_GATEWAY_NOTIFICATION_URL=upstream.url, POS_GATEWAY_GRACEFUL_SHUTDOWN_SECONDS="1"
    )
    with (
        httpx.Client(base_url=gateway.url, timeout=10) as client,
        client.stream("GET", "/api/v1/kitchen/endless") as feed,
    ):
        lines = feed.iter_lines()  # kept: dropping the iterator would close the stream
        assert next(lines) == "data: hello"
        stopping = time.monotonic()
        gateway.process.send_signal(signal.SIGTERM)
        gateway.process.wait(timeout=10)
        stopped_after = time.monotonic() - stopping

    # uvicorn re-raises the signal once it has shut down cleanly.
    assert gateway.process.returncode in (0, -signal.SIGTERM)
    assert stopped_after < 4
    assert "Application shutdown complete." in [r["event"] for r in gateway.stop()]
    assert fresh_upstream_state.endless_stream_closed.wait(5)
