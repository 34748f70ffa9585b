"""Serving the app with uvicorn, ending the kitchen streams when the server shuts down.

A kitchen stream never ends on its own, and uvicorn waits for open connections
before it runs the app's shutdown. So the server ends the streams itself as soon
as it starts shutting down; screens reconnect to another process and resume from
their Last-Event-ID.
"""

from __future__ import annotations

import socket

import uvicorn
from fastapi import FastAPI

from pos_notification.api.dependencies import NotificationUseCases


class NotificationServer(uvicorn.Server):
    """uvicorn for notification's app (`config.app`): ends its kitchen streams at shutdown."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        if not isinstance(config.app, FastAPI) or not isinstance(
            config.app.state.use_cases, NotificationUseCases
        ):
            raise TypeError("NotificationServer serves the app of pos_notification.main")
        self.feed = config.app.state.use_cases.feed

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.feed.signal.close()
        await super().shutdown(sockets)
