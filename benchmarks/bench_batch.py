"""Corpus batch throughput: ``app.batch`` on 1, 2 and 4 Dask worker processes, side by side.

Run from the repository root::

    python -m benchmarks.bench_batch [--documents 3000] [--workers 1,2,4] [--strategies recursive,sentence]
                                     [--repeat 3] [--quick]

The corpus is real English prose (``benchmarks.corpus.prose``) cut at word
boundaries into ``--documents`` documents whose sizes are spread evenly on a
log scale from 300 characters to 50,000 (seeded, so every run cuts the same
corpus), written as one file each to a temporary folder, as the command reads
a folder. Nothing is kept after the run.

Each worker count gets a fresh ``LocalCluster`` (one thread per process) and
a fresh output folder; the job (``app.batch.job.run``) reads every file,
chunks it, serialises it as the HTTP API does and writes the JSONL parts.
Timed: the chunking phase as the command's summary reports it (workers
already started and warmed up, files listed); best of ``--repeat``, the
configurations taking turns. Also reported: the CPU time the worker processes
spent in that run (``time.process_time`` in each, Dask's own threads
included) and so how many cores they kept busy: on a machine shared with
other work, a speed-up short of the worker count with fewer cores busy than
workers means the cores were taken, not that the job did not parallelise. Also
timed, for the cost of Dask itself: the same work in this process with no
cluster (``chunk_part`` over all documents). Every run's output is checked to
be identical to the in-process one.

MB = 10**6 characters. The output is Markdown, ready for ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import platform
import random
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import prose

SMALLEST, LARGEST = 300, 50_000
MB = 1_000_000


def cut_documents(count: int, seed: int = 2026) -> list[str]:
    """``count`` documents of log-uniformly spread sizes, cut from one long prose text."""
    rng = random.Random(seed)
    sizes = [int(math.exp(rng.uniform(math.log(SMALLEST), math.log(LARGEST)))) for _ in range(count)]
    text = prose(sum(sizes) + LARGEST)
    documents, at = [], 0
    for size in sizes:
        end = text.rfind(" ", at, at + size)
        end = at + size if end <= at else end
        documents.append(text[at:end].strip())
        at = end
    return documents


def write_corpus(folder: Path, documents: list[str]) -> None:
    for i, text in enumerate(documents):
        (folder / f"doc-{i:05d}.txt").write_text(text, encoding="utf-8")


def digest(output: Path) -> str:
    """A hash of the output's lines, independent of how they were cut into parts."""
    lines = sorted(line for part in output.glob("part-*.jsonl") for line in part.read_text().splitlines())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def in_process(source: Path, output: Path, strategy: str) -> tuple[float, float, int]:
    from app.batch.job import Task, chunk_part
    from app.batch.sources import list_documents
    from app.core.warmup import warm_up

    warm_up()
    refs, _ = list_documents(source)
    output.mkdir()
    started, cpu = time.perf_counter(), time.process_time()
    result = chunk_part(Task(0, strategy, {}, str(output), tuple(refs)))
    return time.perf_counter() - started, time.process_time() - cpu, result.chunks


def on_cluster(source: Path, output: Path, strategy: str, workers: int) -> tuple[float, float, int]:
    from distributed import Client

    from app.batch.job import Job, local_cluster, run
    from app.core.warmup import warm_up

    with local_cluster(workers) as cluster, Client(cluster) as client:
        client.run(warm_up)  # as run() does, but before the CPU clock starts too
        # CPU time of the worker processes (all their threads, Dask's included).
        before = client.run(time.process_time)
        summary = run(Job(source, output, strategy, {}), client, progress=False)
        after = client.run(time.process_time)
    assert not summary.problems and summary.workers == workers
    return summary.seconds, sum(after.values()) - sum(before.values()), summary.chunks


def measure(source: Path, scratch: Path, strategy: str, workers: list[int], repeat: int) -> list[tuple]:
    """Best wall time of each configuration, with that run's CPU time.

    The configurations take turns, so a burst of load from elsewhere on the
    machine hits them alike rather than one of them.
    """
    chars = sum(len(p.read_text(encoding="utf-8")) for p in source.iterdir())
    names = ["in this process, no Dask"] + [f"{n} worker process{'es' if n > 1 else ''}" for n in workers]
    best = dict.fromkeys(names, (math.inf, 0.0))
    chunks, reference = 0, ""
    for attempt in range(repeat):
        output = scratch / f"{strategy}-local-{attempt}"
        seconds, cpu, chunks = in_process(source, output, strategy)
        best[names[0]], reference = min(best[names[0]], (seconds, cpu)), digest(output)
        for name, count in zip(names[1:], workers, strict=True):
            output = scratch / f"{strategy}-{count}-{attempt}"
            seconds, cpu, _ = on_cluster(source, output, strategy, count)
            assert digest(output) == reference, f"{count} workers gave other chunks"
            best[name] = min(best[name], (seconds, cpu))
    return [(name, *best[name], chars, chunks) for name in names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=3000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--strategies", default="recursive,sentence")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="200 documents, one run each")
    args = parser.parse_args()
    documents = 200 if args.quick else args.documents
    repeat = 1 if args.quick else args.repeat
    workers = [int(w) for w in args.workers.split(",")]
    texts = cut_documents(documents)
    sizes = sorted(len(t) for t in texts)
    print(f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}")
    print(
        f"Corpus: {len(texts)} documents, {sum(sizes) / MB:.2f} MB, sizes {sizes[0]}..{sizes[-1]} characters "
        f"(median {sizes[len(sizes) // 2]}); best of {repeat}\n"
    )
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        source = Path(tmp, "corpus")
        source.mkdir()
        write_corpus(source, texts)
        for strategy in args.strategies.split(","):
            load = os.getloadavg()[0]
            rows = measure(source, Path(tmp), strategy, workers, repeat)
            one = next((r[1] for r in rows if r[0].startswith("1 worker")), rows[0][1])
            print(f"### {strategy}\n")
            print(f"Load average (1 min) before: {load:.1f}, after: {os.getloadavg()[0]:.1f}\n")
            print(
                "| run | seconds | MB/s | documents/s | CPU seconds | cores busy | speed-up over 1 worker |"
            )
            print("|---|---|---|---|---|---|---|")
            for name, seconds, cpu, chars, _chunks in rows:
                rate, per_doc, speed_up = chars / MB / seconds, len(texts) / seconds, one / seconds
                figures = f"{seconds:.2f} | {rate:.2f} | {per_doc:.0f} | {cpu:.2f} | {cpu / seconds:.2f}"
                print(f"| {name} | {figures} | {speed_up:.2f}× |")
            print(f"\n{rows[0][4]} chunks, identical in every run.\n")


if __name__ == "__main__":
    main()
