"""An ASGI app served by uvicorn on a free 127.0.0.1 port, in a thread of the test process.

For what an in-process client cannot show: a real socket (a stand-in for another
service that a client calls over HTTP), Server-Sent Events (the in-process
transport buffers a response), a process that stops answering.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Literal, Self, TypeVar

import pytest
import uvicorn
from starlette.types import ASGIApp

from pos_kit.testing.net import free_port

T = TypeVar("T")


class ThreadedServer:
    """uvicorn serving `app` in a daemon thread; `start()` returns once it listens."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        port: int | None = None,
        lifespan: Literal["auto", "on", "off"] = "off",
        grace_seconds: int = 1,
        server_class: type[uvicorn.Server] = uvicorn.Server,
        **config: Any,
    ) -> None:
        self.app = app
        self.port = port or free_port()
        settings = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            lifespan=lifespan,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=grace_seconds,
            **config,
        )
        self.server = server_class(settings)
        self._thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> ThreadedServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the server on port {self.port} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=20)

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


class Standin:
    """Another service's endpoints on a real port, for a client under test to call.

    A subclass builds its app and sets `server` (a `ThreadedServer` of it). It is served
    while a `with` block holds it; a conftest serves one for the whole session with
    `standin_x = served(StandinX)`.
    """

    server: ThreadedServer

    @property
    def url(self) -> str:
        return self.server.url

    def __enter__(self) -> Self:
        self.server.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.stop()


def served(make: Callable[[], AbstractContextManager[T]]) -> Any:
    """A session fixture holding what `make()` builds, served from the first test that asks
    for it to the end of the session; in a conftest, `standin_auth = served(StandinAuth)`."""

    @pytest.fixture(scope="session")
    def serving() -> Iterator[T]:
        with make() as started:
            yield started

    return serving
