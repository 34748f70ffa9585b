"""The system under test: its databases, `python -m pos_launcher` on free ports, and its processes.

The launcher is started as `make run` starts it (`python -m pos_launcher`, the same
environment variables), but on ports nobody else uses and with a throwaway var dir, so a
developer's own `make run` is never touched; `tests/e2e/conftest.py` does the same. The
suite imports neither the launcher nor any service: names, ports and settings prefixes come
from `pos_kit.catalogue`, and the launcher is a subprocess stopped by its PID.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import os
import signal
import sys
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped]
import psutil

from pos_kit.catalogue import CATALOGUE, ServiceEntry, Store
from pos_kit.testing.net import free_ports

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
LOOPBACK = "127.0.0.1"


class SystemFailure(Exception):
    """The system could not be started or stopped; the message says what and shows why."""


def installed_services(catalogue: Iterable[ServiceEntry] = CATALOGUE) -> list[ServiceEntry]:
    """The catalogue's services whose package is in this venv (found, not imported)."""
    return [s for s in catalogue if importlib.util.find_spec(s.package) is not None]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def asyncpg_dsn(url: str) -> str:
    """asyncpg wants postgresql:// (SQLAlchemy-style `+driver` suffixes removed)."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))


class Databases:
    """PostgreSQL databases made for one run and dropped after it (asyncpg, AUTOCOMMIT)."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.created: dict[str, str] = {}  # database name -> URL
        self.run_id = uuid.uuid4().hex[:8]

    async def _admin(self) -> Any:
        try:
            return await asyncpg.connect(asyncpg_dsn(self.admin_url), timeout=10)
        except (OSError, asyncpg.PostgresError) as exc:
            raise SystemFailure(
                f"PostgreSQL at {self.admin_url} does not answer ({exc}); start it, set "
                "POS_BENCH_DATABASE_URL, or run on SQLite (make bench SQLITE=1)"
            ) from None

    async def create(self, label: str) -> str:
        name = f"pos_bench_{self.run_id}_{label.replace('-', '_')}"
        admin = await self._admin()
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        url = with_database(self.admin_url, name)
        self.created[name] = url
        return url

    async def drop_all(self) -> None:
        if not self.created:
            return
        admin = await self._admin()
        try:
            for name in list(self.created):
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                del self.created[name]
        finally:
            await admin.close()


@dataclass
class Processes:
    """The processes of the system, by name, as found under the launcher (refreshed on demand)."""

    by_name: dict[str, psutil.Process] = field(default_factory=dict)


def _process_name(cmdline: list[str], packages: Mapping[str, str]) -> str | None:
    if not cmdline:
        return None
    if Path(cmdline[0]).name == "nats-server":
        return "nats-server"
    if "-m" in cmdline:
        module = cmdline[cmdline.index("-m") + 1] if cmdline.index("-m") + 1 < len(cmdline) else ""
        if module in packages:
            return packages[module]
        if module == "aiosmtpd":
            return "mail-sink"
        if module == "pos_card_simulator":
            return "card-simulator"
        if module.endswith(".migrate"):
            return None
    return None


