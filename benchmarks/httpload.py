"""A small HTTP/1.1 load client and a gunicorn launcher for the operational benchmarks.

The client is asyncio over raw sockets with requests prepared as bytes, so
one client process costs the 2-core machine as little CPU as possible next to
the server it measures. Each simulated client is one connection used the way
a real one would: kept alive while the server allows it, reopened when the
server answers ``Connection: close``. Latency includes reconnecting.

Only loopback addresses are ever contacted; every run is bounded by a
deadline and, optionally, a request count.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Call:
    """One prepared request and the status it should get."""

    name: str
    raw: bytes
    expect: int = 200


def call(
    name: str, method: str, path: str, body: bytes = b"", content_type: str = "", expect: int = 200
) -> Call:
    head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "User-Agent: chunkwise-bench"]
    if body or method in ("POST", "PUT"):
        head.append(f"Content-Length: {len(body)}")
    if content_type:
        head.append(f"Content-Type: {content_type}")
    return Call(name, ("\r\n".join(head) + "\r\n\r\n").encode() + body, expect)


@dataclass
class Result:
    """What one run measured."""

    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    connections: int = 0

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.latencies.values()) + sum(self.errors.values())

    @property
    def all_latencies(self) -> list[float]:
        return sorted(itertools.chain.from_iterable(self.latencies.values()))

    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, keep = 0, True
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.strip().lower() == "close":
            keep = False
    await reader.readexactly(length)
    return status, keep


async def _client(
    port: int, calls: Iterable[Call], deadline: float, budget: list[int], result: Result
) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    for item in calls:
        if time.monotonic() >= deadline or budget[0] <= 0:
            break
        budget[0] -= 1
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
                result.connections += 1
            assert reader is not None
            writer.write(item.raw)
            status, keep = await asyncio.wait_for(_read_response(reader), timeout=30)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            key = f"{item.name}: {type(exc).__name__}"
            result.errors[key] = result.errors.get(key, 0) + 1
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        if status != item.expect:
            key = f"{item.name}: status {status}"
            result.errors[key] = result.errors.get(key, 0) + 1
        else:
            result.latencies.setdefault(item.name, []).append(time.perf_counter() - started)
        if not keep:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def run_load(
    port: int, mix: Sequence[Call], clients: int, seconds: float, max_requests: int | None = None
) -> Result:
    """Send ``mix`` round-robin from ``clients`` connections until the deadline or the budget."""

    async def main() -> Result:
        result = Result()
        budget = [max_requests if max_requests is not None else 1 << 62]
        deadline = time.monotonic() + seconds
        started = time.perf_counter()
        streams = [itertools.islice(itertools.cycle(mix), i, None) for i in range(clients)]
        await asyncio.gather(*(_client(port, s, deadline, budget, result) for s in streams))
        result.seconds = time.perf_counter() - started
        return result

    return asyncio.run(main())


@dataclass
class Server:
    """A gunicorn master started by :func:`start`."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        return sorted(int(pid) for pid in children.split())

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the workers have used so far.

        Steadier than requests/s on a machine shared with other work: a
        request costs the same CPU however long it waits for a core.
        """
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start(
    tmp: Path, target: str = "wsgi:app", env: dict[str, str] | None = None, args: Sequence[str] = ()
) -> Server:
    """Start gunicorn with the project's ``gunicorn.conf.py`` on a free loopback port."""
    port = free_port()
    log = tmp / f"gunicorn-{port}.log"
    full_env = {**os.environ, "CHUNKWISE_BIND": f"{HOST}:{port}", **(env or {})}
    full_env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn.conf.py", *args, target],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2) as response:
                if response.status == 200 and len(server.worker_pids()) == int(
                    full_env.get("CHUNKWISE_WORKERS", 2)
                ):
                    return server
        except OSError:
            if process.poll() is not None:
                break
        time.sleep(0.1)
    stop(server)
    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise ValueError(f"no VmRSS for {pid}")
