"""`python -m pos_notification`: serve notification with uvicorn on the configured host and port."""

from __future__ import annotations

import uvicorn

from pos_kit.logging import uvicorn_log_config
from pos_notification.config import NotificationSettings
from pos_notification.main import create_app
from pos_notification.serve import server_for


def main() -> None:
    settings = NotificationSettings()
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=uvicorn_log_config(),
        proxy_headers=False,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )
    server_for(app, config).run()


if __name__ == "__main__":
    main()
