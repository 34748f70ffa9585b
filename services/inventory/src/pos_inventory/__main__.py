"""`python -m pos_inventory`: serve inventory with uvicorn on the configured host and port."""

from __future__ import annotations

from pos_inventory.config import InventorySettings
from pos_inventory.main import create_app
from pos_kit.serve import serve


def main() -> None:
    settings = InventorySettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
