"""Running a service: uvicorn on the configured host and port, logging through pos-kit."""

from __future__ import annotations

from typing import Any

import uvicorn
from fastapi import FastAPI

from pos_kit.logging import uvicorn_log_config
from pos_kit.settings import ServiceSettings


def serve(app: FastAPI, settings: ServiceSettings, **uvicorn_options: Any) -> None:
    """What every service's `python -m pos_<name>` does."""
    options: dict[str, Any] = {
        "log_config": uvicorn_log_config(),
        # Services sit behind the gateway, which writes X-Forwarded-*; each service
        # decides whom it trusts itself (see pos_kit.clientip).
        "proxy_headers": False,
        "server_header": False,
    }
    options.update(uvicorn_options)
    uvicorn.run(app, host=settings.host, port=settings.port, **options)
