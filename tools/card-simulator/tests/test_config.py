"""The simulator's settings from the environment."""

from __future__ import annotations

import pytest

from pos_card_simulator.config import DEFAULT_PORT, SimulatorSettings


def test_defaults_and_overrides_from_the_environment() -> None:
    assert SimulatorSettings.from_env({}) == SimulatorSettings(port=DEFAULT_PORT)
    assert SimulatorSettings.from_env(
        {
            "POS_CARD_SIMULATOR_HOST": "0.0.0.0",
            "POS_CARD_SIMULATOR_PORT": "12112",
            "POS_CARD_SIMULATOR_LATENCY_SECONDS": "0.25",
            "POS_CARD_SIMULATOR_HANG": "true",
        }
    ) == SimulatorSettings(host="0.0.0.0", port=12112, latency_seconds=0.25, hang=True)


def test_a_negative_latency_is_refused() -> None:
    with pytest.raises(ValueError, match="LATENCY"):
        SimulatorSettings.from_env({"POS_CARD_SIMULATOR_LATENCY_SECONDS": "-1"})
