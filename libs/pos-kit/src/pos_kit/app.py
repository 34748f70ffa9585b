"""The app factory every service uses: logging, errors, request context, health, metrics."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, FastAPI

from pos_kit.health import ReadinessCheck, health_router
from pos_kit.logging import configure_logging
from pos_kit.middleware import BodyLimitMiddleware, RequestContextMiddleware
from pos_kit.problem_details import install_problem_handlers
from pos_kit.settings import ServiceSettings

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[Any]]


def create_service_app(
    *,
    settings: ServiceSettings,
    title: str,
    routers: Sequence[APIRouter] = (),
    readiness: Mapping[str, ReadinessCheck] | None = None,
    degrading: Mapping[str, ReadinessCheck] | None = None,
    lifespan: Lifespan | None = None,
    version: str = "1.0.0",
    metrics: bool = True,
) -> FastAPI:
    configure_logging(settings.service_name, settings.log_level)
    app = FastAPI(title=title, version=version, lifespan=lifespan)
    app.state.settings = settings
    install_problem_handlers(app)
    for router in routers:
        app.include_router(router)
    app.include_router(health_router(readiness or {}, degrading, metrics=metrics))
    # Added last = outermost: the request context wraps everything, the body limit
    # sits inside it so a 413 still carries the correlation id.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        RequestContextMiddleware, service=settings.service_name, cursor_key=settings.cursor_key()
    )
    return app
