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

from pos_notification.services.feed import KitchenFeed


class NotificationServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, feed: KitchenFeed) -> None:
        super().__init__(config)
        self.feed = feed

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.feed.signal.close()
        await super().shutdown(sockets)


def server_for(app: FastAPI, config: uvicorn.Config) -> NotificationServer:
    return NotificationServer(config, app.state.kitchen_feed)
