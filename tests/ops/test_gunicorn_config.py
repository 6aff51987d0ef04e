"""gunicorn.conf.py: hardened defaults from the environment; a worker model that survives slow clients."""

from __future__ import annotations

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
        timeout=60,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    settings = {}
    for line in result.stdout.splitlines():
        name, sep, value = line.partition(" = ")
        if sep:
            settings[name.strip()] = value.strip()
    return settings


def test_hardened_defaults():
    settings = print_config()
    assert settings["bind"] == "['127.0.0.1:8000']"
    expected = {
        "workers": "2",
        "worker_class": "gthread",
        "threads": "4",
        "worker_connections": "4",
        "keepalive": "0",
        "timeout": "60",
        "graceful_timeout": "30",
        "max_requests": "10000",
        "max_requests_jitter": "1000",
        "limit_request_line": "4094",
        "limit_request_fields": "50",
        "limit_request_field_size": "8190",
        "accesslog": "None",
        "loglevel": "info",
        "control_socket_disable": "True",
        "preload_app": "False",
    }
    assert {k: settings[k] for k in expected} == expected
    assert settings["logger_class"] == "<JsonLogger()>"
    for hook in ("on_starting", "child_exit", "on_exit"):
        assert settings[hook] == f"<{hook}()>"


def test_every_setting_from_the_environment():
    settings = print_config(
        CHUNKWISE_BIND="127.0.0.1:9999",
        CHUNKWISE_WORKERS="3",
        CHUNKWISE_THREADS="8",
        CHUNKWISE_WORKER_CONNECTIONS="16",
        CHUNKWISE_KEEPALIVE="2",
        CHUNKWISE_TIMEOUT="5",
        CHUNKWISE_GRACEFUL_TIMEOUT="6",
        CHUNKWISE_MAX_REQUESTS="100",
        CHUNKWISE_MAX_REQUESTS_JITTER="7",
        CHUNKWISE_LIMIT_REQUEST_LINE="1000",
        CHUNKWISE_LIMIT_REQUEST_FIELDS="20",
        CHUNKWISE_LIMIT_REQUEST_FIELD_SIZE="2000",
        CHUNKWISE_LOG_LEVEL="WARNING",
    )
    assert settings["bind"] == "['127.0.0.1:9999']"
    got = {
        k: settings[k]
        for k in (
            "workers",
            "threads",
            "worker_connections",
            "keepalive",
            "timeout",
            "graceful_timeout",
            "max_requests",
            "max_requests_jitter",
            "limit_request_line",
            "limit_request_fields",
            "limit_request_field_size",
            "loglevel",
        )
    }
    assert got == {
        "workers": "3",
        "threads": "8",
        "worker_connections": "16",
        "keepalive": "2",
        "timeout": "5",
        "graceful_timeout": "6",
        "max_requests": "100",
        "max_requests_jitter": "7",
        "limit_request_line": "1000",
        "limit_request_fields": "20",
        "limit_request_field_size": "2000",
        "loglevel": "warning",
    }


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
        timeout=60,
    )
    assert result.returncode != 0
    assert message in result.stderr + result.stdout


def raw_status(port: int, head: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
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
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
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
                with urllib.request.urlopen(server.url + "/healthz", timeout=5) as response:
                    answered += response.status == 200
            except OSError:
                pass
        assert answered == 10
    finally:
        for sock in slow:
            sock.close()
        stop(server)
