"""`make run` as a person runs it, on free ports and a throwaway var dir, watched with psutil.

Every port (each service's and the bundled nats-server's) is chosen free for the test, so a
developer's own `make run` on 8000-8007 and 14222 is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from pos_kit.catalogue import CATALOGUE, Store
from pos_kit.testing.nats import read_stream
from pos_kit.testing.net import free_ports
from pos_kit.testing.polling import eventually
from pos_kit.testing.postgres import fresh_database

REPO_ROOT = Path(__file__).resolve().parents[2]

SERVICE_PREFIXES = {service.name: service.env_prefix for service in CATALOGUE}
SERVICE_PACKAGES = {service.name: service.package for service in CATALOGUE}


@dataclass(frozen=True)
class Recorded:
    """A process seen in the tree; the start time tells a reused pid from the same process."""

    pid: int
    create_time: float
    cmdline: tuple[str, ...]

    def is_gone(self) -> bool:
        """Gone means reaped: a zombie still holds its pid and counts as left behind."""
        try:
            process = psutil.Process(self.pid)
            return process.create_time() != self.create_time
        except psutil.NoSuchProcess:
            return True

    def describe(self) -> str:
        try:
            status = psutil.Process(self.pid).status()
        except psutil.NoSuchProcess:
            status = "gone"
        return f"pid {self.pid} ({status}): {' '.join(self.cmdline)}"


class MakeRun:
    """One `make run` in its own session, its stdout collected line by line."""

    def __init__(self, var_dir: Path, extra_env: dict[str, str] | None = None) -> None:
        ports = free_ports(len(SERVICE_PREFIXES) + 3)
        self.ports = dict(zip(SERVICE_PREFIXES, ports, strict=False))
        self.card_simulator_port = ports[-3]
        self.nats_port = ports[-2]
        self.smtp_port = ports[-1]
        self.var_dir = var_dir
        # Nothing of the developer's own run may leak in: no POS_* setting, no NATS_URL,
        # and no outer make's flags (`make test` runs this test).
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("POS_") and key not in {"NATS_URL", "MAKEFLAGS", "MAKELEVEL"}
        }
        env |= {f"{prefix}PORT": str(self.ports[name]) for name, prefix in SERVICE_PREFIXES.items()}
        env |= {
            "POS_VAR_DIR": str(var_dir),
            "POS_NATS_PORT": str(self.nats_port),
            "POS_SMTP_PORT": str(self.smtp_port),
            "POS_CARD_SIMULATOR_PORT": str(self.card_simulator_port),
        }
        env |= extra_env or {}
        self.env = env
        self.lines: list[str] = []
        self.stderr_lines: list[str] = []
        self._changed = threading.Condition()
        self.process: subprocess.Popen[bytes] | None = None
        self.seen: dict[int, Recorded] = {}

    # -- running it --------------------------------------------------------------------

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["make", "run"],
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        threading.Thread(target=self._collect, args=(self.process.stdout, self.lines)).start()
        threading.Thread(
            target=self._collect, args=(self.process.stderr, self.stderr_lines)
        ).start()

    def _collect(self, stream: Any, into: list[str]) -> None:
        for raw in stream:
            with self._changed:
                into.append(raw.decode("utf-8", errors="replace").rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    @property
    def nats_url(self) -> str:
        return f"nats://127.0.0.1:{self.nats_port}"

    # -- its output --------------------------------------------------------------------

    def records(self) -> list[dict[str, Any]]:
        """The JSON objects printed so far (make's own echo of the recipe is skipped)."""
        found = []
        with self._changed:
            lines = list(self.lines)
        for line in lines:
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict):
                    found.append(record)
        return found

    def launcher_output(self) -> list[str]:
        """Every stdout line from the launcher's first message on."""
        with self._changed:
            lines = list(self.lines)
        first = next(
            (i for i, line in enumerate(lines) if line.startswith('{"service": "launcher"')),
            len(lines),
        )
        return lines[first:]

    def wait_for(
        self, matches: Callable[[dict[str, Any]], bool], timeout: float, what: str
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for record in self.records():
                if matches(record):
                    return record
            assert self.process is not None
            if self.process.poll() is not None:
                pytest.fail(f"make run exited ({self.process.returncode}) before {what}\n{self}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"no {what} within {timeout}s\n{self}")
            with self._changed:
                self._changed.wait(min(remaining, 0.5))

    def wait_until_ready(self, timeout: float = 240) -> dict[str, Any]:
        """The launcher's `ready` message: everything is up and the demo is seeded."""
        return self.wait_for(
            lambda r: (
                r.get("service") == "launcher"
                and r.get("event") == "system ready"
                and "gateway_url" in r
            ),
            timeout,
            "ready banner",
        )

    # -- its events ---------------------------------------------------------------------

    def events(self, event_type: str) -> list[dict[str, Any]]:
        """Every event of `event_type` in the run's stream, oldest first."""
        raw = asyncio.run(read_stream(self.nats_url, f"pos.events.{event_type}"))
        return [json.loads(m) for m in raw]

    def events_once_there(
        self,
        event_type: str,
        matches: Callable[[dict[str, Any]], bool],
        *,
        at_least: int = 1,
        within: float = 30.0,
    ) -> list[dict[str, Any]]:
        """The events of `event_type` that `matches`, once `at_least` arrived (and a moment
        more, so that a duplicate right behind them would be counted too)."""

        def found() -> list[dict[str, Any]]:
            return [e for e in self.events(event_type) if matches(e)]

        eventually(lambda: len(found()) >= at_least, within=within)
        time.sleep(1.0)
        return found()

    def launcher_events(self, event: str) -> list[dict[str, Any]]:
        return [
            r for r in self.records() if r.get("service") == "launcher" and r.get("event") == event
        ]

    # -- its processes -----------------------------------------------------------------

    def record_tree(self) -> list[Recorded]:
        """make, the launcher and every process below it, remembered for the end."""
        root = psutil.Process(self.pid)
        tree = []
        for process in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                recorded = Recorded(process.pid, process.create_time(), tuple(process.cmdline()))
                self.seen[recorded.pid] = recorded
                tree.append(recorded)
        return tree

    def service_process(self, service: str) -> Recorded:
        module = SERVICE_PACKAGES[service]
        for recorded in self.record_tree():
            if recorded.cmdline[-2:] == ("-m", module):
                return recorded
        pytest.fail(f"no process runs {module}\n{self}")

    def launcher_process(self) -> Recorded:
        for recorded in self.record_tree():
            if recorded.cmdline[-2:] == ("-m", "pos_launcher"):
                return recorded
        pytest.fail(f"no launcher process\n{self}")

    def ctrl_c(self) -> None:
        """What a terminal does on Ctrl-C: SIGINT to the whole foreground process group."""
        os.killpg(self.pid, signal.SIGINT)

    def wait_exit(self, timeout: float) -> int | None:
        assert self.process is not None
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def leftovers(self, tree: list[Recorded], grace: float = 3.0) -> list[Recorded]:
        """Recorded processes not gone (reaped) after `grace` seconds."""
        deadline = time.monotonic() + grace
        while True:
            left = [recorded for recorded in tree if not recorded.is_gone()]
            if not left or time.monotonic() >= deadline:
                return left
            time.sleep(0.1)

    def stop(self) -> None:
        """Ctrl-C, as a person stops it, then kill whatever of this run is still there."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(psutil.NoSuchProcess):
                self.record_tree()
            with contextlib.suppress(ProcessLookupError):
                self.ctrl_c()
            self.wait_exit(20)
        self.kill_everything()

    def kill_everything(self) -> None:
        """Clean-up after a failed test: only processes this run started, by pid."""
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(psutil.NoSuchProcess):
                self.record_tree()
        for recorded in self.seen.values():
            if not recorded.is_gone():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(recorded.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)

    def __str__(self) -> str:
        out = "\n".join(self.lines[-60:])
        err = "\n".join(self.stderr_lines[-40:])
        return f"--- last stdout lines ---\n{out}\n--- last stderr lines ---\n{err}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed test against a running system shows what the services logged as errors,
    so that a failure seen only in CI can be read without running it again."""
    report = yield
    run = getattr(item, "funcargs", {}).get("system") or getattr(item, "funcargs", {}).get(
        "make_run"
    )
    if report.when == "call" and report.failed and isinstance(run, MakeRun):
        errors = [r for r in run.records() if r.get("level") in {"error", "critical"}]
        if errors:
            report.sections.append(
                ("the system's error log lines", "\n".join(json.dumps(r) for r in errors[-20:]))
            )
    return report


@pytest.fixture
def make_run(tmp_path: Path) -> Iterator[MakeRun]:
    """A started `make run`; stopped with Ctrl-C (and, failing that, killed) afterwards."""
    run = MakeRun(tmp_path / "var")
    run.start()
    try:
        yield run
    finally:
        run.stop()


# Short resilience settings for the whole-system tests, so a frozen inventory trips
# pos-core's breaker in a couple of calls and the breaker lets a probe through soon.
SYSTEM_ENV = {
    "POS_CORE_INVENTORY_BREAKER_FAILURES": "2",
    "POS_CORE_INVENTORY_BREAKER_OPEN_SECONDS": "3",
    # Every test's restaurant signs up from 127.0.0.1: lift auth's per-address limit.
    "POS_AUTH_MAX_SIGNUPS_PER_ADDRESS": "100000",
}


# The shared system runs on PostgreSQL, as in production; `make run`'s own test keeps
# covering the SQLite default.
DATABASE_SERVICES = tuple(
    service.name
    for service in CATALOGUE
    if service.store is Store.POSTGRESQL and (REPO_ROOT / "services" / service.name).is_dir()
)


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeRun]:
    """One `make run` of the whole system, shared by the tests that drive it over HTTP."""
    with contextlib.ExitStack() as databases:
        env = dict(SYSTEM_ENV)
        for name in DATABASE_SERVICES:
            # An empty database: the launcher runs the service's migrations itself.
            url = databases.enter_context(fresh_database(f"pos_e2e_{name.replace('-', '_')}"))
            env[f"{SERVICE_PREFIXES[name]}DATABASE_URL"] = url
            # Six services and this pytest process share one PostgreSQL's 100
            # connections: at most 10 each, so a burst at one service (fifty payments
            # at once) waits for a connection instead of being refused one.
            env[f"{SERVICE_PREFIXES[name]}DATABASE_POOL_SIZE"] = "2"
            env[f"{SERVICE_PREFIXES[name]}DATABASE_MAX_OVERFLOW"] = "8"
        run = MakeRun(tmp_path_factory.mktemp("system") / "var", extra_env=env)
        run.start()
        try:
            run.wait_until_ready()
            yield run
        finally:
            run.stop()


class Restaurant:
    """A restaurant signed up through the gateway, with helpers in the waiter's words."""

    def __init__(self, gateway: httpx.Client, name: str) -> None:
        self.gateway = gateway
        email = f"owner-{uuid.uuid4().hex[:12]}@example.com"
        self.owner_email = email
        signup = gateway.post(
            "/api/v1/auth/signup",
            json={
                "restaurant_name": name,
                "email": email,
                "password": "a long enough password",
                "full_name": "Olive Owner",
            },
        )
        assert signup.status_code == 201, signup.text
        self.tenant_id: str = signup.json()["tenant_id"]
        self.token: str = signup.json()["access_token"]
        self._wait_for_profile()

    def _wait_for_profile(self, within: float = 15.0) -> None:
        """Sign-up completes in the background: the restaurant service makes the profile
        from `tenant.registered`, and the menu's currency comes from it."""
        deadline = time.monotonic() + within
        while self.call("GET", "/api/v1/restaurant").status_code != 200:
            assert time.monotonic() < deadline, "the restaurant's profile never appeared"
            time.sleep(0.1)

    def headers(self, correlation_id: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if correlation_id:
            headers["X-Correlation-ID"] = correlation_id
        return headers

    def call(
        self, method: str, path: str, expect: int | None = None, **kwargs: Any
    ) -> httpx.Response:
        correlation_id = kwargs.pop("correlation_id", None)
        headers = self.headers(correlation_id) | kwargs.pop("headers", {})
        response = self.gateway.request(method, path, headers=headers, **kwargs)
        if expect is not None:
            assert response.status_code == expect, f"{method} {path}: {response.text}"
        return response

    def add_product(self, stock: int | None = None, **fields: Any) -> dict[str, Any]:
        body = {"track_stock": stock is not None, **fields}
        product: dict[str, Any] = self.call("POST", "/api/v1/products", 201, json=body).json()
        if stock is not None:
            self.call(
                "PUT", f"/api/v1/products/{product['id']}/stock", 200, json={"on_hand": stock}
            )
        return product

    def add_sized_product(self, large: int, **fields: Any) -> tuple[dict[str, Any], str]:
        """A product with a choice of size, Regular or Large (`large` more), and the id of
        its Large option."""
        sizes = [{"name": "Regular", "price_delta": 0}, {"name": "Large", "price_delta": large}]
        size = {"name": "Size", "min_choices": 1, "max_choices": 1, "options": sizes}
        product = self.add_product(modifier_groups=[size], **fields)
        options = product["modifier_groups"][0]["options"]
        return product, next(o["id"] for o in options if o["name"] == "Large")

    def stock(self, product_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self.call(
            "GET", f"/api/v1/products/{product_id}/stock", 200
        ).json()
        return result

    def add_table(self, name: str = "T1", seats: int = 4) -> dict[str, Any]:
        """A table on a new floor of this restaurant's floor plan."""
        floor = self.call(
            "POST", "/api/v1/floors", 201, json={"name": f"Floor {uuid.uuid4().hex[:6]}"}
        ).json()
        table: dict[str, Any] = self.call(
            "POST",
            "/api/v1/tables",
            201,
            json={"floor_id": floor["id"], "name": name, "seats": seats},
        ).json()
        return table

    def open_order(self, **fields: Any) -> dict[str, Any]:
        body = {"type": "takeout", **fields}
        order: dict[str, Any] = self.call("POST", "/api/v1/orders", 201, json=body).json()
        return order

    def add_item(self, order_id: str, product_id: str, quantity: int, **fields: Any) -> None:
        self.call(
            "POST",
            f"/api/v1/orders/{order_id}/items",
            201,
            json={"product_id": product_id, "quantity": quantity, **fields},
        )

    def order_of(self, product_id: str, quantity: int = 1) -> dict[str, Any]:
        """An open order of one line: `quantity` of the product."""
        order = self.open_order()
        self.add_item(order["id"], product_id, quantity)
        return order


@pytest.fixture(scope="session")
def gateway(system: MakeRun) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=system.url("gateway"), timeout=20, trust_env=False) as client:
        yield client


@pytest.fixture
def new_restaurant(gateway: httpx.Client) -> Callable[[str], Restaurant]:
    return lambda name="Test Bistro": Restaurant(gateway, name)
