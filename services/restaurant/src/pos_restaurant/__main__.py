"""`python -m pos_restaurant`: serve restaurant with uvicorn on the configured host and port."""

from __future__ import annotations

from pos_kit.serve import serve
from pos_restaurant.config import RestaurantSettings
from pos_restaurant.main import create_app


def main() -> None:
    settings = RestaurantSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
