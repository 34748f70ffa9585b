"""The simulator's settings, from the environment (prefix POS_LLM_SIMULATOR_).

A tool, not a service: it has no pos-kit settings class, so it reads its variables
here and nowhere else. All of them can be changed while it runs, through the admin
API (`/_simulator/settings`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from pos_llm_simulator.script import SCENARIOS

PREFIX = "POS_LLM_SIMULATOR_"
DEFAULT_PORT = 11435


@dataclass(frozen=True)
class SimulatorSettings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    # How long each completion "thinks" before its first byte.
    latency_seconds: float = 0.0
    # Start with every completion request held until the hang is lifted (admin API).
    hang: bool = False
    # How it answers when no scripted turn is queued (see `script.SCENARIOS`).
    scenario: str = "grounded"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> SimulatorSettings:
        def read(name: str) -> str | None:
            value = environ.get(PREFIX + name, "").strip()
            return value or None

        latency = float(read("LATENCY_SECONDS") or 0.0)
        if latency < 0:
            raise ValueError(f"{PREFIX}LATENCY_SECONDS must not be negative")
        scenario = read("SCENARIO") or cls.scenario
        if scenario not in SCENARIOS:
            raise ValueError(f"{PREFIX}SCENARIO is one of {', '.join(SCENARIOS)}")
        return cls(
            host=read("HOST") or cls.host,
            port=int(read("PORT") or DEFAULT_PORT),
            latency_seconds=latency,
            hang=(read("HANG") or "false").lower() in ("1", "true", "yes", "on"),
            scenario=scenario,
        )
