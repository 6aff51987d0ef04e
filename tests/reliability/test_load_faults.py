"""Load and faults on a real gunicorn: busy clients, slow clients, and a worker killed midway.

gunicorn runs with the project's config and 2 workers. For ``SECONDS``, 16
clients send a mix of valid and invalid requests to every endpoint, 4 slow
clients trickle request bodies, and a probe asks ``/healthz`` every
``PROBE_EVERY`` seconds; halfway through one worker gets SIGKILL. Then:

* no answer is a 5xx, and the only requests without an answer are ones that
  were already in flight when the worker died (they may have been on it);
* every ``/healthz`` probe sent after the kill is answered with 200 (a probe
  in flight at the kill may have been on the dead worker);
* the master replaces the killed worker;
* the surviving worker's and the master's open file descriptors come back to
  where they were, and the worker's memory does not keep growing from the
  first half of the run to the second.

Figures are read from ``/proc``; every timeout only detects hangs.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.config import DEFAULTS
from tests.conftest import ROOT, start_gunicorn, stop, workers

pytestmark = pytest.mark.live

SECONDS = 20.0
CLIENTS = 16
SLOW_CLIENTS = 4
PROBE_EVERY = 0.25
TIMEOUT = 30.0
SAMPLES = [(ROOT / "samples" / name).read_text(encoding="utf-8") for name in ("book.txt", "chat.txt")]


@dataclass
class Outcome:
    """One request: when it started and ended, and its status or the error that ended it."""

    kind: str
    started: float
    ended: float
    status: int | None = None
    error: str | None = None


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


def _requests(rng: random.Random) -> tuple[str, str, str, bytes, set[int]]:
    """A random request: kind, method, path, body and the statuses it may get."""
    text = rng.choice(SAMPLES)[: rng.randrange(200, 20_000)]
    strategy = rng.choice(["recursive", "sentence", "markdown", "html", "chat", "page", "semantic", "fixed"])
    choices = [
        (
            "chunk",
            "/chunking",
            {"text": text, "strategy": strategy, "chunk_size": rng.randrange(50, 2000)},
            {200},
        ),
        ("semantic", "/semantic-chunking", {"text": text, "max_chunk_size": 800}, {200}),
        ("answer", "/answer", {"question": "Where does the story end?", "text": text}, {200}),
        ("batch", "/chunking", {"texts": [text[:500], text[500:1500]], "strategy": "paragraph"}, {200}),
        ("bad-option", "/chunking", {"text": text, "chunk_size": 0}, {400}),
        ("unknown-field", "/answer", {"question": "q", "chunks": ["a"], "colour": "red"}, {400}),
        ("too-many-chunks", "/chunking", {"text": text, "chunk_size": 1, "unit": "chars"}, {200, 422}),
    ]
    kind, path, body, expected = rng.choice(choices)
    raw = json.dumps(body).encode()
    if rng.random() < 0.1:
        return "bad-json", "POST", "/chunking", raw[:-1], {400}
    if rng.random() < 0.05:
        return "not-found", "GET", "/nowhere", b"", {404}
    return kind, "POST", path, raw, expected


def _client(port: int, until: float, seed: int, run: Run, expected: dict[str, set[int]]) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        kind, method, path, body, statuses = _requests(rng)
        expected.setdefault(kind, statuses)
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            run.add(Outcome(kind, started, time.monotonic(), status=response.status))
        except (OSError, http.client.HTTPException) as exc:  # a reset, or an answer cut short
            run.add(Outcome(kind, started, time.monotonic(), error=type(exc).__name__))
        finally:
            connection.close()


def _slow_client(port: int, until: float, run: Run) -> None:
    """Send the headers, then the body a few bytes at a time until ``until``, then read the answer."""
    body = json.dumps({"text": "Slow but steady. " * 40, "strategy": "sentence"}).encode()
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            head = "POST /chunking HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            sock.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode())
            step = max(1, len(body) // 60)
            for i in range(0, len(body), step):
                sock.sendall(body[i : i + step])
                time.sleep(max(0.0, min(0.3, until - time.monotonic())))
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else None
        run.add(
            Outcome("slow", started, time.monotonic(), status=status, error=None if status else "no reply")
        )
    except OSError as exc:
        run.add(Outcome("slow", started, time.monotonic(), error=type(exc).__name__))


def _probe(port: int, until: float, run: Run) -> None:
    while time.monotonic() < until:
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        try:
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            run.add(Outcome("healthz", started, time.monotonic(), status=response.status))
        except (OSError, http.client.HTTPException) as exc:
            run.add(Outcome("healthz", started, time.monotonic(), error=type(exc).__name__))
        finally:
            connection.close()
        time.sleep(PROBE_EVERY)


def open_fds(pid: int) -> int:
    """Open descriptors, less those of cached /answer indexes.

    Python's mmap keeps a descriptor for each mapped index in the shared
    directory; the worker's cache holds at most ANSWER_CACHE_SIZE of them,
    which :func:`index_fds` checks on its own.
    """
    return len(os.listdir(f"/proc/{pid}/fd")) - index_fds(pid)


def index_fds(pid: int) -> int:
    return sum("/chunkwise-indexes-" in target for target in fd_targets(pid))


def fd_targets(pid: int) -> list[str]:
    targets = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            targets.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            continue
    return sorted(targets)


def rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}:\n{status}")


def wait_for_workers(
    master: int, count: int, excluding: set[int] = frozenset(), seconds: float = 60
) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = workers(master) - excluding
        if len(found) == count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"the master did not have {count} new workers within {seconds} s")


def wait_until(condition: Callable[[], bool], seconds: float = 15.0) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass; whether it held."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def warm(port: int, pids: set[int]) -> None:
    """Requests in parallel until every worker has served some, so its lazily opened files are open."""
    rng = random.Random(0)

    def one() -> None:
        _, method, path, body, _ = _requests(rng)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
        connection.getresponse().read()
        connection.close()

    for _ in range(50):
        burst = [threading.Thread(target=one) for _ in range(8)]
        for thread in burst:
            thread.start()
        for thread in burst:
            thread.join(TIMEOUT)
        # A worker opens its metric files (prometheus multiprocess mode) on its first request.
        if all(any(f"histogram_{pid}.db" in t for t in fd_targets(pid)) for pid in pids):
            return
    raise AssertionError("a worker never got a request")


def test_load_with_slow_clients_and_a_killed_worker(tmp_path):
    # Workers are not recycled after a number of requests, which would hide a leak and end the survivor.
    env = {"CHUNKWISE_LOG_LEVEL": "WARNING", "CHUNKWISE_MAX_REQUESTS": "0"}
    server = start_gunicorn(tmp_path, env, workers=2)
    master = server.process.pid
    try:
        first = wait_for_workers(master, 2)
        warm(server.port, first)
        baseline = {pid: open_fds(pid) for pid in (master, *first)}
        run, expected = Run(), {}
        start = time.monotonic()
        until = start + SECONDS
        threads = [
            threading.Thread(target=_client, args=(server.port, until, seed, run, expected))
            for seed in range(CLIENTS)
        ]
        threads += [
            threading.Thread(target=_slow_client, args=(server.port, until, run)) for _ in range(SLOW_CLIENTS)
        ]
        threads.append(threading.Thread(target=_probe, args=(server.port, until, run)))
        for thread in threads:
            thread.start()
        samples: dict[int, list[tuple[float, int, int]]] = {pid: [] for pid in first}
        connections = dict.fromkeys(first, 0)
        killed_at = victim = None
        while time.monotonic() < until:
            now = time.monotonic() - start
            if killed_at is None and now >= SECONDS / 2:
                # Kill the worker that is not holding the slow clients (they tend to land
                # together): the other one is then busy with them until the master has
                # replaced the dead one, the hardest moment for /healthz.
                victim = min(first, key=lambda pid: (connections[pid], -pid))
                killed_at = time.monotonic()
                os.kill(victim, signal.SIGKILL)
            for pid in first - {victim}:
                samples[pid].append((now, open_fds(pid), rss_kb(pid)))
                if now >= SECONDS / 4:
                    connections[pid] += sum(t.startswith("socket:") for t in fd_targets(pid))
            time.sleep(0.5)
        (survivor,) = first - {victim}
        for thread in threads:
            thread.join(TIMEOUT + 10)
            assert not thread.is_alive(), "a client hung"
        replaced = wait_for_workers(master, 2)
        assert victim not in replaced and survivor in replaced, "the master did not replace the killed worker"

        outcomes = run.outcomes
        answered = [o for o in outcomes if o.status is not None]
        assert not [o for o in answered if o.status >= 500], "a 5xx answer"
        wrong = [
            (o.kind, o.status) for o in answered if o.kind in expected and o.status not in expected[o.kind]
        ]
        assert not wrong, wrong
        lost = [o for o in outcomes if o.status is None]
        # Only a request already sent when the worker died can have died with it, and a
        # worker holds at most 4 connections (gunicorn.conf.py: worker_connections = threads).
        assert all(o.started < killed_at for o in lost), [(o.kind, o.error) for o in lost]
        assert len(lost) <= 4, [(o.kind, o.error) for o in lost]
        probes = [o for o in outcomes if o.kind == "healthz"]
        assert len(probes) >= SECONDS / (PROBE_EVERY + 1)
        assert all(o.status == 200 for o in probes if o.started >= killed_at or o.ended < killed_at)
        slow = [o for o in outcomes if o.kind == "slow"]
        assert len(slow) == SLOW_CLIENTS and all(o.status == 200 or o.started < killed_at for o in slow)
        assert sum(1 for o in answered if o.kind != "healthz") > CLIENTS * 5, "too little load to judge"

        # Connections closed, descriptors back (closing takes a moment: wait for it, with a
        # deadline that only detects a leak); memory level from the first half to the second.
        settled = wait_until(
            lambda: open_fds(survivor) <= baseline[survivor] + 2 and open_fds(master) <= baseline[master] + 2
        )
        assert settled, (fd_targets(survivor), fd_targets(master))
        assert index_fds(survivor) <= DEFAULTS["ANSWER_CACHE_SIZE"]
        kept = samples[survivor]
        half = [rss for t, _, rss in kept if SECONDS / 4 <= t < SECONDS / 2]
        second = [rss for t, _, rss in kept if t >= SECONDS * 3 / 4]
        assert max(second) <= max(half) * 1.25 + 20_000, (max(half), max(second))
        assert max(fds for _, fds, _ in kept) <= baseline[survivor] + 16
        report(outcomes, killed_at - start, kept, baseline[survivor])
    finally:
        stop(server)


def report(outcomes: list[Outcome], killed_at: float, samples: list, baseline: int) -> None:
    """Write the run's figures where benchmarks/RESULTS.md can quote them (only when asked)."""
    target = os.environ.get("CHUNKWISE_LOAD_REPORT")
    if not target:
        return
    answered = [o for o in outcomes if o.status is not None and o.kind != "healthz"]
    probes = [o for o in outcomes if o.kind == "healthz"]
    figures = {
        "seconds": SECONDS,
        "killed_at_s": round(killed_at, 2),
        "requests_answered": len(answered),
        "by_status": {
            str(s): sum(1 for o in answered if o.status == s) for s in sorted({o.status for o in answered})
        },
        "lost_in_flight": [o.kind for o in outcomes if o.status is None],
        "healthz_probes": len(probes),
        "healthz_ok": sum(1 for o in probes if o.status == 200),
        "healthz_slowest_ms": round(max(o.ended - o.started for o in probes) * 1000),
        "slow_clients_answered": sum(1 for o in outcomes if o.kind == "slow" and o.status == 200),
        "survivor_fds_start_max": [baseline, max(s[1] for s in samples)],
        "survivor_rss_mb_first_last": [round(samples[0][2] / 1024, 1), round(samples[-1][2] / 1024, 1)],
    }
    Path(target).write_text(json.dumps(figures, indent=1))
