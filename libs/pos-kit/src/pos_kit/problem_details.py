"""RFC 9457 problem details: the one shape every error answer takes.

Code raises the exceptions of `pos_kit.errors`, which carry their HTTP status; the
handlers here turn them, validation failures, malformed JSON and unexpected
exceptions into `application/problem+json` with the request's correlation id.
Services never import this module: the app factory installs it.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pos_kit import context
from pos_kit.errors import ProblemError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://pos.example/problems/"


def problem_body(
    *, status: int, title: str, detail: str, type_slug: str, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + type_slug,
        "title": title,
        "status": status,
        "detail": detail,
        "correlation_id": context.current_correlation_id(),
    }
    body.update(extra)
    return body


def problem_response(
    *,
    status: int,
    title: str,
    detail: str,
    type_slug: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    return JSONResponse(
        problem_body(status=status, title=title, detail=detail, type_slug=type_slug, **extra),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_CONTENT_TYPE,
    )


_STATUS_TITLES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("too-many-requests", "Too many requests"),
}


def _describe_validation_error(err: dict[str, Any]) -> dict[str, Any]:
    loc = [str(part) for part in err.get("loc", ())]
    return {"field": ".".join(loc), "message": err.get("msg", "invalid"), "type": err.get("type")}


async def _on_problem(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        status=exc.status,
        title=exc.title,
        detail=exc.detail,
        type_slug=exc.type_slug,
        headers=exc.headers,
        **exc.extra,
    )


async def _on_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        # A body that is not JSON at all is a malformed request, not a wrong value.
        return problem_response(
            status=400,
            title="Malformed JSON",
            detail="The request body is not valid JSON.",
            type_slug="malformed-json",
        )
    return problem_response(
        status=422,
        title="Validation failed",
        detail="; ".join(
            f"{d['field'] or 'body'}: {d['message']}"
            for d in map(_describe_validation_error, errors)
        ),
        type_slug="validation-failed",
        errors=[_describe_validation_error(e) for e in errors],
    )


async def _on_http_exception(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug, title = _STATUS_TITLES.get(exc.status_code, ("error", "Error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    return problem_response(
        status=exc.status_code,
        title=title,
        detail=detail,
        type_slug=slug,
        headers=dict(exc.headers or {}),
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    # Unexpected exceptions are answered by RequestContextMiddleware, which sits
    # inside the correlation context and so can still echo the correlation id.
