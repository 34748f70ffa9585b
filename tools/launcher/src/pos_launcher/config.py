"""The launcher's settings, read from the environment, and the environment each service gets.

Only this module reads environment variables. It is not a pydantic-settings class because the
names it honours depend on the service table (`POS_<PKG>_PORT` for every row).

The launcher never overrides what the user set: every `POS_<PKG>_*` value it would pass to a
service is only a default, so a PostgreSQL URL or another port set in the shell wins.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pos_kit.catalogue import ServiceEntry, Stage, Store
from pos_launcher.catalogue import InstalledService

LOOPBACK = "127.0.0.1"
# The edge staff and order taking use, and the guests' own (docs/adr/0006-guest-edge.md).
GATEWAY = "gateway"
GUEST_EDGE = "guest-edge"
DEFAULT_NATS_PORT = 14222
# A local SMTP sink keeps the e-mails notification sends (low stock) under var/mail.
DEFAULT_SMTP_PORT = 14025
# The card simulator's own default (pos_card_simulator), away from the services' 8000-8007.
DEFAULT_CARD_SIMULATOR_PORT = 12111
_WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}

# Service accounts of the local run (client credentials): auth registers them at start
# and the calling service gets the same secret. The restaurant creates staff logins and
# issues its tables' guest links; the chatbot reads each restaurant's menu for its copy;
# pos-core holds, commits and releases stock at inventory (which takes that from no person).
LOCAL_SERVICE_ACCOUNTS: Mapping[str, tuple[str, ...]] = {
    "restaurant": ("users:write", "guests:issue"),
    "chatbot": ("menu:read",),
    "pos-core": ("inventory:reserve",),
}


class ConfigError(Exception):
    """A setting that the launcher cannot use; the message says which and why."""


def _int_setting(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if not 0 < value < 65536:
        raise ConfigError(f"{name}={value} is not a TCP port (1-65535)")
    return value


def _seconds_setting(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number of seconds") from None
    if value <= 0:
        raise ConfigError(f"{name} must be more than 0 seconds")
    return value


@dataclass(frozen=True)
class LauncherConfig:
    """Everything the launcher decides before it starts a process."""

    var_dir: Path
    nats_url: str
    # Port of the bundled nats-server; None when NATS_URL points at a server we do not run.
    bundled_nats_port: int | None
    # Port of the local mail sink; None when notification is pointed at a real SMTP server.
    mail_sink_port: int | None
    # Port of the card processor's stand-in; None when payment is pointed at a real processor.
    card_simulator_port: int | None
    # Port of every row of the table, installed or not, so the gateway's upstreams are all known.
    ports: Mapping[str, int]
    hosts: Mapping[str, str]
    ready_timeout: float
    migrate_timeout: float
    stop_timeout: float
    environ: Mapping[str, str]
    # One random secret per service account and run; nothing is written to disk.
    service_secrets: Mapping[str, str] = field(
        default_factory=lambda: {name: secrets.token_urlsafe(24) for name in LOCAL_SERVICE_ACCOUNTS}
    )

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str], catalogue: Iterable[ServiceEntry]
    ) -> LauncherConfig:
        catalogue = tuple(catalogue)
        var_dir = Path(environ.get("POS_VAR_DIR") or "var").expanduser().resolve()
        external_nats = environ.get("NATS_URL", "").strip()
        bundled_port = (
            None if external_nats else _int_setting(environ, "POS_NATS_PORT", DEFAULT_NATS_PORT)
        )
        mail_sink_port = (
            None
            if environ.get("POS_NOTIFICATION_SMTP_HOST", "").strip()
            else _int_setting(environ, "POS_SMTP_PORT", DEFAULT_SMTP_PORT)
        )
        card_simulator_port = (
            None
            if environ.get("POS_PAYMENT_PROCESSOR_BASE_URL", "").strip()
            else _int_setting(environ, "POS_CARD_SIMULATOR_PORT", DEFAULT_CARD_SIMULATOR_PORT)
        )
        ports = {
            spec.name: _int_setting(environ, f"{spec.env_prefix}PORT", spec.port)
            for spec in catalogue
        }
        taken: dict[int, str] = {} if bundled_port is None else {bundled_port: "nats-server"}
        for port, stand_in in (
            (mail_sink_port, "mail sink"),
            (card_simulator_port, "card simulator"),
        ):
            if port is None:
                continue
            if port in taken:
                raise ConfigError(f"the {stand_in} and {taken[port]} are both on port {port}")
            taken[port] = stand_in
        for name, port in ports.items():
            if port in taken:
                raise ConfigError(f"{name} and {taken[port]} are both set to port {port}")
            taken[port] = name
        return cls(
            var_dir=var_dir,
            nats_url=external_nats or f"nats://{LOOPBACK}:{bundled_port}",
            bundled_nats_port=bundled_port,
            mail_sink_port=mail_sink_port,
            card_simulator_port=card_simulator_port,
            ports=ports,
            hosts={
                spec.name: environ.get(f"{spec.env_prefix}HOST", LOOPBACK) for spec in catalogue
            },
            ready_timeout=_seconds_setting(environ, "POS_LAUNCHER_READY_TIMEOUT", 60.0),
            migrate_timeout=_seconds_setting(environ, "POS_LAUNCHER_MIGRATE_TIMEOUT", 120.0),
            stop_timeout=_seconds_setting(environ, "POS_LAUNCHER_STOP_TIMEOUT", 10.0),
            environ=dict(environ),
        )

    @property
    def nats_store_dir(self) -> Path:
        return self.var_dir / "nats"

    @property
    def mail_dir(self) -> Path:
        """A Maildir: each e-mail the sink receives is one file under new/."""
        return self.var_dir / "mail"

    def url_of(self, spec: ServiceEntry) -> str:
        """Where the launcher (and the other services) reach a service."""
        host = self.hosts[spec.name]
        return f"http://{LOOPBACK if host in _WILDCARD_HOSTS else host}:{self.ports[spec.name]}"

    def database_url(self, spec: ServiceEntry) -> str:
        return self.environ.get(
            f"{spec.env_prefix}DATABASE_URL", f"sqlite:///{self.var_dir / spec.name}.db"
        )

    def service_env(
        self, service: InstalledService, catalogue: Iterable[ServiceEntry]
    ) -> dict[str, str]:
        """The environment of one service (and of its migrations): the user's, plus defaults."""
        spec = service.spec
        catalogue = tuple(catalogue)
        identity = next(s for s in catalogue if s.stage is Stage.IDENTITY)
        defaults = {
            "HOST": self.hosts[spec.name],
            "PORT": str(self.ports[spec.name]),
            "NATS_URL": self.nats_url,
            "JWKS_URL": f"{self.url_of(identity)}/.well-known/jwks.json",
        }
        if spec.store is Store.POSTGRESQL:
            defaults["DATABASE_URL"] = self.database_url(spec)
        elif spec.store is Store.MONGODB:
            # The embedded document store, unless a MongoDB URL is set.
            defaults["EMBEDDED_STORE_PATH"] = str(self.var_dir / spec.name)
        # Every service learns where the others are (the gateway routes to them; pos-core
        # asks inventory; restaurant asks auth). Settings a service does not have are ignored.
        for upstream in catalogue:
            if upstream.stage is not Stage.EDGE and upstream.name != spec.name:
                defaults[f"{upstream.upstream_env}_URL"] = self.url_of(upstream)
        if spec.stage is Stage.IDENTITY:
            defaults["BOOTSTRAP_CLIENTS"] = json.dumps(
                [
                    {"client_id": name, "secret": self.service_secrets[name], "scopes": list(s)}
                    for name, s in LOCAL_SERVICE_ACCOUNTS.items()
                ]
            )
        if spec.name == "restaurant" and GUEST_EDGE in self.ports:
            # Guest links open the guest page on the guests' own edge.
            guest_edge = next(s for s in catalogue if s.name == GUEST_EDGE)
            defaults["GUEST_LINK_BASE_URL"] = f"{self.url_of(guest_edge)}/guest"
        if spec.name == "notification" and self.mail_sink_port is not None:
            defaults["SMTP_HOST"] = LOOPBACK
            defaults["SMTP_PORT"] = str(self.mail_sink_port)
        if spec.name == "payment" and self.card_simulator_port is not None:
            defaults["PROCESSOR_BASE_URL"] = f"http://{LOOPBACK}:{self.card_simulator_port}"
        if spec.name in LOCAL_SERVICE_ACCOUNTS:
            defaults["AUTH_CLIENT_ID"] = spec.name
            defaults["AUTH_CLIENT_SECRET"] = self.service_secrets[spec.name]
        env = dict(self.environ)
        for key, value in defaults.items():
            env.setdefault(f"{spec.env_prefix}{key}", value)
        # Log lines must reach the relay as they are written, not when a pipe buffer fills.
        env["PYTHONUNBUFFERED"] = "1"
        return env
