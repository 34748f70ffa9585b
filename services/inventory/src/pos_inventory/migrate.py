"""`python -m pos_inventory.migrate`: bring inventory's database to the latest schema."""

from __future__ import annotations

from pos_inventory.config import InventorySettings
from pos_kit.migrations import locate_alembic_ini, upgrade_head


def main() -> None:
    settings = InventorySettings()
    upgrade_head(locate_alembic_ini(settings.alembic_ini, __file__), settings.database_url)


if __name__ == "__main__":
    main()
