"""`python -m pos_gateway`: serve the gateway with uvicorn on the configured host and port."""

from __future__ import annotations

from pos_gateway.config import GatewaySettings
from pos_gateway.main import create_app
from pos_kit.serve import serve


def main() -> None:
    settings = GatewaySettings()
    serve(
        create_app(settings),
        settings,
        # Event streams never end by themselves; do not let them hold a shutdown forever.
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
    )


if __name__ == "__main__":
    main()
