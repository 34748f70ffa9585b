"""The simulator's settings, from the environment (prefix POS_CARD_SIMULATOR_).

A tool, not a service: it has no pos-kit settings class, so it reads its four
variables here and nowhere else. Latency and the hang can also be changed while it
runs, through the admin API (`/_simulator/settings`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

PREFIX = "POS_CARD_SIMULATOR_"
# stripe-mock's port: the simulator stands where a local Stripe stand-in usually does.
DEFAULT_PORT = 12111


@dataclass(frozen=True)
class SimulatorSettings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    # How long the processor "works" on each charge or refund before it answers.
    latency_seconds: float = 0.0
    # Start with every API request held until the hang is lifted (admin API).
    hang: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> SimulatorSettings:
        def read(name: str) -> str | None:
            value = environ.get(PREFIX + name, "").strip()
            return value or None

        latency = float(read("LATENCY_SECONDS") or 0.0)
        if latency < 0:
            raise ValueError(f"{PREFIX}LATENCY_SECONDS must not be negative")
        return cls(
            host=read("HOST") or cls.host,
            port=int(read("PORT") or DEFAULT_PORT),
            latency_seconds=latency,
            hang=(read("HANG") or "false").lower() in ("1", "true", "yes", "on"),
        )
