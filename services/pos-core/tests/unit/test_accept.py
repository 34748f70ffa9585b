"""Content negotiation for receipts: text only when the client ranks it above JSON."""

from __future__ import annotations

import pytest

from pos_core.api.routes import prefers_text


@pytest.mark.parametrize(
    ("accept", "text"),
    [
        ("text/plain", True),
        ("text/plain; charset=utf-8", True),
        ("application/json", False),
        ("", False),
        ("*/*", False),
        ("application/json, text/plain", False),
        ("application/json;q=0.5, text/plain", True),
        ("text/*, application/json;q=0.9", True),
        ("text/plain;q=bogus, application/json;q=0.1", False),
    ],
)
def test_prefers_text(accept: str, text: bool) -> None:
    assert prefers_text(accept) is text
