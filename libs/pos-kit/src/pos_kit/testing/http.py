"""Reading a test's HTTP answers: the status it must have, then its JSON."""

from __future__ import annotations

from typing import Any

import httpx

PROBLEM = "application/problem+json"


def expect(response: httpx.Response, status: int = 200) -> Any:
    """The answer's JSON body, once its status is `status` (else the test fails, showing it)."""
    assert response.status_code == status, (
        f"{response.request.method} {response.request.url.path}: expected {status}, "
        f"got {response.status_code}: {response.text}"
    )
    return response.json() if response.content else None


def expect_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The problem details (RFC 9457) of an error answer, once its status is `status`."""
    body: dict[str, Any] = expect(response, status)
    assert response.headers["content-type"] == PROBLEM, response.headers["content-type"]
    return body
