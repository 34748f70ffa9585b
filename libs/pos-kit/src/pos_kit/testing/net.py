"""Ports on this machine for test servers and whole-system runs."""

from __future__ import annotations

import socket
import time

# What a developer's own `make run` listens on (the services on 8000-8007, the bundled
# nats-server, the mail sink, the card and LLM simulators) and what the machine's own
# NATS and PostgreSQL hold: a test's system is never given one of them.
RESERVED_PORTS = frozenset({4222, 5432, 11435, 12111, 14025, 14222, *range(8000, 8008)})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_ports(count: int) -> list[int]:
    """Distinct ports that nothing listens on now (held together so none repeats), none of
    them reserved."""
    sockets: list[socket.socket] = []
    try:
        while len(sockets) < count:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            if s.getsockname()[1] in RESERVED_PORTS:
                s.close()
                continue
            sockets.append(s)
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for s in sockets:
            s.close()


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")
