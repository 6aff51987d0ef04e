"""A local Dask cluster with two worker processes, and a small corpus of our own prose."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from distributed import Client

from app.batch.job import Task, chunk_part, local_cluster
from app.batch.sources import list_documents

SENTENCES = [
    "The river bends twice before it reaches the old mill.",
    "Nobody remembers who planted the row of walnut trees.",
    "A batch job should give the same answer as the service.",
    "Each document is read by the worker that chunks it.",
    "Short one.",
    "Ünïcödé letters and an emoji 🌍 must keep their offsets.",
    "日本語の文です。次の文もあります。",
    "Dr. Smith arrived at 3 p.m. and left before the rain.",
    "The ledger lists forty-two crates, three of them empty.",
]


def make_text(rng: random.Random, paragraphs: int) -> str:
    blocks = []
    for _ in range(paragraphs):
        blocks.append(" ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 8))))
    separator = rng.choice(["\n\n", "\r\n\r\n", "\n\n\n"])
    return separator.join(blocks)


def corpus(count: int = 40, seed: int = 9) -> dict[str, str]:
    """Documents of varied sizes, one large enough to be a partition of its own."""
    rng = random.Random(seed)
    docs = {f"doc-{i:03d}.txt": make_text(rng, rng.choice([1, 2, 5, 12])) for i in range(count)}
    docs["nested/deeper/large.md"] = make_text(rng, 60)
    docs["nested/tiny.txt"] = "One line."
    return docs


def write_folder(root: Path, docs: dict[str, str]) -> Path:
    for name, text in docs.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return root


def write_jsonl(path: Path, docs: dict[str, str]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for doc_id, text in docs.items():
            handle.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    return path


def read_output(folder: Path) -> dict[object, list[dict]]:
    """The output's lines grouped by document id, in their order within each document."""
    grouped: dict[object, list[dict]] = {}
    for part in sorted(folder.glob("part-*.jsonl")):
        for line in part.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            grouped.setdefault(record["id"], []).append(record)
    return grouped


@pytest.fixture(scope="session")
def dask_client():
    """Two worker processes, one thread each, on 127.0.0.1, shared by the batch tests."""
    with local_cluster(2) as cluster, Client(cluster) as client:
        yield client


def single_process(source: Path, output: Path, strategy: str, options: dict) -> dict:
    """The reference: every document in one partition, chunked in this process, no Dask."""
    refs, problems = list_documents(source)
    assert not problems
    output.mkdir()
    chunk_part(Task(0, strategy, options, str(output), tuple(refs)))
    return read_output(output)
