"""Alembic environment for inventory: its own tables, its own history."""

from pos_inventory.adapters.tables import Base
from pos_inventory.config import InventorySettings
from pos_kit.migrations import run_env

run_env(Base.metadata, InventorySettings().database_url)
