"""Content negotiation for receipts: text only when the client ranks it above JSON."""

from __future__ import annotations

import pytest

from pos_core.api.routes import RECEIPT_MEDIA_TYPES
from pos_kit.negotiation import preferred_media_type


@pytest.mark.parametrize(
    ("accept", "text"),
    [
        ("text/plain", True),
        ("text/plain; charset=utf-8", True),
        ("application/json", False),
        ("", False),
        (None, False),
        ("*/*", False),
        ("application/json, text/plain", False),
        ("application/json;q=0.5, text/plain", True),
        ("text/*, application/json;q=0.9", True),
        # A malformed quality is ignored, as if it were not there (it was a 500 once).
        ("text/plain;q=NaN", True),
        ("text/plain;q=bogus, application/json;q=0.1", True),
        ("text/plain;q=NaN, application/json", False),
    ],
)
def test_a_receipt_is_text_only_when_the_client_prefers_it(accept: str | None, text: bool) -> None:
    wanted = preferred_media_type(accept, RECEIPT_MEDIA_TYPES)
    assert (wanted == "text/plain") is text
