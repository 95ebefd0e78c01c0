"""The names `sitegen serve` answers to, and the URLs it prints.

A web page elsewhere can point its own name at this machine (DNS rebinding) and then read
the preview as if it were its own site: the build errors with their source lines, and with
`--release` the whole site. Its requests carry its own name as Host, so the server answers
only to names it was bound to: an allow-list, never a list of names to refuse."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

LOOPBACK = ("localhost", "127.0.0.1", "::1")
EVERY_ADDRESS = ("0.0.0.0", "::", "")
# Documentation addresses: connecting a UDP socket to one sends nothing, and tells which
# address of this machine the route to the network leaves from.
_PROBES = ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1"))


@dataclass(frozen=True)
class Names:
    """The names one server answers to, on its port."""

    port: int
    names: frozenset[str]

    def allows(self, host_header: str | None, local_address: str) -> bool:
        """Whether a request's Host names this server: one of `names`, or the address the
        request reached (one of this machine's own), with this port or none."""
        host, port = split_host(host_header or "")
        if not host or port not in (None, str(self.port)):
            return False
        return host in self.names or _same_address(host, local_address)


def own_names(bind: str) -> tuple[str, ...]:
    """Names and addresses the server is reached by on `bind`: loopback always, the bound
    address, and when bound to every address the machine's host name and own addresses."""
    names = [*LOOPBACK, bind]
    if bind in EVERY_ADDRESS:
        host = socket.gethostname()
        names += [host, f"{host}.local", socket.getfqdn(), *network_addresses(bind)]
    return tuple(dict.fromkeys(_normal(n) for n in names if n not in EVERY_ADDRESS))


def certificate_names(bind: str) -> tuple[str, ...]:
    """What the certificate of `serve --https` names: the server's own names, and the host
    name always, so one certificate serves whichever address it is bound to next."""
    return tuple(dict.fromkeys([*own_names(bind), _normal(socket.gethostname())]))


def network_addresses(bind: str = "::") -> list[str]:
    """This machine's addresses on its network (where a phone reaches it) that a server
    bound to every address of `bind`'s kind answers at: IPv4 for 0.0.0.0, both for ::."""
    found = []
    for family, probe in _PROBES:
        if bind == "0.0.0.0" and family != socket.AF_INET:
            continue
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as probe_socket:
                probe_socket.connect((probe, 9))
                address = probe_socket.getsockname()[0]
        except OSError:
            continue
        if not ipaddress.ip_address(address.split("%")[0]).is_loopback:
            found.append(address)
    return found


def urls(scheme: str, bind: str, port: int, path: str) -> list[str]:
    """The URLs to print: the one to open on this machine first, then those for other
    devices when the server listens on every address."""
    if bind in EVERY_ADDRESS:
        hosts = ["localhost", *network_addresses(bind), socket.gethostname()]
    else:
        hosts = [bind]
    return [f"{scheme}://{_bracketed(host)}:{port}{path}" for host in dict.fromkeys(hosts)]


def split_host(header: str) -> tuple[str, str | None]:
    """`name:port`, `[v6]:port` or without the port: the name, lowercased, and the port."""
    header = header.strip()
    if header.startswith("["):
        host, _, rest = header[1:].partition("]")
        if rest and not rest.startswith(":"):
            return "", None
        port = rest[1:] if rest else None
    elif header.count(":") == 1:
        host, port = header.split(":")
    elif ":" in header:
        return "", None  # an IPv6 address must be in brackets
    else:
        host, port = header, None
    return _normal(host), port


def _normal(name: str) -> str:
    return name.strip().lower().rstrip(".")


def _same_address(host: str, local_address: str) -> bool:
    try:
        one, other = ipaddress.ip_address(host), ipaddress.ip_address(local_address)
    except ValueError:
        return False
    return _unmapped(one) == _unmapped(other)


def _unmapped(address: ipaddress.IPv4Address | ipaddress.IPv6Address):
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host
