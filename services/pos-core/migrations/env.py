"""Alembic environment for pos-core: its own tables, its own history."""

from pos_core.adapters.tables import Base
from pos_core.config import CoreSettings
from pos_kit.migrations import run_env

run_env(Base.metadata, CoreSettings().database_url)
