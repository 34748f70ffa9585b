"""`python -m pos_inventory`: serve inventory with uvicorn on the configured host and port."""

from __future__ import annotations

import uvicorn

from pos_inventory.config import InventorySettings
from pos_inventory.main import create_app
from pos_kit.logging import uvicorn_log_config


def main() -> None:
    settings = InventorySettings()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=uvicorn_log_config(),
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
