"""One stream of JSON lines on stdout: the launcher's own messages and every child's output.

A child's line that is already a JSON object passes through byte for byte; anything else
(nats-server's log, a traceback, a stray print) is wrapped as
`{"service": <child>, "level": ..., "event": <line>, "timestamp": ...}`.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections import deque
from datetime import UTC, datetime
from typing import Any, TextIO

LAUNCHER = "launcher"
# Lines read from a child in one piece; a longer line is cut there rather than lost.
MAX_LINE_BYTES = 1 << 20
TAIL_LINES = 30

# nats-server writes `[pid] 2025/01/01 12:00:00.000000 [INF] message`.
_NATS_LEVEL = re.compile(r"^\[\d+\] \S+ \S+ \[(INF|WRN|ERR|FTL|DBG|TRC)\] ")
_NATS_LEVELS = {
    "INF": "info",
    "WRN": "warning",
    "ERR": "error",
    "FTL": "critical",
    "DBG": "debug",
    "TRC": "debug",
}


def timestamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonLines:
    """Writes whole lines to one text stream; a closed reader (`| head`) must not stop us."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._broken = False

    def write(self, line: str) -> None:
        if self._broken:
            return
        stream = self._stream or sys.stdout
        try:
            stream.write(line + "\n")
            stream.flush()
        except (BrokenPipeError, ValueError):
            self._broken = True


OUT = JsonLines()


def emit(event: str, *, level: str = "info", service: str = LAUNCHER, **fields: Any) -> None:
    """Write one of the launcher's own messages."""
    record = {"service": service, "level": level, "event": event, "timestamp": timestamp()}
    record.update(fields)
    OUT.write(json.dumps(record, default=str))


def as_json_line(service: str, raw: str) -> str:
    """The line to print for one line a child wrote."""
    if raw.startswith("{"):
        try:
            if isinstance(json.loads(raw), dict):
                return raw
        except ValueError:
            pass
    level = "info"
    match = _NATS_LEVEL.match(raw)
    if match:
        level = _NATS_LEVELS[match.group(1)]
    return json.dumps({"service": service, "level": level, "event": raw, "timestamp": timestamp()})


async def relay(reader: asyncio.StreamReader, service: str, tail: deque[str]) -> None:
    """Copy a child's output to our stdout until it closes, keeping its last lines in `tail`."""
    while True:
        try:
            chunk = await reader.readline()
        except ValueError:
            # Longer than the reader's limit: asyncio dropped it; say so instead of stopping.
            chunk = b"<line longer than the relay's limit was cut>"
        if not chunk:
            return
        raw = chunk.decode("utf-8", errors="replace").rstrip("\r\n")
        if not raw.strip():
            continue
        tail.append(raw)
        OUT.write(as_json_line(service, raw))


def new_tail() -> deque[str]:
    return deque(maxlen=TAIL_LINES)
