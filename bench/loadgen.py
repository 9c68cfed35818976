"""An HTTP/1.1 load generator on asyncio's raw socket calls: one process, no dependencies.

Closed loop (`run_phase`): each of `concurrency` clients sends a request, waits for the whole response, and
sends the next. Open loop (`run_open_loop`): request i starts at i / rate seconds whatever the answers do.
Every request goes on a new connection (gunicorn's sync worker closes the connection after each response).
Latency runs from just before connect() to the last byte of the body. With `tls` (a proxy in front, as WeChat
reaches it), the handshake is in the latency too.
"""

from __future__ import annotations

import asyncio
import math
import socket
import ssl
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator, Sequence

Address = tuple[str, int]
RECV_SIZE = 65536


class HttpError(Exception):
    """The server's answer was not a complete HTTP response."""


@dataclass
class Outcome:
    """What one timed phase produced."""

    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0  # wall seconds from the first request to the last response
    cpu: float = 0.0  # CPU seconds the generator itself used
    exhausted: bool = False  # ran out of pre-built requests before the deadline

    @property
    def ok(self) -> int:
        """Successful requests."""
        return len(self.latencies)

    @property
    def failed(self) -> int:
        """Requests counted as errors."""
        return sum(self.errors.values())

    @property
    def throughput(self) -> float:
        """Successful requests per second."""
        return self.ok / self.elapsed if self.elapsed > 0 else 0.0


@dataclass(frozen=True)
class Answer:
    """Status and body of one HTTP response."""

    status: int
    body: bytes
    completed: float  # perf_counter() when the last byte of the body arrived


def run_phase(requests: Sequence[bytes], address: Address, concurrency: int, seconds: float,
              failure_marker: bytes | None = None) -> Outcome:
    """Drive the server for `seconds` (or until the requests run out) with `concurrency` clients."""
    return asyncio.run(_phase(iter(requests), address, concurrency, seconds, failure_marker))


@dataclass(frozen=True)
class Sent:
    """One request of an open-loop phase: when it left and what came back."""

    index: int
    started_wall: float  # time.time() just before connect()
    lag: float  # seconds its start came after its scheduled time (the generator falling behind)
    latency: float  # seconds from connect() to the last byte of the answer (to the failure, if it failed)
    answer: Answer | None
    error: str | None


def run_open_loop(requests: Sequence[bytes], address: Address, rate: float, timeout: float = 30.0,
                  tls: ssl.SSLContext | None = None, offsets: Sequence[float] | None = None) -> list[Sent]:
    """Start request i at i / `rate` s (or at `offsets[i]` s, ascending), each on its own connection, never waiting
    for answers; wait for all."""
    due_at = offsets if offsets is not None else [index / rate for index in range(len(requests))]
    return asyncio.run(_open_loop(requests, address, due_at, timeout, tls))


def request_once(raw: bytes, address: Address, timeout: float = 5.0, tls: ssl.SSLContext | None = None) -> Answer:
    """Send one request and return the answer (readiness probes, smoke tests)."""
    return asyncio.run(asyncio.wait_for(_exchange(raw, address, tls), timeout))


