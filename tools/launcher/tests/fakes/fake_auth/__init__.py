"""Fake auth: sign-up and login over a JSON file that its migration creates."""
