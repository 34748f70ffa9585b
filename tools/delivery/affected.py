"""`make affected BASE=<ref>`: the services a change since BASE touches, then their tests.

The change is what `git diff --name-only BASE...HEAD` lists (the commits since HEAD
left BASE) plus what is not committed yet (staged, unstaged and untracked files). A
path touches:

- one service: anything under `services/<name>/`, its own workflow
  `.github/workflows/<name>.yml`, and its committed v1 API contract
  `docs/api/<name>.v1.json`;
- every service: `libs/pos-kit/`, `uv.lock`, the root `pyproject.toml`, and what every
  service's pipeline is made of (the reusable workflow, the set-up action, the Makefile
  whose targets the pipelines run);
- none: anything else (docs, deploy, the end-to-end tests, the tools).

These are the rules of the workflows' path filters (`.github/workflows/<name>.yml`,
`on.push.paths`); `tests/static/test_affected.py` checks that both agree. The services
are the catalogue's (`pos_kit.catalogue`) that have a folder of their own under
`services/`: a role of another service's package (the guest edge, the gateway's) has
no code, pipeline or tests of its own and goes with its package's service.

    affected.py BASE            print the touched services, one a line
    affected.py --test BASE     ... then run their tests (`pytest services/<name> ...`)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from pos_kit.catalogue import CATALOGUE

REPO = Path(__file__).resolve().parents[2]
# Paths every service's pipeline depends on: a file, or a folder (ending in "/").
SHARED = (
    "libs/pos-kit/",
    "uv.lock",
    "pyproject.toml",
    "Makefile",
    ".github/workflows/service.yml",
    ".github/actions/",
)


def services(repo: Path = REPO) -> list[str]:
    """The catalogue's services with a folder under `repo/services/`, in catalogue order."""
    return [
        entry.name
        for entry in CATALOGUE
        if not entry.module and (repo / "services" / entry.name).is_dir()
    ]


def _shared(path: str) -> bool:
    return any(path.startswith(s) if s.endswith("/") else path == s for s in SHARED)


def touched(paths: Iterable[str], known: Sequence[str]) -> list[str]:
    """The services of `known` (in its order) that a change of `paths` touches."""
    hit: set[str] = set()
    for path in paths:
        if _shared(path):
            return list(known)
        for name in known:
            if path.startswith(f"services/{name}/") or path in (
                f".github/workflows/{name}.yml",
                f"docs/api/{name}.v1.json",  # its committed v1 API contract
            ):
                hit.add(name)
    return [name for name in known if name in hit]


def _git(repo: Path, *args: str) -> list[str]:
    out = subprocess.run(
        ["git", *args],  # noqa: S607 (git from PATH, as a developer runs it)
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [line for line in out.splitlines() if line]


def changed(base: str, repo: Path = REPO) -> list[str]:
    """Files changed since `base`: committed since HEAD left it, and not committed yet.

    A rename counts as its old path and its new one (`--no-renames`).
    """
    committed = _git(repo, "diff", "--name-only", "--no-renames", f"{base}...HEAD", "--")
    uncommitted = _git(repo, "diff", "--name-only", "--no-renames", "HEAD", "--")
    untracked = _git(repo, "ls-files", "--others", "--exclude-standard")
    return sorted({*committed, *uncommitted, *untracked})


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("base", help="the git ref the change is measured from, e.g. origin/main")
    parser.add_argument("--test", action="store_true", help="then run the touched services' tests")
    parser.add_argument("--repo", type=Path, default=REPO, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        paths = changed(args.base, args.repo)
    except subprocess.CalledProcessError as error:
        failed = " ".join(error.cmd)
        print(f"affected: {failed} failed: {error.stderr.strip()}", file=sys.stderr)
        return 2
    names = touched(paths, services(args.repo))
    for name in names:
        print(name)
    if not args.test:
        return 0
    if not names:
        print(f"affected: no service touched since {args.base}, nothing to test", file=sys.stderr)
        return 0
    sys.stdout.flush()
    tests = [sys.executable, "-m", "pytest", "-q", *(f"services/{name}" for name in names)]
    return subprocess.run(tests, cwd=args.repo, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
