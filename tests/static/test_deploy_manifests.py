"""deploy/compose and deploy/k8s, checked against the code without Docker or a cluster.

The manifests must agree with what the code says: which services can be built
(services/*/Dockerfile), each service's settings prefix (its config.py), their ports
(the service catalogue) and the services the gateway's route table names. A role of a
service (the guest edge: the gateway routing guest chat only) is deployed like any
service, with the image of its package and the command of its module.

The files are also checked against the official schemas: compose.yaml against the
compose-spec (check-jsonschema's vendored copy), every Kubernetes manifest and the
`kubectl kustomize` output against the Kubernetes API of KUBERNETES_VERSION
(kubernetes-validate's copy); both work offline.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from pos_gateway.routes import ROUTE_TABLE
from pos_kit.catalogue import upstreams

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE_DIR = DEPLOY / "compose"
COMPOSE_FILE = COMPOSE_DIR / "compose.yaml"
K8S = DEPLOY / "k8s"
NAMESPACE = "pos"
FUTURE = "future"
INFRASTRUCTURE = frozenset({"postgres", "mongo", "nats"})
MIGRATE_SUFFIX = "-migrate"
RUN_AS = 10001
# The official compose-spec schema, as check-jsonschema vendors it (works offline).
COMPOSE_SPEC_CHECK = (
    sys.executable,
    "-m",
    "check_jsonschema",
    "--builtin-schema",
    "vendor.compose-spec",
)
# The Kubernetes version whose API schemas (kubernetes-validate's) the manifests must
# match: 1.30, the oldest minor still supported by the major managed offerings when this
# was set; everything used here (autoscaling/v2, policy/v1, networking.k8s.io/v1,
# scheduling.k8s.io/v1) is GA there. Raise it with the clusters, never past the newest
# version kubernetes-validate ships.
KUBERNETES_VERSION = "1.30"

_INTERPOLATION_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?][^}]*)?\}")
_CREATE_DATABASE_RE = re.compile(r"CREATE\s+DATABASE\s+([a-z_][a-z0-9_]*)", re.IGNORECASE)
_CLUSTER_URL_RE = re.compile(r"http://([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local:(\d+)")


@cache
def _parse(path: Path) -> tuple[Any, ...]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        return tuple(doc for doc in yaml.load_all(handle, Loader=loader) if doc is not None)


def load_documents(path: Path) -> list[Any]:
    """The YAML documents of a file (parsed once per run; callers must not change them)."""
    return list(_parse(path))


def load_one(path: Path) -> Any:
    documents = load_documents(path)
    assert len(documents) == 1, f"{path}: expected one YAML document, found {len(documents)}"
    return documents[0]


def image_command(service: Any) -> list[str]:
    """What a container of the service's image runs unless told otherwise: its CMD.

    The images have no ENTRYPOINT, so a compose service's or a Kubernetes container's
    `command` replaces the CMD whole: that is how a role runs its own module in the image.
    """
    dockerfile = service.dockerfile.read_text(encoding="utf-8")
    assert not re.search(r"^ENTRYPOINT\b", dockerfile, re.MULTILINE), service.dockerfile
    commands = re.findall(r"^CMD\s+(\[.*\])\s*$", dockerfile, re.MULTILINE)
    assert commands, f"{service.dockerfile}: no CMD in exec form"
    return json.loads(commands[-1])


def routed_by(service: Any) -> set[str]:
    """The upstream services an edge sends requests to: its settings' `routes_to`, where
    empty means all of them (the gateway); the guest edge routes the chatbot only."""
    field = service.settings_class().model_fields["routes_to"]
    return set(field.get_default(call_default_factory=True)) or {s.name for s in upstreams()}


def upstream_urls(service: Any, env: dict[str, str]) -> dict[str, str]:
    """An edge's upstream URLs in its environment, by upstream: `<PREFIX>POS_CORE_URL`."""
    urls = {u.name: env.get(f"{service.prefix}{u.upstream_env}_URL") for u in upstreams()}
    return {name: url for name, url in urls.items() if url is not None}


