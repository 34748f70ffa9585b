"""One JSON object a line: children's JSON passes through, anything else is wrapped."""

from __future__ import annotations

import asyncio
import io
import json

import pytest

from pos_launcher import logs


def test_a_json_line_passes_through_unchanged() -> None:
    line = '{"service": "auth", "event": "listening", "port": 8001}'

    assert logs.as_json_line("auth", line) == line


def test_a_plain_line_is_wrapped_with_its_service() -> None:
    wrapped = json.loads(logs.as_json_line("auth", "Traceback (most recent call last):"))

    assert wrapped["service"] == "auth"
    assert wrapped["level"] == "info"
    assert wrapped["event"] == "Traceback (most recent call last):"
    assert wrapped["timestamp"].endswith("Z")


def test_json_that_is_not_an_object_is_wrapped() -> None:
    assert json.loads(logs.as_json_line("auth", "[1, 2]"))["event"] == "[1, 2]"
    assert json.loads(logs.as_json_line("auth", "{not json"))["event"] == "{not json"


def test_nats_server_levels_are_kept() -> None:
    line = "[42] 2025/01/01 12:00:00.000000 [WRN] Plaintext passwords detected"

    assert json.loads(logs.as_json_line("nats-server", line))["level"] == "warning"


async def test_relay_copies_lines_and_keeps_the_tail(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setattr(logs, "OUT", logs.JsonLines(out))
    reader = asyncio.StreamReader()
    reader.feed_data(b'{"event": "a"}\nplain\n\n')
    reader.feed_eof()
    tail = logs.new_tail()

    await logs.relay(reader, "auth", tail)

    printed = out.getvalue().splitlines()
    assert printed[0] == '{"event": "a"}'
    assert json.loads(printed[1])["event"] == "plain"
    assert list(tail) == ['{"event": "a"}', "plain"]


def test_the_launchers_own_messages_are_json(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setattr(logs, "OUT", logs.JsonLines(out))

    logs.emit("ready", process="auth", seconds=1.5)

    record = json.loads(out.getvalue())
    assert record["service"] == "launcher"
    assert record["event"] == "ready"
    assert record["process"] == "auth"
