"""A stand-in service on the standard library: what the launcher needs from a real one.

It reads `POS_<NAME>_HOST/PORT/DATABASE_URL` like a real service, logs JSON lines (and one
plain line, to be wrapped), answers /readyz and /healthz, and serves whatever routes it is given.
`FAKE_MODE` makes it misbehave: crash, never-ready, ignore-sigterm.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

Route = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


def log(service: str, event: str, **fields: Any) -> None:
    print(json.dumps({"service": service, "level": "info", "event": event, **fields}), flush=True)


def setting(prefix: str, name: str) -> str:
    return os.environ[f"{prefix}{name}"]


def database_file(prefix: str) -> Path:
    return Path(setting(prefix, "DATABASE_URL").removeprefix("sqlite:///"))


def serve(service: str, prefix: str, routes: dict[str, Route]) -> None:
    mode = os.environ.get("FAKE_MODE", "")
    print(f"plain text from {service}", flush=True)
    if mode == "crash":
        print(f"{service}: cannot start, on purpose", flush=True)
        sys.exit(3)
    if mode == "ignore-sigterm":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path in ("/readyz", "/healthz"):
                ready = mode != "never-ready" or self.path == "/healthz"
                self._answer(200 if ready else 503, {"status": "ok" if ready else "starting"})
            else:
                self._answer(404, {"detail": "not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            route = routes.get(self.path)
            if route is None:
                self._answer(404, {"detail": "not found"})
                return
            self._answer(*route(body))

        def log_message(self, format: str, *args: Any) -> None:
            log(service, "request", line=format % args)

    server = ThreadingHTTPServer((setting(prefix, "HOST"), int(setting(prefix, "PORT"))), Handler)
    log(service, "listening", port=server.server_address[1], pid=os.getpid())
    server.serve_forever()
