"""restaurant: the restaurant's profile and settings, its floors and tables, and its staff."""
