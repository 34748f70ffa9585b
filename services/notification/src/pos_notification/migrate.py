"""`python -m pos_notification.migrate`: bring notification's database to the latest schema."""

from __future__ import annotations

from pos_kit.migrations import locate_alembic_ini, upgrade_head
from pos_notification.config import NotificationSettings


def main() -> None:
    settings = NotificationSettings()
    upgrade_head(locate_alembic_ini(settings.alembic_ini, __file__), settings.database_url)


if __name__ == "__main__":
    main()