def percentile(sorted_values: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile of already sorted values (0.0 for none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(percent / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


async def _phase(requests: Iterator[bytes], address: Address, concurrency: int, seconds: float,
                 failure_marker: bytes | None) -> Outcome:
    """Start the clients, wait for them (a stuck one is cancelled 30 s after the deadline), time it all."""
    outcome = Outcome()
    cpu_start, start = time.process_time(), time.perf_counter()
    deadline = start + seconds
    clients = [asyncio.create_task(_client(requests, address, deadline, failure_marker, outcome))
               for _ in range(concurrency)]
    done, stuck = await asyncio.wait(clients, timeout=seconds + 30.0)
    for client in stuck:
        client.cancel()
        outcome.errors["request still unanswered 30 s after the deadline"] += 1
    await asyncio.gather(*stuck, return_exceptions=True)
    for client in done:
        client.result()  # a bug in the generator itself must not pass silently
    outcome.elapsed = time.perf_counter() - start
    outcome.cpu = time.process_time() - cpu_start
    return outcome


async def _open_loop(requests: Sequence[bytes], address: Address, due_at: Sequence[float], timeout: float,
                     tls: ssl.SSLContext | None) -> list[Sent]:
    """Sleep until each request's scheduled start, then launch it as its own task."""
    start = time.perf_counter()
    tasks = []
    for index, raw in enumerate(requests):
        due = start + due_at[index]
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_timed(index, raw, address, due, timeout, tls)))
    return list(await asyncio.gather(*tasks))


async def _timed(index: int, raw: bytes, address: Address, due: float, timeout: float,
                 tls: ssl.SSLContext | None) -> Sent:
    """One open-loop request, timed on both clocks: perf_counter for latency, the wall clock for its start."""
    started, wall = time.perf_counter(), time.time()
    try:
        answer = await asyncio.wait_for(_exchange(raw, address, tls), timeout)
    except (OSError, HttpError, TimeoutError) as error:
        return Sent(index, wall, started - due, time.perf_counter() - started, None, type(error).__name__)
    return Sent(index, wall, started - due, answer.completed - started, answer, None)


async def _client(requests: Iterator[bytes], address: Address, deadline: float, failure_marker: bytes | None,
                  outcome: Outcome) -> None:
    """One closed-loop client: send, wait for the whole answer, judge it, repeat until the deadline."""
    clock = time.perf_counter
    while clock() < deadline:
        raw = next(requests, None)
        if raw is None:
            outcome.exhausted = True
            return
        started = clock()
        try:
            answer = await _exchange(raw, address)
        except (OSError, HttpError) as error:
            outcome.errors[type(error).__name__] += 1
            await asyncio.sleep(0.001)  # a refused connection must not become a busy loop
            continue
        latency = answer.completed - started
        if answer.status != 200:
            outcome.errors[f"HTTP {answer.status}"] += 1
        elif failure_marker is not None and failure_marker in answer.body:
            outcome.errors["HTTP 200 with the apology reply"] += 1
        else:
            outcome.latencies.append(latency)


async def _exchange(raw: bytes, address: Address, tls: ssl.SSLContext | None = None) -> Answer:
    """One request on a fresh connection; returns after the server closed it (the body's arrival is timed)."""
    if tls is not None:
        return await _exchange_tls(raw, address, tls)
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, address)
        await loop.sock_sendall(sock, raw)
        answer = await _read_response(loop, sock)
        # Wait for the server's FIN so this side closes passively and leaves no TIME_WAIT behind.
        while await loop.sock_recv(sock, RECV_SIZE):
            pass
        return answer
    finally:
        sock.close()


async def _exchange_tls(raw: bytes, address: Address, tls: ssl.SSLContext) -> Answer:
    """`_exchange` over TLS: the request says Connection: close, so the answer is everything up to EOF."""
    reader, writer = await asyncio.open_connection(*address, ssl=tls)
    try:
        writer.write(raw)
        await writer.drain()
        data = await reader.read()
    except ssl.SSLError as error:
        raise HttpError(f"TLS: {error}") from None
    finally:
        writer.close()
    completed = time.perf_counter()
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        raise HttpError("connection closed before the response headers")
    status, length = _parse_head(data[:head_end])
    body = data[head_end + 4:]
    if length is not None and len(body) < length:
        raise HttpError("connection closed before the end of the body")
    return Answer(status, body if length is None else body[:length], completed)


async def _read_response(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> Answer:
    """Read the head, then exactly Content-Length bytes of body (or up to EOF when there is none)."""
    buffer = bytearray()
    head_end = -1
    while head_end < 0:
        chunk = await loop.sock_recv(sock, RECV_SIZE)
        if not chunk:
            raise HttpError("connection closed before the response headers")
        buffer += chunk
        head_end = buffer.find(b"\r\n\r\n")
    status, length = _parse_head(bytes(buffer[:head_end]))
    body_start = head_end + 4
    while length is None or len(buffer) - body_start < length:
        chunk = await loop.sock_recv(sock, RECV_SIZE)
        if not chunk:
            if length is None:
                break
            raise HttpError("connection closed before the end of the body")
        buffer += chunk
    end = len(buffer) if length is None else body_start + length
    return Answer(status, bytes(buffer[body_start:end]), time.perf_counter())


def _parse_head(head: bytes) -> tuple[int, int | None]:
    """Status code and Content-Length (None when absent) of a response head."""
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise HttpError("malformed status line")
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    return int(parts[1]), length
