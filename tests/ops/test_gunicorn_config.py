"""gunicorn.conf.py: hardened defaults from the environment; a worker model that survives slow clients."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, start_gunicorn, stop

GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def print_config(**env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CHUNKWISE_", "PROMETHEUS_"))}
    result = subprocess.run(
        [GUNICORN, "-c", "gunicorn.conf.py", "--print-config", "wsgi:app"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    settings = {}
    for line in result.stdout.splitlines():
        name, sep, value = line.partition(" = ")
        if sep:
            settings[name.strip()] = value.strip()
    return settings


def raw_response(port: int, head: bytes) -> tuple[int, dict[str, str]]:
    """The status and the headers (lower-case names) of the answer to a raw request."""
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.sendall(head)
        reader = sock.makefile("rb")
        status = int(reader.readline().split()[1])
        headers = {}
        for line in iter(reader.readline, b"\r\n"):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
    return status, headers


def worker_count(server) -> int:
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text()
    return len(children.split())


def request(path: bytes = b"/healthz", headers: int = 0) -> bytes:
    extra = b"".join(b"X-Header-%d: v\r\n" % i for i in range(headers))
    return b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n" + extra + b"\r\n"


@pytest.mark.live
def test_defaults_close_idle_connections_and_log_json(live_server):
    status, headers = raw_response(live_server.port, request())
    # No keep-alive by default: a slow client cannot hold a worker thread between requests.
    assert (status, headers["connection"]) == (200, "close")
    line = live_server.log.read_text().splitlines()[0]
    assert json.loads(line)["level"]


@pytest.mark.live
def test_settings_from_the_environment_shape_the_server(tmp_path):
    env = {
        "CHUNKWISE_LIMIT_REQUEST_LINE": "1000",
        "CHUNKWISE_LIMIT_REQUEST_FIELDS": "20",
    }
    server = start_gunicorn(tmp_path, env=env, workers=2)
    try:
        # gunicorn forks its workers one by one; wait until the second exists.
        deadline = time.monotonic() + 30
        while worker_count(server) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert worker_count(server) == 2
        assert raw_response(server.port, request(b"/healthz?" + b"a" * 900))[0] == 200
        assert raw_response(server.port, request(b"/healthz?" + b"a" * 1100))[0] == 414
        assert raw_response(server.port, request(headers=15))[0] == 200
        assert raw_response(server.port, request(headers=25))[0] == 431
    finally:
        stop(server)


def test_sync_workers_get_one_thread():
    # gunicorn silently runs gthread for "sync" with threads > 1.
    settings = print_config(CHUNKWISE_WORKER_CLASS="sync", CHUNKWISE_THREADS="4")
    assert (settings["worker_class"], settings["threads"]) == ("sync", "1")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CHUNKWISE_TIMEOUT", "soon", "CHUNKWISE_TIMEOUT must be an integer, got 'soon'"),
        ("CHUNKWISE_WORKERS", "0", "CHUNKWISE_WORKERS must be at least 1, got 0"),
        ("CHUNKWISE_MAX_REQUESTS", "-1", "CHUNKWISE_MAX_REQUESTS must be at least 0, got -1"),
        (
            "CHUNKWISE_WORKER_CLASS",
            "gevent",
            "CHUNKWISE_WORKER_CLASS must be one of gthread, sync, got 'gevent'",
        ),
    ],
)
def test_bad_values_stop_the_start_naming_the_variable(name, value, message):
    result = subprocess.run(
        [GUNICORN, "-c", "gunicorn.conf.py", "--check-config", "wsgi:app"],
        cwd=ROOT,
        env={**os.environ, name: value},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert message in result.stderr + result.stdout


def raw_status(port: int, head: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.sendall(head)
        first = sock.makefile("rb").readline()
    return int(first.split()[1])


@pytest.mark.live
def test_request_line_and_header_limits(live_server):
    assert raw_status(live_server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") == 200
    long_line = b"GET /healthz?" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert raw_status(live_server.port, long_line) == 414

    def headers(count: int, size: int = 1) -> bytes:
        lines = b"".join(b"X-Header-%d: %s\r\n" % (i, b"v" * size) for i in range(count))
        return b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + lines + b"\r\n"

    assert raw_status(live_server.port, headers(45)) == 200
    assert raw_status(live_server.port, headers(60)) == 431
    assert raw_status(live_server.port, headers(1, 8000)) == 200
    assert raw_status(live_server.port, headers(1, 9000)) == 431


def trickle(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    sock.sendall(
        b"POST /chunking HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100000\r\n\r\n{"
    )
    return sock


@pytest.mark.live
def test_slow_clients_do_not_block_healthz(tmp_path):
    server = start_gunicorn(tmp_path, workers=2)
    slow: list[socket.socket] = []
    try:
        # Four clients that never finish their bodies, then /healthz ten times on new connections.
        for _ in range(4):
            slow.append(trickle(server.port))
            time.sleep(0.05)
        time.sleep(0.5)
        answered = 0
        for _ in range(10):
            for sock in slow:
                sock.sendall(b" ")
            try:
                # A blocked worker never answers; a loaded machine answers late, so the
                # bound only tells the two apart.
                with urllib.request.urlopen(server.url + "/healthz", timeout=30) as response:
                    answered += response.status == 200
            except OSError:
                pass
        assert answered == 10
    finally:
        for sock in slow:
            sock.close()
        stop(server)
