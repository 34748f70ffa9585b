"""`python -m pos_inventory.migrate`: bring inventory's database to the latest schema."""

from __future__ import annotations

from pathlib import Path

from pos_inventory.config import InventorySettings
from pos_kit.migrations import upgrade_head

_PACKAGE = Path(__file__).resolve().parent


def alembic_ini() -> Path:
    """Beside the package in an installed wheel (the image); in the service's tree otherwise."""
    for candidate in (_PACKAGE / "alembic.ini", _PACKAGE.parents[1] / "alembic.ini"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("inventory's alembic.ini is neither in the package nor beside src/")


def main() -> None:
    upgrade_head(alembic_ini(), InventorySettings().database_url)


if __name__ == "__main__":
    main()
