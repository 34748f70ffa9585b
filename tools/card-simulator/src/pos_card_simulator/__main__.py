"""`python -m pos_card_simulator`: serve the simulator on POS_CARD_SIMULATOR_HOST/PORT."""

from __future__ import annotations

import uvicorn

from pos_card_simulator.app import create_app
from pos_card_simulator.config import SimulatorSettings


def main() -> None:
    settings = SimulatorSettings.from_env()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)


if __name__ == "__main__":
    main()
