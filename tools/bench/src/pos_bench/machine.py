"""What the figures were measured on: the machine, the code (commit) and when."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[4]


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _os_name() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))}, {platform.system()} " + (
                    platform.release()
                )
    return f"{platform.system()} {platform.release()}"


def machine() -> dict[str, Any]:
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count() or 0,
        "physical_cores": psutil.cpu_count(logical=False) or 0,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "os": _os_name(),
        "python": platform.python_version(),
        "hostname": platform.node(),
    }


def _git(*args: str) -> str:
    try:
        out = subprocess.run(
            ["git", *args],  # noqa: S607 - git from PATH, as a developer runs it
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def commit() -> dict[str, Any]:
    full = _git("rev-parse", "HEAD")
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "commit": full[:7] if full else "unknown",
        "commit_full": full or "unknown",
        "subject": _git("log", "-1", "--format=%s"),
        # Uncommitted changes to tracked files: the figures are of the tree, not the commit.
        "dirty": bool(status),
    }


def postgres_version(text: str) -> str:
    """`PostgreSQL 15.20 (Debian ...) on x86_64...` -> `PostgreSQL 15.20`."""
    parts = text.split()
    return " ".join(parts[:2]) if len(parts) >= 2 else text
