"""`python -m pos_restaurant.migrate`: bring restaurant's database to the latest schema."""

from __future__ import annotations

from pos_kit.migrations import locate_alembic_ini, upgrade_head
from pos_restaurant.config import RestaurantSettings


def main() -> None:
    settings = RestaurantSettings()
    upgrade_head(locate_alembic_ini(settings.alembic_ini, __file__), settings.database_url)


if __name__ == "__main__":
    main()
