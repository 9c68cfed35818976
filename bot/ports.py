"""Whether a server could listen on a port now: the start-up checks of `gridbot serve` and `gridbot demo`."""

from __future__ import annotations

import socket


def bind_error(host: str, port: int) -> OSError | None:
    """Why binding host:port fails now (taken, not permitted, no such address), or None when it is free."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As gunicorn binds: connections a stopped server left in TIME_WAIT do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            return error
    return None
