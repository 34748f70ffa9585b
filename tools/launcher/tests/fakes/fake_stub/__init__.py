"""A service package that has not got a `__main__` yet: the launcher must skip it."""
