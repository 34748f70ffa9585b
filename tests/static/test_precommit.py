"""The pre-commit hooks run the same checks as `make test`: its own Makefile targets."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def test_pre_commit_runs_the_checks_make_test_runs_first() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^test:([^\n]*)", makefile, re.MULTILINE)
    assert match is not None, "the Makefile has a test target"
    checks = [target for target in match.group(1).split() if target != "sync"]
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert [hook["entry"] for hook in hooks] == [f"make {target}" for target in checks]
    assert all(hook["pass_filenames"] is False for hook in hooks), "a target checks the tree"
