"""``--strategy auto``, include and exclude patterns, stable chunk ids."""

from __future__ import annotations

import hashlib

import pytest

from app.batch.detect import STRATEGY_FOR_KIND, auto_strategy, detect_kind
from app.batch.job import Job, run, selected
from app.batch.options import UsageError, effective_params, parse_options
from app.batch.output import chunk_id
from tests.batch.conftest import read_output, write_folder, write_jsonl
from tests.batch.test_job import api_lines
from tests.conftest import ROOT

SAMPLES = ROOT / "samples"


@pytest.mark.parametrize(
    ("doc_id", "text", "kind"),
    [
        ("guide.md", "no marks at all", "markdown"),
        ("notes/page.HTM", "plain words", "html"),
        ("a.txt", "# Title\n\n## Two\n", "text"),
        (7, "<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        ("export", "<!-- saved --> <html><p>Hi</p>", "html"),
        ("fragment", "<p>One</p><p>Two</p><div>Three</div>", "html"),
        ("readme", "# Install\n\nRun it.\n\n## Use\n\nCall it.", "markdown"),
        ("snippet", "Text.\n\n```python\nprint(1)\n```\n", "markdown"),
        ("script.sh", "#!/bin/sh\n# fetch the page\ncurl -s http://x", "text"),
        ("essay", "A plain essay that mentions <p> once.", "text"),
    ],
    ids=[
        "md-suffix",
        "htm-suffix",
        "txt-suffix-wins",
        "doctype",
        "comment",
        "blocks",
        "headings",
        "fence",
        "shell-comment",
        "plain",
    ],
)
def test_kind_from_suffix_then_content(doc_id, text, kind):
    assert detect_kind(doc_id, text) == kind
    assert auto_strategy(doc_id, text) == STRATEGY_FOR_KIND[kind]


def test_detection_reads_only_the_start():
    assert detect_kind("big", "word " * 100_000 + "# A\n# B\n") == "text"


def test_auto_chunks_each_sample_like_the_api_with_its_strategy(tmp_path, dask_client, client):
    names = ["guide.md", "article.html", "article.txt", "book.txt"]
    docs = {name: (SAMPLES / name).read_text(encoding="utf-8") for name in names}
    source = write_folder(tmp_path / "docs", docs)
    options = parse_options("auto", ["chunk_size=400"], None)
    summary = run(Job(source, tmp_path / "out", "auto", options), dask_client, progress=False)
    assert summary.documents == 4 and not summary.problems
    got = read_output(tmp_path / "out")
    strategies = {
        "guide.md": "markdown",
        "article.html": "html",
        "article.txt": "recursive",
        "book.txt": "recursive",
    }
    for name, text in docs.items():
        assert {line["strategy"] for line in got[name]} == {strategies[name]}
        assert got[name] == api_lines(client, name, text, strategies[name], {"chunk_size": 400}), name


def test_auto_takes_only_options_every_picked_strategy_takes():
    assert set(effective_params("auto", {"chunk_size": 300})) == {"html", "markdown", "recursive"}
    with pytest.raises(UsageError, match=r"'pack' cannot be used with --strategy auto \(only html, markdown"):
        parse_options("auto", ["pack=false"], None)
    with pytest.raises(UsageError, match="no strategy auto picks takes it"):
        parse_options("auto", [], '{"time_gap": 5}')
    with pytest.raises(UsageError, match="chunk_overlap must be smaller"):
        effective_params("auto", parse_options("auto", ["chunk_size=10", "chunk_overlap=10"], None))


@pytest.mark.parametrize(
    ("doc_id", "include", "exclude", "kept"),
    [
        ("notes/a.md", (), (), True),
        ("notes/a.md", ("*.md",), (), True),
        ("notes/a.md", ("*.txt",), (), False),
        ("notes/a.md", ("*.txt", "notes/*"), (), True),
        ("notes/a.md", ("*.md",), ("notes/*",), False),
        ("a.MD", ("*.md",), (), False),
    ],
    ids=["none", "include-deep", "include-other", "any-include", "exclude-wins", "case-sensitive"],
)
def test_patterns_match_the_whole_id(doc_id, include, exclude, kept):
    assert selected(doc_id, include, exclude) is kept


def test_include_and_exclude_choose_the_documents(tmp_path, dask_client):
    docs = {"a.md": "# A\n\nText.", "b.txt": "Bee text.", "drafts/c.md": "# C\n\nDraft.", "x.json": "{}"}
    source = write_folder(tmp_path / "docs", docs)
    job = Job(source, tmp_path / "out", "recursive", {}, include=("*.md", "*.txt"), exclude=("drafts/*",))
    summary = run(job, dask_client, progress=False)
    assert set(read_output(tmp_path / "out")) == {"a.md", "b.txt"}
    assert (summary.documents, summary.excluded) == (2, 2)
    assert "2 excluded" in summary.line()


def test_chunk_ids_are_stable_and_follow_the_text(tmp_path, dask_client):
    docs = {"d1": "First sentence here. Second one.", "d2": "Other words entirely."}
    source = write_jsonl(tmp_path / "docs.jsonl", docs)
    run(Job(source, tmp_path / "one", "sentence", {"chunk_size": 20}), dask_client, progress=False)
    run(Job(source, tmp_path / "two", "sentence", {"chunk_size": 20}), dask_client, progress=False)
    one, two = read_output(tmp_path / "one"), read_output(tmp_path / "two")
    assert one == two
    digest = hashlib.sha256(b"First sentence here.").hexdigest()[:16]
    assert [(r["index"], r["chunk_id"]) for r in one["d1"]][0] == (0, f"d1#0:{digest}")
    ids = [r["chunk_id"] for lines in one.values() for r in lines]
    assert len(ids) == len(set(ids))
    assert chunk_id("d1", 0, "First sentence here!") != one["d1"][0]["chunk_id"]
