"""The docs are executable: every curl example in README.md, docs/*.md and samples/curl runs live."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from app.config import DEFAULTS
from tests.conftest import ROOT

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
README = (ROOT / "README.md").read_text()
REFERENCE = (ROOT / "docs" / "reference.md").read_text()
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)
DOC_URL = "http://127.0.0.1:8000"


def curl_examples(text: str) -> list[tuple[str, object]]:
    blocks = BLOCK.findall(text)
    examples = []
    for i, (lang, body) in enumerate(blocks):
        if lang == "sh" and body.lstrip().startswith("curl"):
            expected = None
            if i + 1 < len(blocks) and blocks[i + 1][0] == "json":
                expected = json.loads(blocks[i + 1][1])
            examples.append((body, expected))
    return examples


EXAMPLES = [example for path in DOCUMENTS for example in curl_examples(path.read_text())]
QUICK_START = curl_examples(README)
# ```console blocks: "$ curl ..." then an excerpt of what it prints (Prometheus text).
CONSOLE = [
    (body.splitlines()[0].removeprefix("$ "), body.splitlines()[1:])
    for path in DOCUMENTS
    for lang, body in BLOCK.findall(path.read_text())
    if lang == "console" and body.startswith("$ curl")
]


def run(command: str, base_url: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["bash", "-c", command.replace(DOC_URL, base_url)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_docs_have_curl_examples():
    assert len(EXAMPLES) >= 10
    assert all(DOC_URL in command for command, _ in EXAMPLES)


def test_the_readme_is_a_quick_start():
    assert len(README.splitlines()) <= 60
    assert len(QUICK_START) == 3
    for command in ("make run", "make test", "PORT=", "HOST="):
        assert command in README, command
    for path in DOCUMENTS[1:]:
        assert f"](docs/{path.name})" in README, path.name


@pytest.mark.live
@pytest.mark.parametrize(
    ("command", "expected"), EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))]
)
def test_readme_curl_example(live_server, command, expected):
    answer = json.loads(run(command, live_server.url))
    if expected is not None:
        assert answer == expected
    else:
        assert "error" not in answer


def series(line: str) -> str:
    """A Prometheus sample line without its value: the metric name and labels."""
    return line.rsplit(" ", 1)[0]


def test_readme_has_console_examples():
    assert CONSOLE and all(excerpt for _, excerpt in CONSOLE)


@pytest.mark.live
@pytest.mark.parametrize(("command", "excerpt"), CONSOLE, ids=[f"console-{i}" for i in range(len(CONSOLE))])
def test_readme_console_example(live_server, command, excerpt):
    # The excerpt counts the sh examples' requests; replayed twice, the second
    # /answer finds its index cached. Values depend on what else the session's
    # server has seen; the series do not.
    for _ in range(2):
        for example, _expected in EXAMPLES:
            run(example, live_server.url)
    printed = {series(line) for line in run(command, live_server.url).splitlines()}
    assert {series(line) for line in excerpt} <= printed


SCRIPTS = sorted((ROOT / "samples" / "curl").glob("*.sh"))


@pytest.mark.live
@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_sample_curl_script(live_server, script):
    import os

    output = run(f"sh {script}", live_server.url, env={**os.environ, "BASE_URL": live_server.url})
    answers = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert answers
    for answer in answers:
        assert "error" not in answer, answer


def test_every_setting_is_documented():
    for key in DEFAULTS:
        assert f"`CHUNKWISE_{key}`" in REFERENCE, key
    for key in ("BIND", "WORKERS", "THREADS", "TIMEOUT"):
        assert f"`CHUNKWISE_{key}`" in REFERENCE


LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_local_links_point_at_files(path):
    for target in LINK.findall(path.read_text()):
        if not target.startswith(("http://", "https://")):
            assert (path.parent / target).exists(), f"{path.name}: {target}"
