"""`make affected`: which services a change touches, on real git, and the same answer as
the workflows' path filters.

tools/delivery/affected.py is run against a throwaway repository (git init in
tmp_path, a few service folders, pos-kit, the lock): a change to one service touches
that service only, a change to pos-kit touches all, a change elsewhere none. Then the
rules are compared with the path filters of .github/workflows/<name>.yml.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from pos_kit.catalogue import CATALOGUE

from .test_workflows import BUILT, WORKFLOWS, matches

REPO = Path(__file__).resolve().parents[2]
IN_TMP_REPO = ("auth", "pos-core", "inventory")  # the services of the throwaway repository


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("affected", REPO / "tools/delivery/affected.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["affected"] = module
    spec.loader.exec_module(module)
    return module


affected = _load()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with three services, pos-kit, docs and the lock, all committed."""
    (tmp_path / "empty.gitconfig").write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "empty.gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    for variable in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(variable, "Test")
    for variable in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(variable, "test@example.com")
    root = tmp_path / "repo"
    files = [
        *(f"services/{name}/src/x.py" for name in IN_TMP_REPO),
        "libs/pos-kit/src/pos_kit/kernel.py",
        "docs/architecture.md",
        "uv.lock",
        "pyproject.toml",
    ]
    for file in files:
        (root / file).parent.mkdir(parents=True, exist_ok=True)
        (root / file).write_text("one\n", encoding="utf-8")
    git(root, "init", "--quiet", "--initial-branch=main")
    commit(root, "the start")
    return root


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def commit(root: Path, message: str) -> None:
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", message)


def change(root: Path, file: str) -> None:
    path = root / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("two\n", encoding="utf-8")


def touched(root: Path, base: str) -> list[str]:
    names: list[str] = affected.touched(affected.changed(base, root), affected.services(root))
    return names


def test_the_services_are_the_catalogues_with_a_folder(repo: Path) -> None:
    assert affected.services(repo) == [s.name for s in CATALOGUE if s.name in IN_TMP_REPO]
    assert affected.services() == BUILT


def test_a_change_to_one_service_touches_that_service_only(repo: Path) -> None:
    change(repo, "services/inventory/x.py")
    commit(repo, "inventory only")
    assert affected.changed("HEAD~1", repo) == ["services/inventory/x.py"]
    assert touched(repo, "HEAD~1") == ["inventory"]


def test_a_change_to_pos_kit_touches_every_service(repo: Path) -> None:
    change(repo, "libs/pos-kit/src/pos_kit/kernel.py")
    commit(repo, "the kernel")
    assert touched(repo, "HEAD~1") == affected.services(repo)
    assert len(touched(repo, "HEAD~1")) == len(IN_TMP_REPO)


@pytest.mark.parametrize("shared", ["uv.lock", "pyproject.toml"])
def test_a_change_to_the_lock_or_the_workspace_touches_every_service(
    repo: Path, shared: str
) -> None:
    change(repo, shared)
    commit(repo, shared)
    assert touched(repo, "HEAD~1") == affected.services(repo)


def test_a_change_elsewhere_touches_no_service(repo: Path) -> None:
    change(repo, "docs/architecture.md")
    change(repo, "services/README.md")
    change(repo, "services/inventory-tools/x.py")  # not a service, only a similar name
    commit(repo, "docs")
    assert touched(repo, "HEAD~1") == []


def test_uncommitted_changes_count_too(repo: Path) -> None:
    change(repo, "services/auth/src/x.py")  # tracked, not staged
    change(repo, "services/pos-core/src/new.py")  # untracked
    assert affected.changed("HEAD", repo) == [
        "services/auth/src/x.py",
        "services/pos-core/src/new.py",
    ]
    assert touched(repo, "HEAD") == ["auth", "pos-core"]


def test_the_change_is_measured_from_where_the_branch_left_base(repo: Path) -> None:
    git(repo, "switch", "--quiet", "--create", "feature")
    change(repo, "services/inventory/x.py")
    commit(repo, "the feature")
    git(repo, "switch", "--quiet", "main")
    change(repo, "services/auth/src/x.py")
    commit(repo, "main moves on")
    git(repo, "switch", "--quiet", "feature")
    assert touched(repo, "main") == ["inventory"]


def test_the_command_prints_one_service_a_line(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change(repo, "services/pos-core/src/x.py")
    change(repo, "services/auth/src/x.py")
    assert affected.main(["HEAD", "--repo", str(repo)]) == 0
    assert capsys.readouterr().out == "auth\npos-core\n"
    assert affected.main(["HEAD", "--test", "--repo", str(repo.parent)]) == 2  # not a repo


def test_nothing_to_test_runs_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    change(repo, "docs/architecture.md")
    assert affected.main(["HEAD", "--test", "--repo", str(repo)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nothing to test" in captured.err


def filters(name: str) -> list[str]:
    document = yaml.safe_load((WORKFLOWS / f"{name}.yml").read_text(encoding="utf-8"))
    on = document.get("on", document.get(True))
    assert on["push"]["paths"] == on["pull_request"]["paths"], name
    paths: list[str] = on["push"]["paths"]
    return paths


SAMPLES = [
    *(f"services/{name}/{file}" for name in BUILT for file in ("src/x.py", "Dockerfile")),
    *(f".github/workflows/{name}.yml" for name in BUILT),
    # The committed v1 API contracts (the gateway has none).
    *(
        f"docs/api/{path.name}"
        for path in sorted((WORKFLOWS.parents[1] / "docs/api").glob("*.json"))
    ),
    "docs/api/README.md",
    "libs/pos-kit/src/pos_kit/catalogue.py",
    "uv.lock",
    "pyproject.toml",
    "Makefile",
    ".github/workflows/service.yml",
    ".github/actions/setup-workspace/action.yml",
    ".github/workflows/pos-kit.yml",
    "docs/architecture.md",
    "README.md",
    "deploy/compose/compose.yaml",
    "tests/e2e/test_orders.py",
    "tools/launcher/src/pos_launcher/main.py",
    "services/pos-core-extra/x.py",
    "libs/pos-kit-next/x.py",
]


@pytest.mark.parametrize("path", SAMPLES)
def test_the_workflow_filters_and_affected_agree(path: str) -> None:
    by_filters = [name for name in BUILT if matches(path, filters(name))]
    assert by_filters == affected.touched([path], BUILT), path


@pytest.mark.parametrize("name", BUILT)
def test_a_services_file_runs_its_pipeline_and_no_other(name: str) -> None:
    path = f"services/{name}/src/pos_x/deep/module.py"
    assert [other for other in BUILT if matches(path, filters(other))] == [name]
    assert affected.touched([path], BUILT) == [name]
