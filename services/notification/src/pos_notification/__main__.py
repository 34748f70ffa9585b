"""`python -m pos_notification`: serve notification with uvicorn on the configured host and port."""

from __future__ import annotations

import uvicorn

from pos_kit.logging import uvicorn_log_config
from pos_notification.config import NotificationSettings
from pos_notification.main import create_app
from pos_notification.serve import NotificationServer


def main() -> None:
    settings = NotificationSettings()
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=uvicorn_log_config(),
        proxy_headers=False,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )
    NotificationServer(config).run()


if __name__ == "__main__":
    main()
