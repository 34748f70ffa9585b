"""Structured logs: one JSON object a line on stdout, always naming service, tenant and correlation.

Standard-library loggers (uvicorn, sqlalchemy, alembic) are routed through the same
renderer so that a person following the terminal sees one format.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog
from structlog.types import EventDict, Processor, WrappedLogger

from pos_kit import context

_CONTEXT_KEYS = ("tenant_id", "correlation_id", "trace_id")


# The process's service name. Read at each log call rather than captured by a closure:
# loggers are cached on first use, and a test process configures several services.
_service_name = "pos"


def _add_service(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    event_dict.setdefault("service", _service_name)
    return event_dict


def _add_request_context(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    ctx = context.current()
    event_dict.setdefault("tenant_id", ctx.tenant_id if ctx else None)
    event_dict.setdefault("correlation_id", ctx.correlation_id if ctx else None)
    event_dict.setdefault("trace_id", ctx.trace_id if ctx else None)
    return event_dict


def configure_logging(service: str, level: str = "INFO") -> None:
    """Configure structlog and the standard library for one service process."""
    global _service_name
    _service_name = service
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_service,
        _add_request_context,
    ]
    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Not cached: a cached logger keeps the processors of the first configuration,
        # which breaks reconfiguration (several apps in one test process) and
        # structlog.testing.capture_logs; the saving is a dictionary lookup a call.
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's access log repeats what the request log line says, without tenant;
    # httpx logs every outbound request at INFO, which the callers already log.
    for name, lvl in (
        ("uvicorn.access", logging.WARNING),
        ("uvicorn.error", logging.INFO),
        ("httpx", logging.WARNING),
    ):
        lg = logging.getLogger(name)
        lg.handlers[:] = []
        lg.propagate = True
        lg.setLevel(lvl)


def uvicorn_log_config() -> dict[str, Any]:
    """Tell uvicorn not to install its own handlers; ours are already on the root logger."""
    return {"version": 1, "disable_existing_loggers": False}
