"""Reading a test's HTTP answers: the status it must have, then its JSON."""

from __future__ import annotations

from typing import Any

import httpx


def expect(response: httpx.Response, status: int = 200) -> Any:
    """The answer's JSON body, once its status is `status` (else the test fails, showing it)."""
    assert response.status_code == status, (
        f"{response.request.method} {response.request.url.path}: expected {status}, "
        f"got {response.status_code}: {response.text}"
    )
    return response.json() if response.content else None
