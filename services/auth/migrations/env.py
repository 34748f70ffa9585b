"""Alembic environment for auth: its own tables, its own history."""

from pos_auth.adapters.tables import Base
from pos_auth.config import AuthSettings
from pos_kit.migrations import run_env

run_env(Base.metadata, AuthSettings().database_url)
