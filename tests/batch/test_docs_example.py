"""The batch example in docs/batch.md, run as printed: the same documents, chunks and counts."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import ROOT

DOC = (ROOT / "docs" / "batch.md").read_text()
EXAMPLE = re.search(r"```sh\n(\.venv/bin/python -m app\.batch [^\n]+)\n```\n\n```\n([^\n]+)\n```", DOC)
PRINTED_OUTPUT = "/tmp/chunks"
# Times differ from run to run; every count must be as printed.
TIMES = re.compile(r"in [\d.]+ s wall time \(chunking [\d.]+ s = [\d.]+ MB/s")


def test_the_batch_example_runs_as_printed(tmp_path):
    assert EXAMPLE, "docs/batch.md lost its example"
    command, printed = EXAMPLE.groups()
    assert f"--output {PRINTED_OUTPUT} " in command
    # Only the output folder changes, so that the run starts from an empty one.
    done = subprocess.run(
        ["bash", "-c", command.replace(PRINTED_OUTPUT, str(tmp_path / "chunks"))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    pattern = re.escape(TIMES.sub("TIMES", printed)).replace("TIMES", TIMES.pattern)
    assert re.fullmatch(pattern, done.stdout.strip()), (printed, done.stdout)
    assert len(list((tmp_path / "chunks").glob("part-*.jsonl"))) >= 1
