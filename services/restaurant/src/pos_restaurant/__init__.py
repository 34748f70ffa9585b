"""restaurant: The restaurant profile and settings, floors and tables, and staff."""
