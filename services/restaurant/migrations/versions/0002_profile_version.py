"""restaurant profiles get a version, raised on every change (restaurant.profile_changed).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing profiles start at 1, as a new one does; the default is dropped afterwards
    # because the service always writes the version itself.
    with op.batch_alter_table("restaurant_profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
    with op.batch_alter_table("restaurant_profiles", schema=None) as batch_op:
        batch_op.alter_column("version", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("restaurant_profiles", schema=None) as batch_op:
        batch_op.drop_column("version")
