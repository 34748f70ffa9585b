"""An ASGI app served by uvicorn on a free 127.0.0.1 port, in a thread of the test process.

For what an in-process client cannot show: a real socket (a stand-in for another
service that a client calls over HTTP), Server-Sent Events (the in-process
transport buffers a response), a process that stops answering.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Literal

import uvicorn
from starlette.types import ASGIApp

from pos_kit.testing.net import free_port


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