class System:
    """One launcher run of the whole system, on free ports, in a var dir of its own."""

    def __init__(
        self,
        var_dir: Path,
        *,
        database_urls: Mapping[str, str],
        extra_env: Mapping[str, str] | None = None,
        services: list[ServiceEntry] | None = None,
    ) -> None:
        self.var_dir = var_dir
        self.services = services if services is not None else installed_services()
        ports = free_ports(len(CATALOGUE) + 3)
        self.ports = {spec.name: ports[i] for i, spec in enumerate(CATALOGUE)}
        self.nats_port, self.smtp_port, self.card_port = ports[len(CATALOGUE) :]
        self.database_urls = dict(database_urls)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("POS_") and key not in {"NATS_URL", "MAKEFLAGS", "MAKELEVEL"}
        }
        env |= {f"{spec.env_prefix}PORT": str(self.ports[spec.name]) for spec in CATALOGUE}
        env |= {
            "POS_VAR_DIR": str(var_dir),
            "POS_NATS_PORT": str(self.nats_port),
            "POS_SMTP_PORT": str(self.smtp_port),
            "POS_CARD_SIMULATOR_PORT": str(self.card_port),
        }
        for spec in CATALOGUE:
            if spec.name in self.database_urls:
                env[f"{spec.env_prefix}DATABASE_URL"] = self.database_urls[spec.name]
        env |= dict(extra_env or {})
        self.env = env
        self.process: asyncio.subprocess.Process | None = None
        self.stdout_path = var_dir / "launcher.out"
        self.stderr_path = var_dir / "launcher.err"
        self._seen: dict[int, psutil.Process] = {}
        self._packages = {spec.main_module: spec.name for spec in CATALOGUE}

    # -- where things are -----------------------------------------------------------------

    def port(self, service: str) -> int:
        return self.ports[service]

    @property
    def nats_url(self) -> str:
        return f"nats://{LOOPBACK}:{self.nats_port}"

    def sqlite_path(self, service: str) -> Path:
        return self.var_dir / f"{service}.db"

    # -- start and stop -------------------------------------------------------------------

    async def start(self, within: float = 300.0) -> dict[str, Any]:
        """Start the launcher and wait for its `system ready` line; that line is returned."""
        self.var_dir.mkdir(parents=True, exist_ok=True)
        with (
            open(self.stdout_path, "wb") as stdout,  # noqa: ASYNC230 - opened once, handed over
            open(self.stderr_path, "wb") as stderr,  # noqa: ASYNC230
        ):
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "pos_launcher",
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
            )
        deadline = time.monotonic() + within
        offset = 0
        pending = b""
        while True:
            chunk = await asyncio.to_thread(self._read_from, offset)
            offset += len(chunk)
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                record = _json_line(line)
                if record and record.get("event") == "system ready":
                    self.remember_tree()
                    return record
            if self.process.returncode is not None:
                raise SystemFailure(
                    f"the launcher exited ({self.process.returncode}) before the system was "
                    f"ready\n{self.tail()}"
                )
            if time.monotonic() > deadline:
                raise SystemFailure(f"the system was not ready within {within:g}s\n{self.tail()}")
            await asyncio.sleep(0.5)

    def _read_from(self, offset: int) -> bytes:
        with open(self.stdout_path, "rb") as out:
            out.seek(offset)
            return out.read()

    def tail(self, lines: int = 40) -> str:
        parts = []
        for path in (self.stdout_path, self.stderr_path):
            with contextlib.suppress(OSError):
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path.name} ---\n" + "\n".join(text))
        return "\n".join(parts)

    def remember_tree(self) -> None:
        """Note every process under the launcher, so none is left behind at the end."""
        if self.process is None:
            return
        with contextlib.suppress(psutil.NoSuchProcess):
            root = psutil.Process(self.process.pid)
            for proc in [root, *root.children(recursive=True)]:
                self._seen[proc.pid] = proc

    async def stop(self, within: float = 40.0) -> None:
        """SIGTERM to the launcher (it stops everything in order), then SIGKILL what is left."""
        if self.process is None:
            return
        self.remember_tree()
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), within)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.process.pid, signal.SIGKILL)
                await self.process.wait()
        for proc in self._seen.values():
            with contextlib.suppress(psutil.NoSuchProcess):
                if proc.is_running():
                    proc.kill()

    # -- its processes --------------------------------------------------------------------

    def processes(self) -> dict[str, psutil.Process]:
        """The live processes of the run by name: each service, nats-server, stand-ins, launcher."""
        found: dict[str, psutil.Process] = {}
        if self.process is None or self.process.returncode is not None:
            return found
        try:
            root = psutil.Process(self.process.pid)
            found["launcher"] = root
            children = root.children(recursive=True)
        except psutil.NoSuchProcess:
            return found
        for proc in children:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                name = _process_name(proc.cmdline(), self._packages)
                if name is not None:
                    found[name] = proc
                    self._seen[proc.pid] = proc
        return found


def _json_line(line: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def postgres_backends(database_names: Iterable[str]) -> list[psutil.Process]:
    """PostgreSQL's backend processes serving the run's databases (their title names it)."""
    names = tuple(database_names)
    found: list[psutil.Process] = []
    if not names:
        return found
    for proc in psutil.process_iter(["name", "cmdline"]):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            if proc.info["name"] != "postgres":
                continue
            title = " ".join(proc.info["cmdline"] or ())
            if any(f" {name} " in f" {title} " for name in names):
                found.append(proc)
    return found


def postgres_shared() -> list[psutil.Process]:
    """PostgreSQL's own background processes (WAL writer, checkpointer, ...): shared by all."""
    found: list[psutil.Process] = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            if proc.info["name"] != "postgres":
                continue
            title = " ".join(proc.info["cmdline"] or ())
            if title.startswith("/") or any(
                word in title
                for word in ("checkpointer", "background writer", "walwriter", "autovacuum")
            ):
                found.append(proc)
    return found


def outside_the_system() -> None:
    """For a process of the suite's that stands in for something on other machines (the
    guests' phones, a hosted LLM): it takes only the CPU time the system under test leaves
    (the kernel's idle scheduling class, where there is one)."""
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_IDLE"):
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


class Sidecar:
    """A helper process of the suite's own (the scripted LLM, a calibration server)."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        env: Mapping[str, str],
        log: Path,
        *,
        elsewhere: bool = False,
    ) -> None:
        self.name = name
        self.argv = argv
        self.env = dict(env)
        self.log = log
        # Stands in for something on another machine: see `outside_the_system`.
        self.elsewhere = elsewhere
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, port: int, within: float = 30.0) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as out:  # noqa: ASYNC230 - opened once, handed over
            self.process = await asyncio.create_subprocess_exec(
                *self.argv,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=outside_the_system if self.elsewhere else None,
            )
        deadline = time.monotonic() + within
        while True:
            try:
                _, writer = await asyncio.open_connection(LOOPBACK, port)
            except OSError:
                if self.process.returncode is not None or time.monotonic() > deadline:
                    text = self.log.read_text(errors="replace")[-2000:]
                    raise SystemFailure(f"{self.name} did not start:\n{text}") from None
                await asyncio.sleep(0.2)
            else:
                writer.close()
                return

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 10)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGKILL)
            await self.process.wait()


def database_services(services: Iterable[ServiceEntry]) -> list[ServiceEntry]:
    return [s for s in services if s.store is Store.POSTGRESQL]
