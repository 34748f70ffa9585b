"""`python -m pos_core.migrate`: bring pos-core's database to the latest schema."""

from __future__ import annotations

from pos_core.config import CoreSettings
from pos_kit.migrations import locate_alembic_ini, upgrade_head


def main() -> None:
    settings = CoreSettings()
    upgrade_head(locate_alembic_ini(settings.alembic_ini, __file__), settings.database_url)


if __name__ == "__main__":
    main()
