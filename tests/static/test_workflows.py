"""The CI workflows: valid for GitHub, and one pipeline per service that runs when it should.

The workflows (`.github/workflows/`) and the set-up action are validated against the
schemas GitHub's files follow (SchemaStore's, vendored by check-jsonschema, so offline)
and a deliberately broken copy must fail that check. actionlint would check more (the
expressions, the shell scripts), but its Python package builds from a download from
GitHub. Our own rules sit on top: every service with code under `services/` has its
pipeline (`<name>.yml`, calling the reusable `service.yml`) triggered by its folder,
pos-kit and the lock; no pipeline for a service that does not exist; a release tag
`<name>-v<semver>`; pos-kit's workflow runs every service's pipeline.
"""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from pos_kit.catalogue import CATALOGUE

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
ACTIONS = sorted((REPO / ".github" / "actions").glob("*/action.yml"))
REUSABLE = "service.yml"  # one service's pipeline, called with its name
KIT = "pos-kit.yml"
# The services with code of their own; a role (the guest edge) goes with its package's.
BUILT = [s.name for s in CATALOGUE if not s.module and (REPO / "services" / s.name).is_dir()]
SHARED_TRIGGERS = ("libs/pos-kit/**", "uv.lock", "pyproject.toml")


@cache
def workflow(name: str) -> dict[str, Any]:
    document: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    if True in document:
        document["on"] = document.pop(True)
    return document