def env_file_keys(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of an env file (comments and blank lines skipped)."""
    pairs: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f"{path}:{number}: not KEY=VALUE: {line!r}"
        pairs[key.strip()] = value
    return pairs


# --- every YAML file ---------------------------------------------------------------


def _yaml_files() -> list[Path]:
    files = sorted(p for p in DEPLOY.rglob("*") if p.suffix in (".yaml", ".yml"))
    return [*files, REPO / "docs" / "asyncapi.yaml"]


@pytest.mark.parametrize("path", _yaml_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_yaml_file_parses(path: Path) -> None:
    documents = load_documents(path)
    assert documents, f"{path} is empty"
    for document in documents:
        assert isinstance(document, dict), f"{path}: a document is not a mapping"


def test_the_yaml_files_are_found() -> None:
    names = {p.relative_to(REPO).as_posix() for p in _yaml_files()}
    assert "deploy/compose/compose.yaml" in names
    assert "deploy/k8s/kustomization.yaml" in names


# --- compose -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document = load_one(COMPOSE_FILE)
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def compose_apps(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services' long-running containers (not infrastructure, not migrate jobs)."""
    return {
        name: spec
        for name, spec in compose["services"].items()
        if name not in INFRASTRUCTURE and not name.endswith(MIGRATE_SUFFIX)
    }


def profiles(spec: dict[str, Any]) -> list[str]:
    return list(spec.get("profiles") or [])


def dockerfile_of(spec: dict[str, Any]) -> Path:
    build = spec["build"]
    return (COMPOSE_DIR / build["context"] / build["dockerfile"]).resolve()


def check_compose_spec(*paths: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with the official compose-spec schema it vendors (no network)."""
    return subprocess.run(
        [*COMPOSE_SPEC_CHECK, *(str(path) for path in paths)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_matches_the_official_compose_spec() -> None:
    checked = check_compose_spec(COMPOSE_FILE)
    assert checked.returncode == 0, (
        f"compose.yaml breaks the compose-spec schema:\n{checked.stdout}{checked.stderr}"
    )


@pytest.mark.parametrize(
    ("change", "reported"),
    [
        # `ports` is a list: a bare string is refused.
        (lambda doc: doc["services"]["gateway"].update(ports="8000"), "gateway.ports"),
        # Only `x-*` keys may be added at the top level.
        (lambda doc: doc.update(servics={}), "servics"),
    ],
    ids=["ports-as-a-string", "unknown-top-level-key"],
)
def test_the_compose_spec_check_fails_on_a_broken_compose(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], reported: str
) -> None:
    broken = copy.deepcopy(load_one(COMPOSE_FILE))
    change(broken)
    path = tmp_path / "compose.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    checked = check_compose_spec(path)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert reported in checked.stdout, checked.stdout


def test_compose_has_every_service_and_nothing_unknown(compose_apps, services) -> None:
    assert set(compose_apps) == set(services), (
        "compose.yaml must run exactly the gateway and the services it routes to"
    )


def test_compose_runs_every_service_that_has_a_dockerfile(compose_apps, dockerfile_services):
    for name in sorted(dockerfile_services):
        assert name in compose_apps, f"services/{name}/Dockerfile exists but compose lacks {name}"
        assert FUTURE not in profiles(compose_apps[name]), (
            f"services/{name}/Dockerfile exists now: remove `profiles: [future]` from {name} "
            f"(and {name}{MIGRATE_SUFFIX}) in compose.yaml so `docker compose up` starts it"
        )


def test_compose_keeps_unbuildable_services_in_the_future_profile(compose: dict[str, Any]):
    """A plain `docker compose up` must only build what exists."""
    for name, spec in compose["services"].items():
        if "build" not in spec:
            continue
        dockerfile = dockerfile_of(spec)
        assert dockerfile.is_relative_to(REPO / "services"), f"{name}: {dockerfile}"
        assert dockerfile.name == "Dockerfile"
        assert (COMPOSE_DIR / spec["build"]["context"]).resolve() == REPO, (
            f"{name}: the build context is the repository root (the Dockerfiles copy the workspace)"
        )
        if dockerfile.is_file():
            continue
        assert profiles(spec) == [FUTURE], (
            f"{name} builds {dockerfile.relative_to(REPO)}, which does not exist: "
            f'give it `profiles: ["{FUTURE}"]`'
        )


def test_compose_builds_each_service_from_the_directory_of_its_code(
    compose: dict[str, Any], services
) -> None:
    """A role (the guest edge) builds its package's image and runs its own module in it."""
    for name, spec in compose["services"].items():
        if name in INFRASTRUCTURE:
            continue
        service = services[name.removesuffix(MIGRATE_SUFFIX)]
        assert dockerfile_of(spec) == service.dockerfile.resolve(), name
        assert spec["image"] == f"{service.image}:local", name
        if name == service.name and service.has_dockerfile:
            assert "entrypoint" not in spec, name
            runs = spec.get("command", image_command(service))
            assert runs == ["python", "-m", service.main_module], (
                f"{name} must run python -m {service.main_module}, not {runs}"
            )


def test_compose_env_names_use_the_package_prefix(compose: dict[str, Any], services) -> None:
    for name, spec in compose["services"].items():
        if name in INFRASTRUCTURE:
            continue
        service = services[name.removesuffix(MIGRATE_SUFFIX)]
        declared = service.declared_env_prefix()
        if declared is not None:
            assert declared == service.prefix, (
                f"services/{service.name} reads {declared}*, not {service.prefix}*"
            )
        wrong = sorted(k for k in spec.get("environment", {}) if not k.startswith(service.prefix))
        assert not wrong, f"{name}: {wrong} do not start with {service.prefix}"


def test_compose_ports_are_the_gateway_defaults(compose: dict[str, Any], compose_apps, services):
    for name, spec in compose_apps.items():
        service = services[name]
        env = spec["environment"]
        assert env[f"{service.prefix}PORT"] == str(service.port), name
        assert env[f"{service.prefix}HOST"] == "0.0.0.0", name
        healthcheck = " ".join(spec["healthcheck"]["test"])
        assert f"http://127.0.0.1:{service.port}/readyz" in healthcheck, (
            f"{name}: the health check must call /readyz on port {service.port}"
        )
        if not service.edge:
            assert [str(p) for p in spec.get("expose", [])] == [str(service.port)], name
    for name, service in services.items():
        if not service.edge:
            continue
        # The gateway knows every upstream, the guest edge only the chatbot.
        assert upstream_urls(service, compose_apps[name]["environment"]) == {
            upstream: f"http://{upstream}:{services[upstream].port}"
            for upstream in routed_by(service)
        }, f"{name}: the URL of each upstream it routes to, and no other"
    published = {n: s["ports"] for n, s in compose["services"].items() if s.get("ports")}
    assert published == {n: [f"{s.port}:{s.port}"] for n, s in services.items() if s.edge}, (
        "only the edges (the gateway, the guest edge) are published, each on its own port"
    )


def test_compose_wires_databases_nats_and_jwks(compose: dict[str, Any], compose_apps, services):
    for name, spec in compose_apps.items():
        service = services[name]
        env = spec["environment"]
        assert env[f"{service.prefix}ENVIRONMENT"] == "production", name
        if service.edge:
            continue
        assert env[f"{service.prefix}NATS_URL"] == "nats://nats:4222", name
        assert env[f"{service.prefix}JWKS_URL"] == "http://auth:8001/.well-known/jwks.json", name
        database_url = env.get(f"{service.prefix}DATABASE_URL")
        if service.has_database:
            assert database_url == f"postgresql://pos:pos@postgres:5432/{service.database}", name
        else:
            assert database_url is None, f"{name} has no PostgreSQL database"
    assert "mongo" in spec_depends_on(compose_apps["chatbot"])


def spec_depends_on(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    depends = spec.get("depends_on") or {}
    if isinstance(depends, list):
        return {name: {"condition": "service_started"} for name in depends}
    return depends


def test_compose_migrates_before_each_service_starts(compose: dict[str, Any], services) -> None:
    all_services = compose["services"]
    for name, service in services.items():
        job_name = name + MIGRATE_SUFFIX
        if not service.has_database:
            assert job_name not in all_services, f"{name} has no database to migrate"
            continue
        job, app = all_services[job_name], all_services[name]
        assert job["command"] == ["python", "-m", f"{service.package}.migrate"], job_name
        assert (job["image"], job["build"]) == (app["image"], app["build"]), (
            f"{job_name} runs {name}'s image"
        )
        assert profiles(job) == profiles(app), f"{job_name} and {name} share their profile"
        assert job.get("restart") == "no", f"{job_name} is a one-off"
        assert spec_depends_on(job) == {"postgres": {"condition": "service_healthy"}}, job_name
        assert spec_depends_on(app).get(job_name) == {
            "condition": "service_completed_successfully"
        }, f"{name} must wait for {job_name} to exit 0"
        assert set(job["environment"]) == {f"{service.prefix}DATABASE_URL"}, job_name
        assert job["environment"] == {
            k: v for k, v in app["environment"].items() if k.endswith("_DATABASE_URL")
        }, f"{job_name} migrates the database {name} uses"


def test_compose_dependencies_exist_and_respect_profiles(compose: dict[str, Any]) -> None:
    all_services = compose["services"]
    for name, spec in all_services.items():
        for target, rule in spec_depends_on(spec).items():
            assert target in all_services, f"{name} depends on unknown {target}"
            if not profiles(spec) and rule.get("required", True):
                assert not profiles(all_services[target]), (
                    f"{name} starts on every `up` but depends on {target}, which is only in "
                    f"profile(s) {profiles(all_services[target])}: `docker compose up` would fail"
                )


def test_compose_background_work_has_a_budget_of_its_own(compose_apps, services) -> None:
    """Work that can wait (the chatbot, the guest edge) gets CPU and memory limits, so a
    flood of guests can never take the CPU order taking runs on."""
    for name, service in services.items():
        if not service.background:
            continue
        limits = compose_apps[name].get("deploy", {}).get("resources", {}).get("limits", {})
        assert {"cpus", "memory"} <= set(limits), f"{name}: deploy.resources.limits"


def test_compose_containers_are_hardened(compose: dict[str, Any]) -> None:
    for name, spec in compose["services"].items():
        if name in INFRASTRUCTURE:
            continue
        assert spec.get("read_only") is True, name
        assert spec.get("cap_drop") == ["ALL"], name
        assert "no-new-privileges:true" in spec.get("security_opt", []), name


def test_compose_postgres_init_creates_one_database_per_service(compose, services) -> None:
    postgres = compose["services"]["postgres"]
    assert postgres["image"].startswith("postgres:16")
    assert "./postgres-init:/docker-entrypoint-initdb.d:ro" in postgres["volumes"]
    sql = (COMPOSE_DIR / "postgres-init" / "01-databases.sql").read_text(encoding="utf-8")
    created = _CREATE_DATABASE_RE.findall(sql)
    assert sorted(created) == sorted(s.database for s in services.values() if s.has_database)


def test_compose_infrastructure(compose: dict[str, Any]) -> None:
    all_services = compose["services"]
    assert all_services["mongo"]["image"].startswith("mongo:7")
    nats = all_services["nats"]
    major, minor = (int(n) for n in re.findall(r"nats:(\d+)\.(\d+)", nats["image"])[0])
    assert (major, minor) >= (2, 11), "NATS 2.11 or newer"
    command = nats["command"]
    assert "-js" in command
    store = command[command.index("-sd") + 1]
    assert any(v.endswith(f":{store}") for v in nats["volumes"]), "JetStream store on a volume"
    for name in INFRASTRUCTURE:
        assert not profiles(all_services[name]), f"{name} starts on every `up`"
        assert "healthcheck" in all_services[name], name


def test_compose_secrets_come_from_the_env_file(compose: dict[str, Any]) -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    example = env_file_keys(COMPOSE_DIR / ".env.example")
    for variable, modifier in _INTERPOLATION_RE.findall(text):
        assert variable in example, (
            f"${{{variable}}} is used in compose.yaml; add it to .env.example"
        )
        if modifier.startswith((":?", "?")) or not modifier:
            assert example[variable], f"{variable} is required: give .env.example a placeholder"
    for name, value in example.items():
        if re.search(r"SECRET|PASSWORD|TOKEN|KEY", name):
            assert "change-me" in value, f".env.example: {name} must be a placeholder"
    for name, spec in compose["services"].items():
        if name in INFRASTRUCTURE:
            continue  # local-only database users, documented in README.md
        for key, value in spec.get("environment", {}).items():
            if re.search(r"SECRET|PASSWORD|BOOTSTRAP_CLIENTS", key):
                assert "${" in str(value), f"{name}: {key} must come from .env, not compose.yaml"
    ignored = (COMPOSE_DIR / ".gitignore").read_text(encoding="utf-8").split()
    assert ".env" in ignored


def test_compose_service_accounts_share_their_client_secret_with_auth(
    compose_apps, services
) -> None:
    auth_clients = compose_apps["auth"]["environment"]["POS_AUTH_BOOTSTRAP_CLIENTS"]
    clients = {c["client_id"]: c for c in json.loads(auth_clients)}
    needs = {
        "restaurant": {"users:write", "guests:issue"},
        "chatbot": {"menu:read"},
        # Stock holds are pos-core's alone (issue 12), never a waiter's token.
        "pos-core": {"inventory:reserve"},
    }
    assert set(clients) == set(needs)
    for name, scopes in needs.items():
        env = compose_apps[name]["environment"]
        prefix = services[name].prefix
        client = clients[env[f"{prefix}AUTH_CLIENT_ID"]]
        assert client["secret"] == env[f"{prefix}AUTH_CLIENT_SECRET"], name
        assert scopes <= set(client["scopes"]), name
        assert env[f"{prefix}AUTH_URL"] == "http://auth:8001", name
    secrets = [client["secret"] for client in clients.values()]
    assert len(secrets) == len(set(secrets)), "each service account has a secret of its own"


# --- the gateway's route table -------------------------------------------------------


def test_gateway_routes_only_to_deployed_services(compose_apps, services) -> None:
    routed = set(ROUTE_TABLE.services)
    assert routed, "the route table is empty"
    assert routed <= set(compose_apps), f"not in compose: {sorted(routed - set(compose_apps))}"
    k8s_dirs = {p.name for p in (K8S / "services").iterdir() if p.is_dir()}
    assert routed <= k8s_dirs, f"no deploy/k8s/services/<name>: {sorted(routed - k8s_dirs)}"
    behind = {name for name, service in services.items() if not service.edge}
    assert routed == behind, "every upstream the gateway knows gets routes"


# --- kubernetes ------------------------------------------------------------------------


def k8s_dir(name: str) -> Path:
    return K8S / "services" / name


def kustomization(path: Path) -> dict[str, Any]:
    document = load_one(path / "kustomization.yaml")
    assert document["kind"] == "Kustomization", path
    return document


def objects(name: str) -> dict[tuple[str, str], dict[str, Any]]:
    """A service directory's resources by (kind, name)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    directory = k8s_dir(name)
    for resource in kustomization(directory)["resources"]:
        path = directory / resource
        assert path.is_file(), f"{path} is listed but missing"
        for document in load_documents(path):
            key = (document["kind"], document["metadata"]["name"])
            assert key not in found, f"{name}: {key} twice"
            found[key] = document
    return found


def config_literals(name: str) -> dict[str, str]:
    generators = kustomization(k8s_dir(name)).get("configMapGenerator", [])
    (generator,) = [g for g in generators if g["name"] == f"{name}-config"]
    return dict(literal.split("=", 1) for literal in generator["literals"])


def secret_keys(name: str) -> dict[str, str]:
    generators = kustomization(k8s_dir(name)).get("secretGenerator", [])
    (generator,) = [g for g in generators if g["name"] == f"{name}-secrets"]
    assert generator["envs"] == ["secrets.env"], name
    return env_file_keys(k8s_dir(name) / "secrets.env.example")


def deployed_services() -> set[str]:
    root = kustomization(K8S)
    listed = {r.removeprefix("services/") for r in root["resources"] if r.startswith("services/")}
    for resource in root["resources"]:
        assert (K8S / resource).exists(), f"deploy/k8s/{resource} is listed but missing"
    return listed


def kubernetes_schema_errors(documents: list[Any], where: str) -> list[str]:
    """What the Kubernetes API schemas of KUBERNETES_VERSION refuse in the documents,
    strictly (an unknown field is an error, as `kubectl apply --validate=strict` has it)."""
    errors = []
    for document in documents:
        name = f"{where}: {document.get('kind')} {document.get('metadata', {}).get('name')}"
        try:
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{name}: {error.json_path}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError as error:
            errors.append(f"{name}: {error.message}")
    return errors


def _k8s_resource_files() -> list[Path]:
    """The manifests under deploy/k8s; kustomization.yaml files are kustomize's, not
    Kubernetes resources."""
    return sorted(p for p in K8S.rglob("*.yaml") if p.name != "kustomization.yaml")


@pytest.mark.parametrize("path", _k8s_resource_files(), ids=lambda p: str(p.relative_to(K8S)))
def test_k8s_manifests_match_the_kubernetes_schemas(path: Path) -> None:
    errors = kubernetes_schema_errors(load_documents(path), str(path.relative_to(REPO)))
    assert not errors, f"not valid Kubernetes {KUBERNETES_VERSION}:\n" + "\n".join(errors)


def test_the_k8s_manifests_are_found() -> None:
    kinds = {d["kind"] for path in _k8s_resource_files() for d in load_documents(path)}
    assert {"Deployment", "Service", "Job", "HorizontalPodAutoscaler", "Ingress"} <= kinds
    assert {"PodDisruptionBudget", "NetworkPolicy", "PriorityClass", "Namespace"} <= kinds


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    return deployment["spec"]["template"]["spec"]["containers"][0]


@pytest.mark.parametrize(
    ("change", "reported"),
    [
        (lambda d: d["spec"].update(replicas="two"), "'two' is not of type"),
        (lambda d: _container(d).pop("name"), "'name' is a required property"),
        (lambda d: _container(d).update(imagePullPolice="Always"), "'imagePullPolice'"),
    ],
    ids=["replicas-as-a-string", "container-without-a-name", "misspelt-field"],
)
def test_the_kubernetes_schema_check_fails_on_a_broken_deployment(
    change: Callable[[dict[str, Any]], None], reported: str
) -> None:
    broken = copy.deepcopy(load_one(k8s_dir("pos-core") / "deployment.yaml"))
    change(broken)
    errors = kubernetes_schema_errors([broken], "a broken copy")
    assert len(errors) == 1, errors
    assert reported in errors[0]


def test_k8s_deploys_exactly_the_services_with_a_dockerfile(services, dockerfile_services):
    deployed = deployed_services()
    assert deployed == dockerfile_services, (
        "deploy/k8s/kustomization.yaml must list services/<name> for each service with a "
        f"Dockerfile, and only those: listed {sorted(deployed)}, "
        f"with a Dockerfile {sorted(dockerfile_services)}"
    )
    for name in services:
        assert (k8s_dir(name) / "kustomization.yaml").is_file(), f"no manifests for {name}"
    root = kustomization(K8S)
    assert root["namespace"] == NAMESPACE
    images = {image["name"] for image in root["images"]}
    assert {service.image for service in services.values()} <= images


def test_k8s_namespace_enforces_restricted_pods() -> None:
    namespace = load_one(K8S / "namespace.yaml")
    assert namespace["kind"] == "Namespace"
    assert namespace["metadata"]["name"] == NAMESPACE
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def _pod_and_container(workload: dict[str, Any]) -> tuple[dict, dict]:
    pod = workload["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    return pod, container


def _assert_non_root(where: str, pod: dict[str, Any], container: dict[str, Any]) -> None:
    pod_ctx, ctx = pod.get("securityContext", {}), container.get("securityContext", {})
    assert ctx.get("runAsNonRoot", pod_ctx.get("runAsNonRoot")) is True, where
    assert ctx.get("runAsUser", pod_ctx.get("runAsUser")) == RUN_AS, where
    assert ctx.get("allowPrivilegeEscalation") is False, where
    assert ctx.get("readOnlyRootFilesystem") is True, where
    assert ctx.get("capabilities", {}).get("drop") == ["ALL"], where
    seccomp = ctx.get("seccompProfile", pod_ctx.get("seccompProfile", {}))
    assert seccomp.get("type") == "RuntimeDefault", where


def _assert_env_from(where: str, name: str, container: dict[str, Any]) -> None:
    sources = container["envFrom"]
    assert {"configMapRef": {"name": f"{name}-config"}} in sources, where
    assert {"secretRef": {"name": f"{name}-secrets"}} in sources, where


def _probe_port_matches(probe: dict[str, Any], container: dict[str, Any]) -> bool:
    port = probe["httpGet"]["port"]
    return any(port in (p.get("name"), p["containerPort"]) for p in container["ports"])


def test_k8s_deployments_probe_and_run_as_non_root(services) -> None:
    for name, service in services.items():
        found = objects(name)
        deployment = found[("Deployment", name)]
        where = f"deploy/k8s/services/{name}: Deployment"
        pod, container = _pod_and_container(deployment)
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        # The service's own port, and for a service facing the internet (the gateway) a
        # port of the cluster's for Prometheus, which the annotations name.
        assert ports.get("http") == service.port, where
        assert set(ports) <= {"http", "metrics"}, where
        scraped = deployment["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"]
        assert int(scraped) == ports.get("metrics", service.port), where
        for kind, path in (
            ("readinessProbe", "/readyz"),
            ("livenessProbe", "/healthz"),
            ("startupProbe", "/healthz"),
        ):
            probe = container.get(kind)
            assert probe, f"{where} has no {kind}"
            assert probe["httpGet"]["path"] == path, f"{where}: {kind} must call {path}"
            assert _probe_port_matches(probe, container), f"{where}: {kind} on another port"
        _assert_non_root(where, pod, container)
        _assert_env_from(where, name, container)
        for bound in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][bound]), f"{where}: {bound}"
        assert container["image"] == service.image, where
        if service.has_dockerfile:
            assert "args" not in container, where
            runs = container.get("command", image_command(service))
            assert runs == ["python", "-m", service.main_module], (
                f"{where} must run python -m {service.main_module}, not {runs}"
            )
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= labels.items(), f"{where}: the selector misses its pods"
        hpa = found.get(("HorizontalPodAutoscaler", name))
        if hpa is None:
            assert deployment["spec"]["replicas"] >= 2, f"{where}: 2 replicas at least"
        else:
            assert "replicas" not in deployment["spec"], f"{where}: the HPA owns the count"
            assert hpa["spec"]["minReplicas"] >= 2, f"{where}: the HPA keeps 2 at least"


def test_k8s_services_give_each_one_its_port_and_dns_name(services) -> None:
    for name, service in services.items():
        found = objects(name)
        svc = found[("Service", name)]
        deployment = found[("Deployment", name)]
        assert svc["spec"].get("type", "ClusterIP") == "ClusterIP", name
        (port,) = svc["spec"]["ports"]
        assert port["port"] == service.port, f"{name}: cluster DNS URLs use port {service.port}"
        _, container = _pod_and_container(deployment)
        assert port["targetPort"] in {p.get("name") for p in container["ports"]}, name
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert svc["spec"]["selector"].items() <= pod_labels.items(), f"{name}: selects no pod"


def test_k8s_settings_use_the_prefix_and_cluster_dns(services) -> None:
    for name, service in services.items():
        literals = config_literals(name)
        keys = [*literals, *secret_keys(name)]
        wrong = sorted(k for k in keys if not k.startswith(service.prefix))
        assert not wrong, f"deploy/k8s/services/{name}: {wrong} lack {service.prefix}"
        assert literals[f"{service.prefix}ENVIRONMENT"] == "production", name
        assert literals[f"{service.prefix}HOST"] == "0.0.0.0", name
        assert literals[f"{service.prefix}PORT"] == str(service.port), name
        if service.has_database:
            assert f"{service.prefix}DATABASE_URL" in secret_keys(name), name
        if not service.edge:
            assert f"{service.prefix}NATS_URL" in secret_keys(name), name
            assert literals[f"{service.prefix}JWKS_URL"] == (
                f"http://auth.{NAMESPACE}.svc.cluster.local:8001/.well-known/jwks.json"
            ), name
        for value in literals.values():
            for host, namespace, port in _CLUSTER_URL_RE.findall(value):
                assert host in services, f"{name}: {value} names no service"
                assert namespace == NAMESPACE, f"{name}: {value} is not in {NAMESPACE}"
                assert int(port) == services[host].port, f"{name}: {value}"
    for name, service in services.items():
        if service.edge:
            # The gateway knows every upstream, the guest edge only the chatbot.
            assert upstream_urls(service, config_literals(name)) == {
                upstream: f"http://{upstream}.{NAMESPACE}.svc.cluster.local:{services[upstream].port}"
                for upstream in routed_by(service)
            }, f"{name}: the URL of each upstream it routes to, and no other"


def test_k8s_secret_templates_hold_placeholders_only(services) -> None:
    ignored = (K8S / ".gitignore").read_text(encoding="utf-8")
    assert "services/*/secrets.env" in ignored.split()
    for name in services:
        for key, value in secret_keys(name).items():
            assert "change-me" in value, f"{name}/secrets.env.example: {key} is not a placeholder"


def test_k8s_migration_jobs(services) -> None:
    for name, service in services.items():
        found = objects(name)
        jobs = [doc for (kind, _), doc in found.items() if kind == "Job"]
        if not service.has_database:
            assert not jobs, f"{name} has no database to migrate"
            continue
        (job,) = jobs
        where = f"deploy/k8s/services/{name}: Job"
        assert job["metadata"]["name"] == f"{name}{MIGRATE_SUFFIX}", where
        pod, container = _pod_and_container(job)
        assert container["command"] == ["python", "-m", f"{service.package}.migrate"], where
        _, app = _pod_and_container(found[("Deployment", name)])
        assert container["image"] == app["image"], f"{where} runs the service's image"
        assert pod["restartPolicy"] in ("Never", "OnFailure"), where
        assert job["metadata"]["labels"]["app.kubernetes.io/component"] == "migration", where
        _assert_non_root(where, pod, container)
        _assert_env_from(where, name, container)


def test_k8s_disruption_budgets_autoscalers_and_ingress(services) -> None:
    for name in services:
        found = objects(name)
        pod_labels = found[("Deployment", name)]["spec"]["template"]["metadata"]["labels"]
        pdb = found.get(("PodDisruptionBudget", name))
        if pdb is not None:
            assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items(), name
        hpa = found.get(("HorizontalPodAutoscaler", name))
        if name in {"pos-core", "gateway", "chatbot", "guest-edge"}:
            assert hpa is not None, f"{name} needs a HorizontalPodAutoscaler"
        if hpa is not None:
            target = hpa["spec"]["scaleTargetRef"]
            assert (target["kind"], target["name"]) == ("Deployment", name), name
            assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"], name
    for name in ("pos-core", "gateway"):
        assert ("PodDisruptionBudget", name) in objects(name), f"{name} needs a PDB"
    # The ways in from outside: the staff's gateway and the guests' edge, each on its own
    # host; every other service is reached through them.
    hosts: dict[str, str] = {}
    for name, service in services.items():
        ingresses = [doc for (kind, _), doc in objects(name).items() if kind == "Ingress"]
        if not service.edge:
            assert not ingresses, f"only the edges are exposed, not {name}"
            continue
        (ingress,) = ingresses
        backends = [
            path["backend"]["service"]
            for rule in ingress["spec"]["rules"]
            for path in rule["http"]["paths"]
        ]
        assert backends == [{"name": name, "port": {"name": "http"}}], name
        for rule in ingress["spec"]["rules"]:
            assert rule["host"] not in hosts, f"{name} and {hosts[rule['host']]} share a host"
            hosts[rule["host"]] = name


def test_k8s_background_work_yields_to_order_taking(services) -> None:
    """What the catalogue calls background (the chatbot, the guest edge) is scheduled
    below order taking and preempts nobody: a flood of guests never evicts a waiter's."""

    def priority_class(name: str) -> dict[str, Any]:
        pod = objects(name)[("Deployment", name)]["spec"]["template"]["spec"]
        return classes[pod["priorityClassName"]]

    classes = {d["metadata"]["name"]: d for d in load_documents(K8S / "priorityclasses.yaml")}
    high = priority_class("pos-core")
    assert priority_class("gateway") == high, "the staff gateway is on the order path"
    background = [name for name, service in services.items() if service.background]
    assert "chatbot" in background
    for name in background:
        low = priority_class(name)
        assert low["value"] < high["value"], name
        assert low.get("preemptionPolicy") == "Never", name


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_k8s_renders_with_kustomize(tmp_path: Path, services) -> None:
    """Render the root and every service with the secret templates, as a deploy would."""
    tree = tmp_path / "k8s"
    shutil.copytree(K8S, tree)
    for example in tree.glob("services/*/secrets.env.example"):
        shutil.copy(example, example.with_name("secrets.env"))
    kubectl = shutil.which("kubectl")
    assert kubectl is not None
    # The root renders the deployed services; the others are rendered on their own.
    waiting = sorted(set(services) - deployed_services())
    for target in [tree, *(tree / "services" / name for name in waiting)]:
        rendered = subprocess.run(
            [kubectl, "kustomize", str(target)], capture_output=True, text=True, timeout=60
        )
        assert rendered.returncode == 0, f"kubectl kustomize {target.name}: {rendered.stderr}"
        documents = [d for d in yaml.safe_load_all(rendered.stdout) if d]
        errors = kubernetes_schema_errors(documents, f"kubectl kustomize {target.name}")
        assert not errors, f"not valid Kubernetes {KUBERNETES_VERSION}:\n" + "\n".join(errors)
        names = {(d["kind"], d["metadata"]["name"]) for d in documents}
        for document in documents:
            if document["kind"] not in ("Deployment", "Job"):
                continue
            for container in document["spec"]["template"]["spec"]["containers"]:
                for source in container["envFrom"]:
                    ((ref, value),) = source.items()
                    kind = "ConfigMap" if ref == "configMapRef" else "Secret"
                    assert (kind, value["name"]) in names, f"{target.name}: {value['name']}"
        if target == tree:
            deployments = {n for k, n in names if k == "Deployment"}
            assert deployments == deployed_services()
            cluster_scoped = {"Namespace", "PriorityClass"}
            for document in documents:
                if document["kind"] not in cluster_scoped:
                    namespace = document["metadata"].get("namespace")
                    assert namespace == NAMESPACE, (document["kind"], document["metadata"]["name"])
