"""`python -m pos_gateway`: serve the gateway with uvicorn on the configured host and port."""

from __future__ import annotations

import uvicorn

from pos_gateway.config import GatewaySettings
from pos_gateway.main import create_app
from pos_kit.logging import uvicorn_log_config


def main() -> None:
    settings = GatewaySettings()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=uvicorn_log_config(),
        # The gateway is the edge: it writes X-Forwarded-* itself (see settings).
        proxy_headers=False,
        server_header=False,
        # Event streams never end by themselves; do not let them hold a shutdown forever.
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
    )


if __name__ == "__main__":
    main()
