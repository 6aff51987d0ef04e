"""Shared fixtures: the app and its test client (like flaskr's), and a live gunicorn."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from app import create_app

ROOT = Path(__file__).resolve().parent.parent

# `make test` explores the same examples on every run and on every machine, so a
# property test fails every time or never; what random exploration has found is
# kept as an explicit @example. `make fuzz` selects the random profile with a seed.
settings.register_profile("ci", deadline=None, derandomize=True, database=None, max_examples=60)
settings.register_profile("fuzz", deadline=None, database=None, max_examples=600, print_blob=True)
settings.load_profile("ci")


@pytest.fixture
def app():
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def join_or_fail(
    worker: threading.Thread, what: str, cpu_seconds: float = 60, wall_seconds: float = 900
) -> None:
    """Wait for ``worker``; fail if the process spends ``cpu_seconds`` of CPU time before it ends.

    A hang detector, not a speed test: it counts this process's CPU time rather than
    the wall clock, so a machine busy with other work cannot trip it. The wall-clock
    bound only catches a thread that waits without computing.
    """
    cpu_start, wall_start = time.process_time(), time.monotonic()
    worker.start()
    while worker.is_alive():
        worker.join(0.5)
        cpu = time.process_time() - cpu_start
        assert cpu < cpu_seconds, f"{what} used {cpu:.0f} s of CPU without finishing"
        assert time.monotonic() - wall_start < wall_seconds, f"{what} did not finish"


def workers(master: int) -> set[int]:
    """PIDs of the master's children, from /proc."""
    children = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name may hold spaces; the parent pid is the 2nd field after it.
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                children.add(int(entry.name))
    return children


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path


def start_gunicorn(tmp: Path, env: dict[str, str] | None = None, workers: int = 1) -> LiveServer:
    """Start gunicorn with the project's config on a free loopback port and wait for /healthz."""
    port = free_port()
    log = tmp / f"gunicorn-{port}.log"
    full_env = {
        **os.environ,
        "CHUNKWISE_BIND": f"127.0.0.1:{port}",
        "CHUNKWISE_WORKERS": str(workers),
        **(env or {}),
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    # The deadline and the probe's timeout only detect a server that never comes up: on a
    # loaded machine booting workers takes seconds, and a worker that exits after a few
    # requests (CHUNKWISE_MAX_REQUESTS) is rebooted while the probes wait.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=30) as response:
                if response.status == 200:
                    return LiveServer(url, port, process, log)
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    process.wait()
    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")


def stop(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """One real gunicorn (the project's gunicorn.conf.py) for the whole session."""
    server = start_gunicorn(tmp_path_factory.mktemp("live"), workers=2)
    yield server
    stop(server)
