"""Serves the fake gateway."""

import json
import urllib.error
import urllib.request
from typing import Any

from fakesvc import serve, setting

PREFIX = "POS_FAKE_GATEWAY_"
AUTH_URL = setting(PREFIX, "AUTH_URL")


def to_auth(path: str) -> Any:
    def forward(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(  # noqa: S310 - an http:// URL the launcher set
            AUTH_URL + path,
            data=json.dumps(body).encode(),
            headers={"content-type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    return forward


serve(
    "gateway",
    PREFIX,
    {p: to_auth(p) for p in ("/api/v1/auth/signup", "/api/v1/auth/login")},
)
