"""`python -m pos_gateway`: serve the gateway with uvicorn on the configured host and port."""

from __future__ import annotations

from pos_gateway.config import GatewaySettings
from pos_gateway.main import run


def main() -> None:
    run(GatewaySettings())


if __name__ == "__main__":
    main()
