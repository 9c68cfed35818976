"""Ports for servers the tests start: free now, and outside the range the kernel gives outgoing connections."""

from __future__ import annotations

import random
import socket
from pathlib import Path


def port_is_free(port: int) -> bool:
    """Nothing listens on the port and a server could bind it (as servers do, with SO_REUSEADDR:
    connections the server closed linger in TIME_WAIT for a while)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_pair() -> int:
    """A free port P whose neighbour P+1 (the demo's fake WeChat API) is free too, both below the kernel's ephemeral
    range: a port bind(0) picks is one the kernel also hands to outgoing connections (another xdist worker's Redis
    or HTTP client), which took P+1 between this check and the demo's bind now and then."""
    return free_port_run(2)


def free_port_run(count: int) -> int:
    """The first of `count` neighbouring free ports below the kernel's ephemeral range (see free_port_pair)."""
    lowest_ephemeral = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    candidates = random.Random().sample(range(10_000, lowest_ephemeral - count), 200)
    for port in candidates:
        if all(port_is_free(port + offset) for offset in range(count)):
            return port
    raise RuntimeError(f"no {count} neighbouring free ports below the ephemeral range")
