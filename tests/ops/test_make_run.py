"""`make run` on a port that is taken stops at once and says how to pick another one."""

from __future__ import annotations

import socket
import subprocess

import pytest

from tests.conftest import ROOT


@pytest.mark.live
def test_make_run_names_the_taken_port_and_the_way_out():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        # -o: the installed requirements count as up to date; only the start is tested.
        result = subprocess.run(
            ["make", "-s", "-o", ".venv/.runtime", "run", f"PORT={port}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in result.stderr
    assert f"make run PORT={port + 1}" in result.stderr
    assert "Listening at" not in result.stdout + result.stderr  # gunicorn was never started
