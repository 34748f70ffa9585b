"""Each service has its own version and changelog, and its image says which it is.

A service's version is the `version` in `services/<name>/pyproject.toml`; its
`CHANGELOG.md` (Keep a Changelog) has an entry for it, the newest one; its Dockerfile
labels the image with the version and the commit (OCI labels
`org.opencontainers.image.version` and `.revision`) from the build arguments `VERSION`
and `REVISION` its pipeline passes (.github/workflows/service.yml).
"""

from __future__ import annotations

import re
import shlex
import tomllib
from datetime import date
from pathlib import Path

import pytest

from pos_kit.catalogue import CATALOGUE

REPO = Path(__file__).resolve().parents[2]
BUILT = [s.name for s in CATALOGUE if not s.module and (REPO / "services" / s.name).is_dir()]
SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?"
)
# A release's heading: `## [1.2.3] - 2026-12-01` (`## [Unreleased]` has no date).
RELEASE = re.compile(r"^## \[([^\]]+)\] - (\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)
LABELS = {
    "org.opencontainers.image.version": "${VERSION}",
    "org.opencontainers.image.revision": "${REVISION}",
}


def version(name: str) -> str:
    project = tomllib.loads((REPO / "services" / name / "pyproject.toml").read_text("utf-8"))
    return str(project["project"]["version"])


def final_stage(dockerfile: str) -> list[tuple[str, list[str]]]:
    """The instructions of the image's last stage, as (INSTRUCTION, its arguments); the
    arguments are split as the shell would for FROM, ARG and LABEL only."""
    joined = re.sub(r"\\\n", " ", dockerfile)
    instructions: list[tuple[str, list[str]]] = []
    for line in (raw.strip() for raw in joined.splitlines()):
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        split = instruction in {"FROM", "ARG", "LABEL"}
        instructions.append((instruction, shlex.split(rest) if split else [rest.strip()]))
    starts = [i for i, (instruction, _) in enumerate(instructions) if instruction == "FROM"]
    assert starts, "a Dockerfile without FROM"
    return instructions[starts[-1] :]


@pytest.mark.parametrize("name", BUILT)
def test_a_service_has_a_semver_version(name: str) -> None:
    assert SEMVER.fullmatch(version(name)), f"services/{name}/pyproject.toml: {version(name)}"


@pytest.mark.parametrize("name", BUILT)
def test_the_changelogs_newest_entry_is_the_services_version(name: str) -> None:
    path = REPO / "services" / name / "CHANGELOG.md"
    assert path.is_file(), f"services/{name} has no CHANGELOG.md (Keep a Changelog)"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    releases = RELEASE.findall(text)
    assert releases, f"{path}: no entry `## [<version>] - <YYYY-MM-DD>`"
    newest, day = releases[0]
    assert newest == version(name), (
        f"{path}: the newest entry is {newest}, but pyproject.toml says {version(name)}: "
        f"add `## [{version(name)}] - <date>` (or raise the version with the entry)"
    )
    date.fromisoformat(day)
    assert len({v for v, _ in releases}) == len(releases), f"{path}: a version twice"


@pytest.mark.parametrize("name", BUILT)
def test_the_image_is_labelled_with_its_version_and_commit(name: str) -> None:
    dockerfile = (REPO / "services" / name / "Dockerfile").read_text(encoding="utf-8")
    stage = final_stage(dockerfile)
    args = {a.split("=", 1)[0] for instruction, rest in stage if instruction == "ARG" for a in rest}
    assert {"VERSION", "REVISION"} <= args, f"{name}: ARG VERSION and REVISION in the last stage"
    labels = dict(
        item.split("=", 1) for instruction, rest in stage if instruction == "LABEL" for item in rest
    )
    for label, value in LABELS.items():
        assert labels.get(label) == value, f"{name}: LABEL {label}={value} in the final stage"


def test_the_final_stage_is_read_whole() -> None:
    dockerfile = 'FROM a AS b\nARG X\nFROM c\nARG VERSION=1\nLABEL k="${VERSION}" \\\n  j=2\n'
    assert final_stage(dockerfile) == [
        ("FROM", ["c"]),
        ("ARG", ["VERSION=1"]),
        ("LABEL", ["k=${VERSION}", "j=2"]),
    ]
