"""The one address policy for webhook targets, applied at registration and on every connection.

* Production subscriptions reach public addresses only, over https.
* Sandbox subscriptions follow the same rule, unless the operator allows private and loopback
  targets (``TENDER_WEBHOOK_ALLOW_PRIVATE``, on by default only when the server itself listens
  on loopback); plain http is then allowed to loopback hosts.
* Never, whatever the setting: the unspecified address (0.0.0.0, ::), link-local addresses
  (169.254.169.254, the cloud metadata service, among them), multicast and reserved ranges.

At registration the URL's host is checked as written (literal addresses in every spelling the
resolver accepts: ``2130706433``, ``0x7f.1``, ``[::ffff:127.0.0.1]``) and, if it is a name that
resolves now, every address it resolves to. At send time ``GuardedBackend`` resolves the host
for each new connection, checks every address, and connects to a checked one: a name that is
re-pointed after registration (DNS rebinding) is refused too. Redirects are never followed.
"""

import asyncio
import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from httpx._config import create_ssl_context

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
REGISTRATION_DNS_TIMEOUT = 3.0
# The IPv4 spellings inet_aton accepts besides dotted quads: 2130706433, 0x7f.1, 0177.0.0.1…
_LEGACY_IPV4 = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$", re.I)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeTarget(Exception):
    """The URL, or an address its host resolves to, may not receive deliveries."""


def literal_ip(host: str) -> IPAddress | None:
    """The address ``host`` spells, if it spells one (in any form the resolver would take)."""
    host = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    if _LEGACY_IPV4.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def is_loopback_host(host: str) -> bool:
    ip = literal_ip(host)
    return ip.is_loopback if ip else host.lower().rstrip(".") in LOOPBACK_NAMES


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses deliveries may reach; ``allow_private`` adds loopback and private ones."""

    allow_private: bool = False

    @classmethod
    def of(cls, *, sandbox: bool, allow_private: bool) -> "AddressPolicy":
        return cls(allow_private=sandbox and allow_private)

    def refusal(self, ip: IPAddress) -> str | None:
        """Why deliveries may not go to ``ip``, or None."""
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        never = ip.is_unspecified or ip.is_link_local or ip.is_multicast
        if never or (ip.is_reserved and not ip.is_loopback):  # ::1 sits in a reserved block
            return f"{ip} is not an address webhooks may be sent to"
        if ip.is_global:
            return None
        if self.allow_private and (ip.is_loopback or ip.is_private):
            return None
        return (
            f"{ip} is a private or loopback address; only public addresses receive webhooks "
            "here (sandbox: the operator can allow them with TENDER_WEBHOOK_ALLOW_PRIVATE=true)"
        )

    def check(self, host: str, addresses: list[IPAddress]) -> IPAddress:
        """The first address, once every one of them is allowed (else UnsafeTarget)."""
        if not addresses:
            raise UnsafeTarget(f"{host} has no address")
        for ip in addresses:
            problem = self.refusal(ip)
            if problem:
                raise UnsafeTarget(f"{host} resolves to {problem}" if str(ip) != host else problem)
        return addresses[0]

    async def resolve(self, host: str, port: int) -> IPAddress:
        """Resolve ``host`` now and return a checked address to connect to."""
        ip = literal_ip(host)
        if ip is not None:
            return self.check(host, [ip])
        if host.lower().rstrip(".") in LOOPBACK_NAMES:
            return self.check(host, [ipaddress.ip_address("127.0.0.1")])
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except OSError:
            raise UnsafeTarget(f"{host} could not be resolved") from None
        # An IPv6 address may carry its zone ("fe80::1%eth0"); the policy checks the address.
        return self.check(host, [ipaddress.ip_address(str(i[4][0]).split("%")[0]) for i in infos])


def check_url(url: str, *, sandbox: bool, policy: AddressPolicy | None = None) -> str | None:
    """Why ``url`` cannot be a subscription URL (written form only), or None when it can."""
    policy = policy or AddressPolicy.of(sandbox=sandbox, allow_private=True)
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
    host = parts.hostname
    ip = literal_ip(host)
    if ip is None and host.lower().rstrip(".") in LOOPBACK_NAMES:
        ip = ipaddress.ip_address("127.0.0.1")
    if ip is not None and (problem := policy.refusal(ip)):
        return f"The URL's host {host} is not allowed: {problem}."
    if parts.scheme == "https":
        return None
    if not sandbox:
        return "Production webhooks must use an https:// URL."
    if not is_loopback_host(host):
        return "Sandbox webhooks may use http:// only for a loopback host (127.0.0.1, localhost)."
    return None


async def check_registration(url: str, *, sandbox: bool, policy: AddressPolicy) -> str | None:
    """``check_url``, then the addresses the host resolves to now (a name that cannot be
    resolved yet is accepted: every connection is checked again at send time)."""
    problem = check_url(url, sandbox=sandbox, policy=policy)
    if problem:
        return problem
    parts = urlsplit(url)
    host = parts.hostname or ""
    if literal_ip(host) is not None or host.lower().rstrip(".") in LOOPBACK_NAMES:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        async with asyncio.timeout(REGISTRATION_DNS_TIMEOUT):
            await policy.resolve(host, port)
    except TimeoutError:
        return None
    except UnsafeTarget as exc:
        if "could not be resolved" in str(exc):
            return None
        return f"The URL's host is not allowed: {exc}."
    return None


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with the policy applied to every TCP connection it opens."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await self.policy.resolve(host, port)
        return await self.inner.connect_tcp(
            str(address),
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise UnsafeTarget("webhooks are not sent to Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def guarded_client(policy: AddressPolicy) -> httpx.AsyncClient:
    """An HTTP client whose every connection obeys ``policy``; no proxies from the environment,
    no redirects followed. (httpx has no public hook for the network backend: the transport's
    connection pool is replaced by one built the same way with the guarded backend.)"""
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=create_ssl_context(trust_env=False),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=GuardedBackend(policy),
    )
    return httpx.AsyncClient(transport=transport, trust_env=False, follow_redirects=False)
