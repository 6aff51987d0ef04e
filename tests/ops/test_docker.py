"""The Docker image without a Docker engine: hadolint, the Dockerfile's shape, and its exact command run live.

The image's file tree is rebuilt from the Dockerfile's own COPY lines in a
temporary directory, and its CMD runs there with the image's ENV; only the
port is changed (the image binds 0.0.0.0:8000, the test a free loopback port).
"""

from __future__ import annotations

import ast
import json
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, free_port

BIN = Path(sys.executable).parent
DOCKERFILE = ROOT / "Dockerfile"


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str


def instructions(path: Path = DOCKERFILE) -> list[Instruction]:
    logical, found = "", []
    for line in path.read_text().splitlines():
        if not logical and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            logical += line.rstrip()[:-1] + " "
            continue
        logical += line
        keyword, _, args = logical.strip().partition(" ")
        found.append(Instruction(keyword.upper(), args.strip()))
        logical = ""
    return found


def image_env(steps: list[Instruction]) -> dict[str, str]:
    env = {}
    for step in steps:
        if step.keyword == "ENV":
            for pair in shlex.split(step.args):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def exec_form(args: str) -> list[str]:
    command = json.loads(args)
    assert isinstance(command, list) and all(isinstance(part, str) for part in command)
    return command


def single(steps: list[Instruction], keyword: str) -> Instruction:
    (found,) = [s for s in steps if s.keyword == keyword]
    return found


STEPS = instructions()


def test_hadolint_passes():
    result = subprocess.run(
        [str(BIN / "hadolint"), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pinned_slim_python_matching_ci():
    image = single(STEPS, "FROM").args
    match = re.fullmatch(r"python:(\d+)\.(\d+)\.(\d+)-slim-\w+", image)
    assert match, image
    assert tuple(map(int, match.groups())) == sys.version_info[:3]


def test_dependencies_first_then_code_then_non_root():
    order = [(s.keyword, s.args) for s in STEPS]
    copy_requirements = order.index(("COPY", "requirements.txt ./"))
    install = next(i for i, (k, a) in enumerate(order) if k == "RUN" and "-r requirements.txt" in a)
    copy_app = order.index(("COPY", "app ./app"))
    user = next(i for i, (k, _) in enumerate(order) if k == "USER")
    assert copy_requirements < install < copy_app < user < order.index(("CMD", single(STEPS, "CMD").args))
    uid = single(STEPS, "USER").args.split(":")[0]
    assert uid.isdigit() and int(uid) != 0
    assert image_env(STEPS)["CHUNKWISE_BIND"] == "0.0.0.0:8000"
    assert exec_form(single(STEPS, "CMD").args) == ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]


def test_dockerignore_lets_in_exactly_what_is_copied():
    allowed = {
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    copied = set()
    for step in STEPS:
        if step.keyword == "COPY":
            copied.update(step.args.split()[:-1])
    assert copied == allowed
    assert "*" in (ROOT / ".dockerignore").read_text().splitlines()


def stage_image_tree(target: Path) -> Path:
    """Lay out the files as the Dockerfile's WORKDIR and COPY lines would."""
    workdir = target
    for step in STEPS:
        if step.keyword == "WORKDIR":
            workdir = target / step.args.lstrip("/")
            workdir.mkdir(parents=True, exist_ok=True)
        elif step.keyword == "COPY":
            *sources, dest = step.args.split()
            for source in sources:
                src, out = ROOT / source, workdir / dest
                if src.is_dir():
                    shutil.copytree(src, out, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
                else:
                    out.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src, out / src.name)
    return workdir


def healthcheck_command() -> list[str]:
    args = single(STEPS, "HEALTHCHECK").args
    options, _, command = args.partition(" CMD ")
    assert "--timeout=" in options and "--interval=" in options
    return exec_form(command)


def container_env(port: int, home: Path) -> dict[str, str]:
    base = {"PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    return {**base, **image_env(STEPS), "CHUNKWISE_BIND": f"127.0.0.1:{port}"}


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


@pytest.mark.live
def test_the_images_command_serves_from_the_images_files(tmp_path):
    workdir = stage_image_tree(tmp_path / "image")
    assert sorted(p.name for p in workdir.iterdir()) == [
        "app",
        "gunicorn.conf.py",
        "requirements.txt",
        "wsgi.py",
    ]
    port = free_port()
    env = container_env(port, tmp_path)
    log = tmp_path / "container.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            exec_form(single(STEPS, "CMD").args), cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert get(url + "/healthz") == (200, b'{"status":"ok"}\n')
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        request = urllib.request.Request(
            url + "/chunking?strategy=sentence",
            data=b"The image runs. It chunks text.",
            headers={"Content-Type": "text/plain"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert json.loads(response.read())["count"] == 1
        status, metrics = get(url + "/metrics")
        assert status == 200 and b"chunkwise_requests_total" in metrics
        healthcheck = healthcheck_command()
        assert subprocess.run(healthcheck, env=env, timeout=30).returncode == 0
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert process.returncode == 0
    down = subprocess.run(healthcheck, env=env, capture_output=True, timeout=30)
    assert down.returncode != 0
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert any(e.get("path") == "/chunking" and e.get("status") == 200 for e in entries)


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned() -> set[str]:
    return {
        norm(line.split("==")[0])
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }


def imported_top_level(paths: list[Path]) -> set[str]:
    names = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"app", "__future__"}


def test_requirements_pin_everything_the_image_imports():
    # The image installs requirements.txt only: every package its code imports must be pinned there.
    sources = [*(ROOT / "app").rglob("*.py"), ROOT / "wsgi.py", ROOT / "gunicorn.conf.py"]
    owners = metadata.packages_distributions()
    modules = imported_top_level(sources)
    missing = {
        module: owners.get(module)
        for module in modules
        if not {norm(d) for d in owners.get(module, [])} & pinned()
    }
    assert {"flask", "prometheus_client", "opentelemetry", "gunicorn"} <= modules
    assert not missing, missing


def test_tracing_packages_are_pinned():
    # Imported only when tracing is on, so the closure of the app's imports misses them.
    assert {"opentelemetry-sdk", "opentelemetry-exporter-otlp-proto-http"} <= pinned()


def test_compose_runs_the_service_and_a_prometheus_scraping_it():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    service, prometheus = compose["services"]["chunkwise"], compose["services"]["prometheus"]
    assert service["build"] == "."
    assert any(str(port).endswith(":8000") for port in service["ports"])
    assert re.fullmatch(r"prom/prometheus:v\d+\.\d+\.\d+", prometheus["image"])
    mounts = {volume.split(":")[0]: volume.split(":")[1] for volume in prometheus["volumes"]}
    assert f"--config.file={mounts['./deploy/prometheus/prometheus.yml']}" in prometheus["command"]
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    (job,) = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    assert job["static_configs"][0]["targets"] == ["chunkwise:8000"]
