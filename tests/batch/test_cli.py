"""``python -m app.batch`` end to end: a local cluster by default, or a running scheduler."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from app.batch.__main__ import main
from tests.batch.conftest import corpus, read_output, write_folder
from tests.batch.test_job import single_process
from tests.conftest import ROOT

SUMMARY = re.compile(
    r"documents (\d+), chunks (\d+), [\d.]+ MB in [\d.]+ s wall time \(chunking [\d.]+ s = [\d.]+ MB/s "
    r"on (\d+) workers\); (\d+) already done, \d+ excluded, (\d+) skipped"
)


def command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.batch", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_command_on_its_own_local_cluster(tmp_path):
    source = write_folder(tmp_path / "docs", corpus())
    options = ["--strategy", "sentence", "--option", "chunk_size=120", "--options", '{"chunk_overlap": 30}']
    done = command(str(source), "-o", str(tmp_path / "out"), "--workers", "2", "--progress", *options)
    assert done.returncode == 0, done.stderr
    documents, chunks, workers, already, skipped = map(int, SUMMARY.fullmatch(done.stdout.strip()).groups())
    assert (documents, workers, already, skipped) == (len(corpus()), 2, 0, 0)
    assert "100%" in done.stderr  # the progress bar, on stderr
    reference = single_process(
        source, tmp_path / "reference", "sentence", {"chunk_size": 120, "chunk_overlap": 30}
    )
    assert read_output(tmp_path / "out") == reference
    assert chunks == sum(len(lines) for lines in reference.values())


def test_command_on_a_running_scheduler_reports_skipped_documents(tmp_path, dask_client):
    source = write_folder(tmp_path / "docs", {"a.txt": "Alpha text.", "b.txt": "Beta text."})
    (source / "bad.txt").write_bytes(b"\xff\xfe broken")
    address = dask_client.scheduler.address
    done = command(str(source), "--output", str(tmp_path / "out"), "--scheduler", address, "--no-progress")
    assert done.returncode == 1, done.stderr
    assert "skipped bad.txt: is not valid UTF-8 (byte 0)" in done.stderr
    assert SUMMARY.fullmatch(done.stdout.strip()).groups()[0] == "2"
    assert set(read_output(tmp_path / "out")) == {"a.txt", "b.txt"}
    again = command(str(source), "--output", str(tmp_path / "out"), "--scheduler", address, "--no-progress")
    assert SUMMARY.fullmatch(again.stdout.strip()).group(4) == "2"  # already done


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--strategy", "nope"], "unknown strategy 'nope'; valid strategies: "),
        (["--option", "chunk_size=ten"], "chunk_size must be an integer, got 'ten'"),
        (["--option", "chunk_size"], "--option takes key=value"),
        (["--option", "colour=red"], "unknown option 'colour' for strategy recursive"),
        (["--options", "[1]"], "--options must be a JSON object"),
        (["--options", '{"chunk_size": "5"}'], "chunk_size has the wrong type"),
        (["--option", "chunk_size=10", "--option", "chunk_overlap=10"], "chunk_overlap must be smaller"),
        (["--option", "chunk_size=0"], "chunk_size must be at least 1"),
        (["--workers", "0"], "--workers and --part-mb must be positive"),
    ],
    ids=["strategy", "type", "pair", "unknown", "json", "json-type", "conflict", "bound", "workers"],
)
def test_bad_arguments_stop_before_any_work(tmp_path, capsys, args, message):
    source = write_folder(tmp_path / "docs", {"a.txt": "Text."})
    with pytest.raises(SystemExit) as stopped:
        main([str(source), "-o", str(tmp_path / "out"), *args])
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_missing_source_and_output_inside_source(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main([str(tmp_path / "absent"), "-o", str(tmp_path / "out")])
    assert "does not exist" in capsys.readouterr().err
    source = write_folder(tmp_path / "docs", {"a.txt": "Text."})
    with pytest.raises(SystemExit):
        main([str(source), "-o", str(source / "out")])
    assert "must not be inside the source folder" in capsys.readouterr().err


def test_an_output_of_another_job_is_a_clear_error(tmp_path, dask_client, capsys):
    source = write_folder(tmp_path / "docs", {"a.txt": "Text."})
    address = dask_client.scheduler.address
    base = [str(source), "-o", str(tmp_path / "out"), "--scheduler", address, "--no-progress"]
    assert main([*base, "--option", "chunk_size=50"]) == 0
    assert main([*base, "--option", "chunk_size=60"]) == 2
    err = capsys.readouterr().err
    assert "error: " in err and "use another output folder" in err