def github_glob(pattern: str) -> re.Pattern[str]:
    """A GitHub filter pattern (paths, tags) as a regular expression: `**` any characters,
    `*` any but `/`, `?` and `+` zero-or-one and one-or-more of what precedes, `[...]`
    one of those characters."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] in "?+":
            out, i = out + pattern[i], i + 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out, i = out + pattern[i : end + 1], end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def matches(path: str, patterns: list[str]) -> bool:
    return any(github_glob(pattern).fullmatch(path) for pattern in patterns)


def check_jsonschema(schema: str, files: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_glob_matching_here_is_githubs() -> None:
    assert matches("services/pos-core/src/pos_core/main.py", ["services/pos-core/**"])
    assert not matches("services/pos-core-extra/x.py", ["services/pos-core/**"])
    assert matches("uv.lock", ["uv.lock"])
    assert not matches("xuv.lock", ["uv.lock"])
    assert matches("docs/a.md", ["docs/*"])
    assert not matches("docs/a/b.md", ["docs/*"])
    assert matches("v10.2.3", ["v[0-9]+.[0-9]+.[0-9]+"])
    assert not matches("v1x2.3", ["v[0-9]+.*"])


def test_the_workflows_and_actions_follow_githubs_schemas() -> None:
    workflows = sorted(WORKFLOWS.glob("*.yml"))
    assert workflows, "no workflow under .github/workflows"
    checked = check_jsonschema("vendor.github-workflows", workflows)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert ACTIONS, "the pipelines' set-up action is missing"
    checked = check_jsonschema("vendor.github-actions", ACTIONS)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_broken_workflow_fails_the_schema_check(tmp_path: Path) -> None:
    breaks = {  # a file, a mistake made in it, and where the check must point
        REUSABLE: ("    runs-on: ubuntu-latest\n", "    runs_on: ubuntu-latest\n", "$.jobs"),
        "inventory.yml": ("    paths:\n", "    path:\n", "$.on"),
        KIT: ("    timeout-minutes: 30\n", "    timeout-minutes: half an hour\n", "$.jobs.kit"),
    }
    broken = []
    for name, (good, bad, _) in breaks.items():
        text = (WORKFLOWS / name).read_text(encoding="utf-8")
        assert good in text, f"{name} no longer has {good!r}: pick another mistake"
        (tmp_path / name).write_text(text.replace(good, bad), encoding="utf-8")
        broken.append(tmp_path / name)
    checked = check_jsonschema("vendor.github-workflows", broken)
    assert checked.returncode != 0
    for name, (_, _, where) in breaks.items():
        assert f"{name}::{where}" in checked.stdout, checked.stdout


@pytest.mark.parametrize("name", BUILT)
def test_every_built_service_has_its_pipeline(name: str) -> None:
    path = WORKFLOWS / f"{name}.yml"
    assert path.is_file(), f"services/{name}/ has no pipeline: add .github/workflows/{name}.yml"
    document = workflow(f"{name}.yml")
    calls = [job for job in document["jobs"].values() if "uses" in job]
    assert [job["uses"] for job in calls] == [f"./.github/workflows/{REUSABLE}"]
    assert calls[0]["with"]["service"] == name
    assert calls[0].get("permissions", {}).get("packages") == "write", "it pushes on a release"
    on = document["on"]
    assert on["push"]["paths"] == on["pull_request"]["paths"]
    for trigger in (f"services/{name}/**", *SHARED_TRIGGERS, f".github/workflows/{name}.yml"):
        assert trigger in on["push"]["paths"], f"{name}.yml does not run on {trigger}"
    assert matches(f"services/{name}/src/x.py", on["push"]["paths"])


def test_no_pipeline_for_a_service_that_does_not_exist() -> None:
    pipelines = {p.stem for p in WORKFLOWS.glob("*.y*ml")} - {Path(REUSABLE).stem, Path(KIT).stem}
    assert pipelines == set(BUILT), f"no such service: {sorted(pipelines - set(BUILT))}"


@pytest.mark.parametrize("name", BUILT)
def test_a_service_is_released_by_its_own_semver_tag(name: str) -> None:
    tags = workflow(f"{name}.yml")["on"]["push"]["tags"]
    for tag in (f"{name}-v1.2.3", f"{name}-v0.10.0", f"{name}-v2.0.0-rc.1"):
        assert matches(tag, tags), f"{tag} would not release {name}"
    not_releases = [f"{name}-v1.2", f"{name}-1.2.3", "v1.2.3", f"{name}-vX.2.3"]
    not_releases += [f"{other}-v1.2.3" for other in BUILT if other != name]
    for tag in not_releases:
        assert not matches(tag, tags), f"{tag} would release {name}"


def test_the_release_step_accepts_semver_tags_only() -> None:
    steps = workflow(REUSABLE)["jobs"]["image"]["steps"]
    (script,) = [step["run"] for step in steps if step.get("id") == "release"]
    found = re.search(r"semver='([^']+)'", script)
    assert found is not None, "the release step checks the tag against a semver pattern"
    semver = re.compile(found.group(1))
    for good in ("0.1.0", "1.2.3", "10.20.30", "1.0.0-rc.1", "1.0.0-alpha.beta+exp.sha.5"):
        assert semver.match(good), good
    for bad in ("1.2", "1.2.3.4", "01.2.3", "1.02.3", "v1.2.3", "1.2.3-", "1.2.x"):
        assert not semver.match(bad), bad
    assert 'CHANGELOG.md"' in script, "a release needs its changelog entry"
    assert "pyproject.toml" in script, "a release tag must name the service's version"


def test_the_pipeline_runs_lint_types_layering_tests_and_the_image() -> None:
    jobs = workflow(REUSABLE)["jobs"]
    runs = {name: " ".join(s.get("run", "") for s in job["steps"]) for name, job in jobs.items()}
    assert 'make lint SERVICE="$SERVICE"' in runs["lint"]
    assert 'make typecheck SERVICE="$SERVICE"' in runs["types"]
    assert "make layering" in runs["layering"]
    assert 'make test-unit SERVICE="$SERVICE"' in runs["tests"]
    assert 'make test-integration SERVICE="$SERVICE"' in runs["tests"]
    tests = jobs["tests"]
    assert tests["services"]["postgres"]["image"] == "postgres:15"
    assert tests["env"]["POS_TEST_DATABASE_URL"].startswith("postgresql://")
    image = jobs["image"]
    assert set(image["needs"]) == {"lint", "types", "layering", "tests"}
    (build,) = [s for s in image["steps"] if s.get("uses", "").startswith("docker/build-push")]
    assert build["with"]["file"] == "services/${{ inputs.service }}/Dockerfile"
    assert "VERSION=" in build["with"]["build-args"]
    assert "REVISION=${{ github.sha }}" in build["with"]["build-args"]


def test_pos_kits_workflow_runs_every_services_pipeline() -> None:
    document = workflow(KIT)
    for trigger in ("libs/pos-kit/**", "uv.lock"):
        assert trigger in document["on"]["push"]["paths"]
        assert trigger in document["on"]["pull_request"]["paths"]
    services = document["jobs"]["services"]
    assert services["uses"] == f"./.github/workflows/{REUSABLE}"
    assert services["strategy"]["matrix"]["service"] == BUILT
    assert services["with"] == {"service": "${{ matrix.service }}", "image": False}


def test_calls_name_what_exists() -> None:
    """Each called workflow declares workflow_call and the inputs it is given; each job's
    `needs` are jobs of its workflow; local actions exist."""
    for path in sorted(WORKFLOWS.glob("*.yml")):
        jobs = workflow(path.name)["jobs"]
        for job_name, job in jobs.items():
            needs = job.get("needs", [])
            for need in [needs] if isinstance(needs, str) else needs:
                assert need in jobs, f"{path.name}: {job_name} needs {need}, no such job"
            if str(job.get("uses", "")).startswith("./"):
                called = workflow(Path(job["uses"]).name)["on"]["workflow_call"]["inputs"]
                given = set(job.get("with", {}))
                assert given <= set(called), f"{path.name}: {given - set(called)} not declared"
                required = {name for name, spec in called.items() if spec.get("required")}
                assert required <= given, f"{path.name}: {job_name} lacks {required - given}"
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("./"):
                    assert (REPO / step["uses"] / "action.yml").is_file(), step["uses"]


def test_actions_are_pinned_by_major_version() -> None:
    documents = [workflow(p.name) for p in sorted(WORKFLOWS.glob("*.yml"))]
    steps = [s for d in documents for job in d["jobs"].values() for s in job.get("steps", [])]
    for action in ACTIONS:
        steps += yaml.safe_load(action.read_text(encoding="utf-8"))["runs"]["steps"]
    used = {s["uses"] for s in steps if "uses" in s and not s["uses"].startswith("./")}
    assert used, "the pipelines use no action?"
    for uses in used:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", uses), f"{uses}: pin it as owner/name@v<major>"
