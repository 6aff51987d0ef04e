"""The batch job on two Dask worker processes: same chunks as one process and as the HTTP API."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.batch.job import Job, Task, chunk_part, plan, run
from app.batch.output import OutputError, chunk_id
from app.batch.sources import DocRef, Problem, list_documents
from app.core.chunkers import CHUNKERS
from app.web.schemas import STRATEGY_MODELS
from tests.batch.conftest import corpus, read_output, write_folder, write_jsonl

OPTIONS = {"chunk_size": 120, "chunk_overlap": 30}


def single_process(source: Path, output: Path, strategy: str, options: dict) -> dict:
    """The reference: every document in one partition, chunked in this process, no Dask."""
    refs, problems = list_documents(source)
    assert not problems
    output.mkdir()
    chunk_part(Task(0, strategy, options, str(output), tuple(refs)))
    return read_output(output)


def test_two_workers_give_the_single_process_result(tmp_path, dask_client):
    source = write_folder(tmp_path / "docs", corpus())
    summary = run(Job(source, tmp_path / "out", "sentence", OPTIONS), dask_client, progress=False)
    assert summary.workers == 2
    assert summary.documents == len(corpus()) and not summary.problems
    parts = sorted((tmp_path / "out").glob("part-*.jsonl"))
    assert len(parts) >= 8  # several partitions per worker
    got = read_output(tmp_path / "out")
    assert got == single_process(source, tmp_path / "reference", "sentence", OPTIONS)
    assert summary.chunks == sum(len(lines) for lines in got.values())
    assert set(got) == set(corpus())


def api_lines(client, doc_id, text, strategy, options):
    response = client.post("/chunking", json={"text": text, "strategy": strategy, **options})
    assert response.status_code == 200
    body = response.get_json()
    return [
        {
            "id": doc_id,
            "chunk_id": chunk_id(doc_id, index, chunk),
            "index": index,
            "strategy": body["strategy"],
            "chunk": chunk,
            "start": meta["start"],
            "end": meta["end"],
            "metadata": {k: v for k, v in meta.items() if k not in ("start", "end")},
        }
        for index, (chunk, meta) in enumerate(zip(body["chunks"], body["metadata"], strict=True))
    ]


def strategy_options(name):
    fields = STRATEGY_MODELS[name].model_fields
    return {k: v for k, v in OPTIONS.items() if k in fields}


@pytest.mark.parametrize("name", sorted(CHUNKERS))
def test_output_equals_the_http_api(tmp_path, dask_client, client, name):
    docs = corpus(count=12, seed=len(name))
    docs["blank"] = "  \n\n "
    source = write_jsonl(tmp_path / "docs.jsonl", docs)
    options = strategy_options(name)
    summary = run(Job(source, tmp_path / "out", name, options), dask_client, progress=False)
    assert summary.documents == len(docs) and not summary.problems
    got = read_output(tmp_path / "out")
    for doc_id, text in docs.items():
        assert got.get(doc_id, []) == api_lines(client, doc_id, text, name, options), doc_id


def test_a_rerun_skips_what_is_written(tmp_path, dask_client):
    source = write_folder(tmp_path / "docs", corpus())
    job = Job(source, tmp_path / "out", "recursive", {"chunk_size": 200})
    first = run(job, dask_client, progress=False)
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    again = run(job, dask_client, progress=False)
    assert (again.documents, again.already_done) == (0, first.documents)
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before


def test_resume_after_a_crash_redoes_only_the_missing_documents(tmp_path, dask_client):
    source = write_folder(tmp_path / "docs", corpus())
    job = Job(source, tmp_path / "out", "paragraph", {"chunk_size": 300})
    run(job, dask_client, progress=False)
    complete = read_output(tmp_path / "out")
    # A crash: one partition never renamed into place, its temporary file left behind.
    lost = sorted((tmp_path / "out").glob("part-*.jsonl"))[3]
    lost_ids = set(read_output_file(lost))
    lost.rename(tmp_path / "out" / f".{lost.name}.{'0' * 32}.tmp")
    resumed = run(job, dask_client, progress=False)
    assert resumed.documents == len(lost_ids)
    assert resumed.already_done == len(corpus()) - len(lost_ids)
    assert read_output(tmp_path / "out") == complete
    assert not list((tmp_path / "out").glob(".*"))


def read_output_file(path):
    import json

    return {json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()}


def test_a_folder_made_with_other_options_is_refused(tmp_path, dask_client):
    source = write_folder(tmp_path / "docs", {"a.txt": "Some text."})
    run(Job(source, tmp_path / "out", "fixed", {"chunk_size": 5}), dask_client, progress=False)
    with pytest.raises(OutputError, match="chunk_size"):
        run(Job(source, tmp_path / "out", "fixed", {"chunk_size": 6}), dask_client, progress=False)


def test_bad_documents_are_reported_and_skipped(tmp_path, dask_client):
    source = write_folder(tmp_path / "docs", {"good.txt": "Fine text. Two sentences."})
    (source / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (source / ".hidden").write_text("not a document")
    seen = []
    summary = run(
        Job(source, tmp_path / "out", "sentence", {}), dask_client, progress=False, report=seen.append
    )
    assert summary.documents == 1
    assert [(p.where, p.reason) for p in summary.problems] == [("latin1.txt", "is not valid UTF-8 (byte 3)")]
    assert seen == summary.problems
    assert set(read_output(tmp_path / "out")) == {"good.txt"}
    # Not marked done: once fixed, a rerun chunks it.
    (source / "latin1.txt").write_text("café au lait", encoding="utf-8")
    again = run(Job(source, tmp_path / "out", "sentence", {}), dask_client, progress=False)
    assert (again.documents, again.already_done, again.problems) == (1, 1, [])


def test_bad_jsonl_lines_are_reported_and_skipped(tmp_path, dask_client):
    source = tmp_path / "docs.jsonl"
    source.write_bytes(
        b'{"id": "a", "text": "Kept."}\n'
        b"\n"
        b"not json\n"
        b'{"id": "a", "text": "A second a."}\n'
        b'{"id": 5, "text": "Integer ids are kept as they are."}\n'
        b'{"id": "s", "text": "lone \\ud800 surrogate"}\n'
        b'{"id": "t", "text": 7}\n'
        b'{"id": "u", "text": "caf\xe9"}\n'
    )
    summary = run(Job(source, tmp_path / "out", "recursive", {}), dask_client, progress=False)
    assert summary.documents == 2
    where = sorted(p.where for p in summary.problems)
    assert where == ["line 3", "line 4", "line 7", "line 8", "s"]
    assert set(read_output(tmp_path / "out")) == {"a", 5}


def test_an_unreadable_document_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / "out").mkdir()
    missing = DocRef("gone.txt", str(tmp_path / "gone.txt"), -1, 10)
    result = chunk_part(Task(0, "recursive", {}, str(tmp_path / "out"), (missing,)))
    assert result.documents == 0
    assert result.problems[0].where == "gone.txt"
    assert result.problems[0].reason.startswith("cannot be read")
    assert not list((tmp_path / "out").iterdir())


def test_a_document_the_strategy_fails_on_is_skipped_not_fatal(tmp_path, monkeypatch):
    from app.core.chunkers.recursive import RecursiveChunker

    original = RecursiveChunker.chunk

    def fragile(self, text):
        if "boom" in text:
            raise RuntimeError("cannot cope")
        return original(self, text)

    monkeypatch.setattr(RecursiveChunker, "chunk", fragile)
    source = write_folder(tmp_path / "docs", {"a.txt": "Calm text.", "b.txt": "A boom here."})
    refs, _ = list_documents(source)
    (tmp_path / "out").mkdir()
    result = chunk_part(Task(0, "recursive", {}, str(tmp_path / "out"), tuple(refs)))
    assert result.documents == 1
    assert result.problems == (Problem("b.txt", "recursive failed: RuntimeError: cannot cope"),)
    assert set(read_output(tmp_path / "out")) == {"a.txt"}


def test_partitions_are_balanced_and_in_order():
    refs = [DocRef(str(i), "x", -1, 1000 + (i % 7) * 500) for i in range(200)]
    parts = plan(refs, workers=2, most_bytes=10**9)
    assert [r for part in parts for r in part] == refs
    assert 14 <= len(parts) <= 18
    sizes = [sum(r.size for r in part) for part in parts]
    assert max(sizes[:-1]) <= 2 * min(sizes[:-1])
    assert len(plan(refs, workers=2, most_bytes=3000)) >= 100
