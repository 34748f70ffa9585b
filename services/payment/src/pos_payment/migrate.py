"""`python -m pos_payment.migrate`: bring payment's database to the latest schema."""

from __future__ import annotations

from pos_kit.migrations import locate_alembic_ini, upgrade_head
from pos_payment.config import PaymentSettings


def main() -> None:
    settings = PaymentSettings()
    upgrade_head(locate_alembic_ini(settings.alembic_ini, __file__), settings.database_url)


if __name__ == "__main__":
    main()
