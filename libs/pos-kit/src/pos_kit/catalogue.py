"""The one list of the platform's services: names, packages, ports, public paths, stores.

Everything that needs to know which services exist reads it from here: the launcher
(`make run`: what to start, on which port, in which order), the gateway (which
service answers which path), the layering contracts (`make layering`). A static test
(`tests/static/test_catalogue.py`) checks compose, the Kubernetes manifests and the
root `pyproject.toml` against it, so a service cannot be half-added. How to add one:
CONTRIBUTING.md.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Stage(enum.IntEnum):
    """When a service starts. Stages start in order; the services of one stage start together."""

    IDENTITY = 0  # auth: every other service verifies tokens against its JWKS
    DOMAIN = 1
    EDGE = 2  # the gateway (and the guest edge): routes to the others, so it comes up last


class Store(enum.StrEnum):
    POSTGRESQL = "postgresql"  # SQLite under `make run`
    MONGODB = "mongodb"  # an embedded document store under `make run`


@dataclass(frozen=True)
class ServiceEntry:
    """One deployable service.

    `name` is its folder under `services/`, its compose service and Kubernetes
    Deployment, and what the gateway calls it; `prefixes` are the public paths the
    gateway sends to it (a `{name}` segment stands for any one segment).
    """

    name: str
    package: str
    port: int
    prefixes: tuple[str, ...] = ()
    store: Store | None = Store.POSTGRESQL
    stage: Stage = Stage.DOMAIN
    # Work that can wait (the chatbot's answers, the guests' edge) runs on the CPU time
    # order taking leaves: under `make run` in the kernel's idle scheduling class, so a
    # flood of guests never delays a waiter's order on a shared machine; in Kubernetes
    # its own Deployment with its own limits and a lower PriorityClass.
    background: bool = False
    # A deployment of another service's package in another role (the guest edge is the
    # gateway routing guest chat only): the module `python -m` runs and the prefix of its
    # settings, when they are not the package's own.
    module: str = ""
    settings_prefix: str = ""

    @property
    def main_module(self) -> str:
        """What `python -m` runs: the package, or the module of this role of it."""
        return self.module or self.package

    @property
    def env_prefix(self) -> str:
        """`pos_core` -> `POS_CORE_`: the prefix of the service's own settings class."""
        return self.settings_prefix or f"POS_{self.package.removeprefix('pos_').upper()}_"

    @property
    def upstream_env(self) -> str:
        """`pos-core` -> `POS_CORE`: the part of the gateway's `POS_GATEWAY_<X>_URL` setting."""
        return self.name.upper().replace("-", "_")

    @property
    def distribution(self) -> str:
        """`pos_core` -> `pos-core`: the name of its Python distribution in the workspace."""
        return self.package.replace("_", "-")


CATALOGUE: tuple[ServiceEntry, ...] = (
    ServiceEntry(
        "auth",
        "pos_auth",
        8001,
        ("/api/v1/auth", "/.well-known/jwks.json"),
        stage=Stage.IDENTITY,
    ),
    ServiceEntry("pos-core", "pos_core", 8002, ("/api/v1/orders",)),
    ServiceEntry(
        "inventory",
        "pos_inventory",
        8003,
        ("/api/v1/categories", "/api/v1/products", "/api/v1/reservations"),
    ),
    ServiceEntry(
        "payment",
        "pos_payment",
        8004,
        (
            "/api/v1/payments",
            "/api/v1/cash-drawers",
            "/api/v1/reports",
            # The split preview of an order's balance: payment knows what is left to pay.
            "/api/v1/orders/{order_id}/split",
        ),
    ),
    ServiceEntry(
        "restaurant",
        "pos_restaurant",
        8005,
        ("/api/v1/restaurant", "/api/v1/floors", "/api/v1/tables", "/api/v1/staff"),
    ),
    ServiceEntry(
        "chatbot", "pos_chatbot", 8006, ("/api/v1/chat",), store=Store.MONGODB, background=True
    ),
    ServiceEntry(
        "notification",
        "pos_notification",
        8007,
        ("/api/v1/kitchen", "/api/v1/webhooks", "/api/v1/notifications"),
    ),
    ServiceEntry("gateway", "pos_gateway", 8000, store=None, stage=Stage.EDGE),
    # The guests' way in: the gateway routing guest chat only, in a process (a Deployment)
    # of its own at background priority, so that 200 guests chatting at once cost the
    # gateway that staff and order taking use nothing (docs/adr/0006-guest-edge.md).
    ServiceEntry(
        "guest-edge",
        "pos_gateway",
        8008,
        store=None,
        stage=Stage.EDGE,
        background=True,
        module="pos_gateway.guest_edge",
        settings_prefix="POS_GUEST_EDGE_",
    ),
)


def entry(name: str) -> ServiceEntry:
    """The catalogue's entry for `name`; KeyError for a service it does not list."""
    for service in CATALOGUE:
        if service.name == name:
            return service
    raise KeyError(f"no service {name!r} in the catalogue")


def upstreams() -> tuple[ServiceEntry, ...]:
    """The services behind the gateway: every one that answers public paths."""
    return tuple(service for service in CATALOGUE if service.prefixes)
