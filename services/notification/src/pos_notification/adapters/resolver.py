"""Resolving a webhook's host name to the addresses a connection would go to."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

from pos_notification.domain.targets import IPAddress


class HostNotFound(Exception):
    """The name does not resolve (now)."""


class SystemResolver:
    """The operating system's resolver (getaddrinfo), off the event loop, with a deadline."""

    def __init__(self, timeout_seconds: float = 5.0) -> None:
        self.timeout_seconds = timeout_seconds

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.timeout_seconds):
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, TimeoutError) as exc:
            raise HostNotFound(f"{host} does not resolve: {exc}") from exc
        found: list[IPAddress] = []
        for _family, _type, _proto, _name, sockaddr in infos:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
            if address not in found:
                found.append(address)
        return found
