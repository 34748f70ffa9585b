"""`python -m pos_restaurant`: serve restaurant with uvicorn on the configured host and port."""

from __future__ import annotations

import uvicorn

from pos_kit.logging import uvicorn_log_config
from pos_restaurant.config import RestaurantSettings
from pos_restaurant.main import create_app


def main() -> None:
    settings = RestaurantSettings()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=uvicorn_log_config(),
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
