"""Readiness probes: is a service answering its readiness path, is nats-server accepting."""

from __future__ import annotations

import asyncio
import contextlib

import httpx

from pos_launcher.process import ReadyCheck


def http_ready(client: httpx.AsyncClient, url: str) -> ReadyCheck:
    """Ready when `GET url` answers 200; 503 (database or NATS not up yet) is simply not yet."""

    async def check() -> bool:
        try:
            response = await client.get(url)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    return check


def tcp_ready(host: str, port: int) -> ReadyCheck:
    """Ready when something accepts a TCP connection on host:port."""

    async def check() -> bool:
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout=1)
        except (OSError, TimeoutError):
            return False
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return True

    return check
