"""Name resolution with the SSRF guard, and curl-style ``--resolve`` overrides.

The crawler can be driven through the REST API, so it must never be turned against the
machine it runs on or its network: by default every address a host name resolves to is
checked, after DNS resolution, and loopback, private, link-local, multicast, reserved and
unspecified addresses are refused (``allow_private`` lifts this for tests and intranets).
The check sits inside the resolver the HTTP client connects through, so a name that
resolves differently between a check and the connection (DNS rebinding) is still caught.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

from aiohttp.abc import AbstractResolver

__all__ = ["BlockedAddressError", "GuardedResolver", "is_public_address", "check_address"]


class BlockedAddressError(OSError):
    """A host resolved only to addresses the SSRF guard refuses."""


def is_public_address(address: str) -> bool:
    """Is ``address`` a globally routable unicast address (not loopback, private, link-local...)?"""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def check_address(host: str, address: str, allow_private: bool) -> None:
    if not allow_private and not is_public_address(address):
        raise BlockedAddressError(
            f"{host} resolves to {address}, a loopback/private/link-local address: refused "
            "(pass --allow-private to crawl an intranet or a test server)"
        )


class GuardedResolver(AbstractResolver):
    """Resolve through ``overrides`` first, then the system resolver; refuse blocked addresses."""

    def __init__(self, overrides: dict[str, str] | None = None, *, allow_private: bool = False) -> None:
        self.overrides = {host.lower(): address for host, address in (overrides or {}).items()}
        self.allow_private = allow_private
        self._cache: dict[tuple[str, int], list[dict]] = {}

    async def addresses(self, host: str, port: int = 0) -> list[str]:
        """The allowed addresses of ``host`` (raises BlockedAddressError / socket.gaierror)."""
        return [info["host"] for info in await self.resolve(host, port)]

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[dict]:
        key = (host.lower(), port)
        if key not in self._cache:
            self._cache[key] = await self._resolve(key[0], port)
        return self._cache[key]

    async def _resolve(self, host: str, port: int) -> list[dict]:
        override = self.overrides.get(host)
        if override is not None:
            addresses = [(socket.AF_INET6 if ":" in override else socket.AF_INET, override)]
        elif _is_ip(host):
            addresses = [(socket.AF_INET6 if ":" in host else socket.AF_INET, host.strip("[]"))]
        else:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
            addresses = [(family, info[0]) for family, _, _, _, info in infos]
        allowed = []
        refused: BlockedAddressError | None = None
        for family, address in dict.fromkeys(addresses):
            try:
                check_address(host, address, self.allow_private)
            except BlockedAddressError as error:
                refused = refused or error
                continue
            allowed.append({"hostname": host, "host": address, "port": port, "family": family,
                            "proto": 0, "flags": socket.AI_NUMERICHOST})
        if not allowed:
            raise refused or socket.gaierror(f"{host}: no address")
        return allowed

    async def close(self) -> None:
        self._cache.clear()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
