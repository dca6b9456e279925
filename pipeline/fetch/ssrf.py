"""Refusing destinations inside the network (SSRF), as pure functions.

A feed is written by a stranger and names URLs; on a cloud worker the metadata
server (169.254.169.254) hands out credentials to anyone who asks. So every
address the client connects to must be globally routable unless the operator
allowed its network on purpose (`FetchPolicy.allow_networks`).

The decisive check runs on the addresses a host *resolved to*, right before
connecting to exactly that address (see `transport.py`), so DNS rebinding and odd
spellings cannot slip past. The checks on the URL text here fail earlier with a
clearer message and never touch DNS.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Callable, Iterable, Union

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from pipeline.fetch.policy import FetchPolicy
from pipeline.records import StageError

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
Resolver = Callable[[str, int], "list[str]"]

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}

# Names that reach cloud metadata or private zones whatever they resolve to.
BLOCKED_HOST_NAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.azure.com",
    }
)
BLOCKED_NAME_SUFFIXES = (".internal", ".localhost", ".local", ".localdomain", ".home.arpa")

_V4_BLOCKS: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "'this network' address"),
    ("10.0.0.0/8", "private address"),
    ("100.64.0.0/10", "carrier-grade NAT address"),
    ("127.0.0.0/8", "loopback address"),
    ("169.254.0.0/16", "link-local address (the cloud metadata server is 169.254.169.254)"),
    ("172.16.0.0/12", "private address"),
    ("192.0.0.0/24", "IETF protocol address"),
    ("192.0.2.0/24", "documentation address"),
    ("192.88.99.0/24", "6to4 relay address"),
    ("192.168.0.0/16", "private address"),
    ("198.18.0.0/15", "benchmarking address"),
    ("198.51.100.0/24", "documentation address"),
    ("203.0.113.0/24", "documentation address"),
    ("224.0.0.0/4", "multicast address"),
    ("240.0.0.0/4", "reserved address"),
)
_V6_BLOCKS: tuple[tuple[str, str], ...] = (
    ("::/128", "unspecified address"),
    ("::1/128", "IPv6 loopback address"),
    ("::ffff:0:0/96", "IPv4-mapped IPv6 address"),
    ("::/96", "IPv4-compatible IPv6 address"),
    ("64:ff9b:1::/48", "local-use NAT64 address"),
    ("100::/64", "discard-only address"),
    ("2001::/32", "Teredo tunnel address"),
    ("2001:db8::/32", "documentation address"),
    ("fc00::/7", "unique-local (private) IPv6 address"),
    ("fe80::/10", "IPv6 link-local address"),
    ("fec0::/10", "site-local IPv6 address"),
    ("ff00::/8", "multicast address"),
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

BLOCKED_NETWORKS: tuple[tuple[Network, str], ...] = tuple(
    (ipaddress.ip_network(cidr), why) for cidr, why in _V4_BLOCKS + _V6_BLOCKS
)

_BAD_URL_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
_HEX_PART = re.compile(r"0[xX][0-9a-fA-F]*")
_OCT_PART = re.compile(r"0[0-7]*")
_DEC_PART = re.compile(r"[1-9][0-9]*")


@dataclass(frozen=True)
class Target:
    """A URL that passed the text checks, split the way urllib3 will use it."""

    url: str  # normalised by urllib3, fragment dropped
    scheme: str
    host: str  # lower-case, IPv6 without brackets
    port: int
    address: IPAddress | None  # set when the host is an IP literal (any spelling)

    @property
    def host_key(self) -> str:
        """The politeness key: the host, plus the port when it is not 80/443.

        http and https of one site share a key; servers on odd ports (tests,
        the demo) are separate hosts, as in pipeline.fetch.transforms.host_of.
        """
        bracketed = f"[{self.host}]" if ":" in self.host else self.host
        return bracketed if self.port in (80, 443) else f"{bracketed}:{self.port}"

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = DEFAULT_PORTS[self.scheme]
        return f"{self.scheme}://{host}" + ("" if self.port == default else f":{self.port}")


# --------------------------------------------------------------------------- addresses


def _inet_aton_part(text: str) -> int | None:
    """One dot-separated part as C inet_aton reads it: 0x.. hex, 0.. octal, else decimal."""
    if _HEX_PART.fullmatch(text):
        return int(text[2:] or "0", 16)
    if _OCT_PART.fullmatch(text):
        return int(text, 8)
    if _DEC_PART.fullmatch(text):
        return int(text)
    return None


def _parse_inet_aton(text: str) -> ipaddress.IPv4Address | None:
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = [_inet_aton_part(p) for p in parts]
    if any(v is None for v in values):
        return None
    *leading, last = values  # type: ignore[misc]
    if any(v > 0xFF for v in leading):
        return None
    # The last part fills all the bytes the leading parts left (127.1 == 127.0.0.1).
    if last >= 1 << (8 * (4 - len(leading))):
        return None
    number = last
    for i, v in enumerate(leading):
        number |= v << (8 * (3 - i))
    return ipaddress.IPv4Address(number)


def parse_host_address(host: str) -> IPAddress | None:
    """The IP address a host string denotes, read as the OS resolver would.

    Accepts every spelling glibc's inet_aton accepts (2130706433, 0177.0.0.1,
    127.1, 0x7f.1) and IPv6 literals with or without brackets or a zone id.
    Returns None for a name that needs DNS.
    """
    text = host.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        text = text.split("%", 1)[0]  # zone id: the address part decides
        try:
            return ipaddress.IPv6Address(text)
        except ValueError:
            return None
    if text.endswith("."):
        text = text[:-1]
    return _parse_inet_aton(text) if text else None


def _in_networks(ip: IPAddress, networks: Iterable[Network]) -> bool:
    return any(ip.version == net.version and ip in net for net in networks)


def _allowed(ip: IPAddress, allow_networks: Iterable[str]) -> bool:
    nets = [ipaddress.ip_network(c, strict=False) for c in allow_networks]
    if _in_networks(ip, nets):
        return True
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return mapped is not None and _in_networks(mapped, nets)


def blocked_reason(ip: IPAddress | str, allow_networks: Iterable[str] = ()) -> str | None:
    """Why `ip` must not be contacted, or None if it may be.

    Not globally routable -> blocked, unless inside one of `allow_networks`.
    IPv6 forms that embed an IPv4 address (NAT64, 6to4) are judged by it.
    """
    if isinstance(ip, str):
        ip = ipaddress.ip_address(ip)
    if _allowed(ip, allow_networks):
        return None
    for net, why in BLOCKED_NETWORKS:
        if ip.version == net.version and ip in net:
            return why
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = None
        if ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip.sixtofour is not None:
            embedded = ip.sixtofour
        if embedded is not None:
            inner = blocked_reason(embedded, allow_networks)
            if inner is not None:
                return f"IPv6 address embedding {embedded} ({inner})"
    if not ip.is_global:
        return "address that is not globally routable"
    return None


def is_blocked_address(ip: IPAddress | str, allow_networks: Iterable[str] = ()) -> bool:
    return blocked_reason(ip, allow_networks) is not None


def blocked_name_reason(host: str) -> str | None:
    """Why a host *name* is refused before any DNS lookup, or None."""
    name = host.strip().lower().rstrip(".")
    if name in BLOCKED_HOST_NAMES:
        return "cloud metadata host name"
    if name.endswith(BLOCKED_NAME_SUFFIXES):
        return "private DNS zone"
    return None


def _matching_block(ip: IPAddress) -> str:
    for net, _ in BLOCKED_NETWORKS:
        if ip.version == net.version and ip in net:
            return str(net)
    return str(ipaddress.ip_network(ip))


def _blocked_address_error(host: str, ip: IPAddress, why: str) -> StageError:
    shown = str(ip) if host.lower() == str(ip) else f"{host} ({ip})"
    own, block = str(ipaddress.ip_network(ip)), _matching_block(ip)
    wider = "" if block == own else f" (or {block})"
    return StageError(
        "blocked_address",
        f"refused {shown}: {why}; pass --allow-hosts {own}{wider} to fetch it on purpose",
    )


# --------------------------------------------------------------------------- URLs


def check_url(url: str, policy: FetchPolicy) -> Target:
    """Check a URL's text: length, scheme, credentials, host name, literal address, port.

    Raises StageError (url_too_long, bad_url, bad_scheme, blocked_address,
    blocked_port). A host name still has to pass `check_resolved` once resolved.
    """
    if not isinstance(url, str) or not url:
        raise StageError("bad_url", "empty URL")
    if len(url) > policy.max_url_length:
        raise StageError(
            "url_too_long",
            f"URL is {len(url)} characters, over the {policy.max_url_length} limit; "
            "it is most likely junk or a tracking blob",
        )
    if _BAD_URL_CHARS.search(url):
        raise StageError(
            "bad_url", f"URL contains whitespace, control characters or a backslash: {url[:200]!r}"
        )
    try:
        parsed = parse_url(url)
    except LocationParseError as exc:
        raise StageError("bad_url", f"cannot parse URL {url[:200]!r}: {exc}") from None
    if parsed.scheme is None:
        raise StageError("bad_url", f"URL has no scheme (need http:// or https://): {url[:200]!r}")
    scheme = parsed.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise StageError(
            "bad_scheme", f"refused {scheme}: URL; only http and https are fetched: {url[:200]!r}"
        )
    if not parsed.host:
        raise StageError("bad_url", f"URL has no host: {url[:200]!r}")
    if parsed.auth is not None:
        raise StageError(
            "bad_url", f"refused URL with user info (user@host), a common disguise: {url[:200]!r}"
        )
    host = parsed.host.lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    port = parsed.port if parsed.port is not None else DEFAULT_PORTS[scheme]

    why = blocked_name_reason(host)
    if why is not None:
        raise StageError("blocked_address", f"refused {host}: {why}")
    address = parse_host_address(host)
    if address is not None:
        why = blocked_reason(address, policy.allow_networks)
        if why is not None:
            raise _blocked_address_error(host, address, why)
    # A non-standard port is only for allowed networks; a literal address
    # outside them (or no allow-list at all) can be refused now, without DNS.
    if port not in policy.allowed_ports and (
        not policy.allow_networks
        or (address is not None and not _allowed(address, policy.allow_networks))
    ):
        raise _blocked_port_error(host, port, policy)
    normalised = parsed._replace(fragment=None, scheme=scheme).url
    return Target(url=normalised, scheme=scheme, host=host, port=port, address=address)


def _blocked_port_error(host: str, port: int, policy: FetchPolicy) -> StageError:
    ports = ", ".join(str(p) for p in policy.allowed_ports)
    return StageError(
        "blocked_port",
        f"refused {host}:{port}: only ports {ports} are fetched from public hosts "
        "(odd ports often front internal services); allow the network with --allow-hosts "
        "to fetch it on purpose",
    )


def check_resolved(host: str, port: int, addresses: Iterable[str], policy: FetchPolicy) -> list[IPAddress]:
    """Check every address a host resolved to; refuse the host if ANY is blocked.

    One bad address is enough: a rebinding resolver may hand out the private
    one on the next lookup. Returns the parsed addresses, in resolver order.
    """
    ips = [ipaddress.ip_address(a.split("%", 1)[0]) for a in addresses]
    if not ips:
        raise StageError("dns_error", f"{host} resolved to no address")
    for ip in ips:
        why = blocked_reason(ip, policy.allow_networks)
        if why is not None:
            raise _blocked_address_error(host, ip, why)
    if port not in policy.allowed_ports and not all(_allowed(ip, policy.allow_networks) for ip in ips):
        raise _blocked_port_error(host, port, policy)
    return ips


def system_resolver(host: str, port: int) -> list[str]:
    """The OS resolver (getaddrinfo), TCP only, addresses as text, duplicates dropped."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    seen: dict[str, None] = {}
    for _family, _type, _proto, _canon, sockaddr in infos:
        seen.setdefault(str(sockaddr[0]), None)
    return list(seen)
