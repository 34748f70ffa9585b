"""`python -m pos_core`: serve pos-core with uvicorn on the configured host and port."""

from __future__ import annotations

import uvicorn

from pos_core.config import CoreSettings
from pos_core.main import create_app
from pos_kit.logging import uvicorn_log_config


def main() -> None:
    settings = CoreSettings()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=uvicorn_log_config(),
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
