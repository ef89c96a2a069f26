"""Which URLs a subscription may use, and which addresses a delivery may reach.

Production subscriptions take https URLs only, and every delivery resolves the host at send time
and refuses private, loopback, link-local and other non-public addresses (so a subscription
cannot be pointed at the operator's internal network, even by changing DNS later). Sandbox
subscriptions may also use plain http to a loopback host, for local development.
"""

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeTarget(Exception):
    """The URL or the address it resolves to may not receive deliveries."""


def _ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_loopback_host(host: str) -> bool:
    ip = _ip(host)
    return ip.is_loopback if ip else host.lower().rstrip(".") in LOOPBACK_NAMES


def check_url(url: str, *, sandbox: bool) -> str | None:
    """Why ``url`` cannot be a subscription URL, or None when it can."""
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return "The URL must not contain spaces or control characters."
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return "The URL is malformed."
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "The URL must be an absolute https:// URL."
    if parts.username or parts.password:
        return "The URL must not contain a user name or password."
    if parts.scheme == "https":
        return None
    if not sandbox:
        return "Production webhooks must use an https:// URL."
    if not is_loopback_host(parts.hostname):
        return "Sandbox webhooks may use http:// only for a loopback host (127.0.0.1, localhost)."
    return None


def is_public(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


@dataclass(frozen=True, slots=True)
class Resolved:
    host: str
    address: str  # the checked address the request must go to


async def resolve_public(url: str) -> Resolved:
    """Resolve the URL's host now and check every address it has; raise UnsafeTarget if any
    is not public. The caller connects to ``address`` so DNS cannot change in between."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    literal = _ip(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except OSError as exc:
            raise UnsafeTarget(f"could not resolve {host}: {exc}") from None
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise UnsafeTarget(f"{host} has no address")
    for ip in addresses:
        if not is_public(ip):
            raise UnsafeTarget(f"{host} resolves to {ip}, which is not a public address")
    return Resolved(host=host, address=str(addresses[0]))
