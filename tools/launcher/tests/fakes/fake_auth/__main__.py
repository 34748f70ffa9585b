"""Serves the fake auth; refuses to start on a database its migration has not created."""

import json
import sys
import threading
from typing import Any

from fakesvc import database_file, serve

PREFIX = "POS_FAKE_AUTH_"
path = database_file(PREFIX)
if not path.exists():
    print(f"no database at {path}: run the migration first", flush=True)
    sys.exit(5)
lock = threading.Lock()


def signup(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    with lock:
        data = json.loads(path.read_text())
        if body["email"] in data["users"]:
            return 409, {"detail": "taken"}
        data["users"][body["email"]] = body
        path.write_text(json.dumps(data))
    return 201, {"access_token": f"token-{body['email']}"}


def login(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    user = json.loads(path.read_text())["users"].get(body["email"])
    if user is None or user["password"] != body["password"]:
        return 401, {"detail": "wrong e-mail or password"}
    return 200, {"access_token": f"token-{body['email']}"}


serve("auth", PREFIX, {"/api/v1/auth/signup": signup, "/api/v1/auth/login": login})
