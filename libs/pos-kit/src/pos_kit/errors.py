"""Errors a client can act on, as plain exceptions that carry their HTTP meaning.

Framework-free on purpose: a service's domain raises these without importing
FastAPI; `pos_kit.problem_details` turns them into RFC 9457 answers.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ProblemError(Exception):
    """An error a client can act on. Subclasses fix the status, type and title."""

    status: ClassVar[int] = 400
    type_slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"
    # A few failures must keep what the request wrote (a failed login is counted,
    # a replayed refresh token revokes its family); the unit of work commits
    # instead of rolling back when the error says so.
    commit_changes: ClassVar[bool] = False

    # What a subclass says when its message never varies; then `detail` may be left out.
    default_detail: ClassVar[str | None] = None

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        detail = detail or self.default_detail
        if detail is None:
            raise TypeError(f"{type(self).__name__} needs a detail: what the client can do")
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra or {}


class BadRequest(ProblemError):
    pass


class Unauthorized(ProblemError):
    status = 401
    type_slug = "unauthorized"
    title = "Authentication required"

    def __init__(self, detail: str = "Missing or invalid credentials", **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(ProblemError):
    status = 403
    type_slug = "forbidden"
    title = "Not allowed"


class NotFound(ProblemError):
    status = 404
    type_slug = "not-found"
    title = "Not found"


class Conflict(ProblemError):
    status = 409
    type_slug = "conflict"
    title = "Conflict"


class TooManyRequests(ProblemError):
    status = 429
    type_slug = "too-many-requests"
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after_seconds: int, **kw: Any) -> None:
        kw.setdefault("headers", {"Retry-After": str(max(1, retry_after_seconds))})
        super().__init__(detail, **kw)


class BadGateway(ProblemError):
    """Another service, called to answer this request, answered unusably (or not in HTTP)."""

    status = 502
    type_slug = "bad-gateway"
    title = "Bad gateway"


class ServiceUnavailable(ProblemError):
    status = 503
    type_slug = "service-unavailable"
    title = "Service unavailable"

    def __init__(self, detail: str, *, retry_after_seconds: int = 5, **kw: Any) -> None:
        kw.setdefault("headers", {"Retry-After": str(max(1, retry_after_seconds))})
        super().__init__(detail, **kw)
