"""Alembic environment for restaurant: its own tables, its own history."""

from pos_kit.migrations import run_env
from pos_restaurant.adapters.tables import Base
from pos_restaurant.config import RestaurantSettings

run_env(Base.metadata, RestaurantSettings().database_url)
