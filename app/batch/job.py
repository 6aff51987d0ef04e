"""A batch job on a Dask cluster: partitions out, parts written by the workers, a summary back.

The driver lists the documents, drops those already in the output, cuts the
rest into partitions of about equal size and hands them to the cluster a few
at a time. Each worker reads its partition's texts, chunks them with the
core and writes one part (:mod:`app.batch.output`); only small counts come
back. A document that cannot be read, or that the strategy fails on, is
reported and skipped; a partition that fails as a whole (the output cannot
be written, a worker keeps dying) stops the job, and a rerun resumes where
it stopped.
"""

from __future__ import annotations

import fnmatch
import itertools
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from distributed import Client, Future, LocalCluster, as_completed
from tqdm import tqdm

from app.batch.detect import AUTO, STRATEGY_FOR_KIND, auto_strategy
from app.batch.options import effective_params
from app.batch.output import chunk_lines, prepare, write_part
from app.batch.sources import DocRef, DocumentError, Problem, list_documents, read_document
from app.core.chunkers import CHUNKERS, Chunker
from app.core.context import NO_CONTEXT, chunk_in_context, structure_for
from app.core.documents.annotate import annotate
from app.core.serialize import chunking_result
from app.core.tokenizers import configure as use_tokenizers_dir
from app.core.warmup import warm_up

MB = 1_000_000
# Several partitions per worker keep every worker busy to the end, however
# the documents' sizes vary; more would only add scheduling overhead.
PARTS_PER_WORKER = 8
# Bounds a partition's size, so its part file, its texts in a worker's
# memory and the work lost to a crash all stay small.
PART_BYTES = 16 * MB
PART_DOCUMENTS = 10_000
# Partitions handed out ahead of the workers: enough that none waits.
IN_FLIGHT_PER_WORKER = 3


class BatchError(RuntimeError):
    """The job cannot go on; the message says why. Parts written so far are kept."""


@dataclass(frozen=True)
class Job:
    """What to chunk, how, and where to write it.

    Attributes:
        source: A folder or a JSONL file.
        output: The output folder.
        strategy: A registered strategy name.
        options: Its options, validated (see :mod:`app.batch.options`).
        part_bytes: Largest partition, in bytes of input.
        include: Glob patterns; when given, only documents whose id matches one are chunked.
        exclude: Glob patterns; documents whose id matches one are left out.
    """

    source: Path
    output: Path
    strategy: str
    options: dict[str, Any]
    part_bytes: int = PART_BYTES
    tokenizers_dir: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Task:
    """One partition, as a worker receives it."""

    number: int
    strategy: str
    options: dict[str, Any]
    output: str
    documents: tuple[DocRef, ...]
    tokenizers_dir: str | None = None


@dataclass(frozen=True, slots=True)
class PartResult:
    """What a worker reports for one partition: counts and problems, never texts."""

    documents: int
    chunks: int
    chars: int
    problems: tuple[Problem, ...]


@dataclass
class Summary:
    """What a job did.

    Attributes:
        documents: Documents chunked by this run.
        chunks: Chunks they gave.
        chars: Their characters (code points).
        already_done: Documents skipped because the output held them.
        excluded: Documents left out by the include and exclude patterns.
        problems: Documents skipped because they could not be read.
        seconds: Time of the chunking alone (cluster start, listing and resume scan excluded).
        wall_seconds: Time of the whole command, cluster start included; set by the caller.
        workers: Worker processes (or threads) of the cluster.
    """

    documents: int = 0
    chunks: int = 0
    chars: int = 0
    already_done: int = 0
    excluded: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    wall_seconds: float = 0.0
    workers: int = 0

    def line(self) -> str:
        """The one-line summary printed at the end (MB = 10**6 characters).

        The wall time is what a person waited; the chunking time and its rate
        say what the workers did once the cluster was up.
        """
        rate = self.chars / MB / self.seconds if self.seconds > 0 else 0.0
        return (
            f"documents {self.documents}, chunks {self.chunks}, {self.chars / MB:.2f} MB "
            f"in {self.wall_seconds:.2f} s wall time (chunking {self.seconds:.2f} s = {rate:.2f} MB/s "
            f"on {self.workers} workers); {self.already_done} already done, {self.excluded} excluded, "
            f"{len(self.problems)} skipped"
        )


def local_cluster(workers: int) -> LocalCluster:
    """A Dask cluster of ``workers`` processes on this machine, listening on loopback only.

    One thread per process: chunking is pure Python, and threads of one
    process would share one GIL. The dashboard takes a free port, since the
    usual fixed one (8787) clashes with any other cluster on the machine.
    """
    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    )


def chunk_part(task: Task) -> PartResult:
    """Read, chunk and write one partition; runs on a worker.

    Args:
        task: The partition.

    Returns:
        Its counts and the documents it skipped.
    """
    # Workers are other processes: they read Hugging Face tokenizers from the job's folder.
    use_tokenizers_dir(task.tokenizers_dir)
    chunkers: dict[str, Chunker] = {}
    lines: list[str] = []
    problems: list[Problem] = []
    documents = chars = chunks = 0
    for ref in task.documents:
        try:
            text, document = read_document(ref)
        except DocumentError as exc:
            problems.append(Problem(str(ref.id), str(exc)))
            continue
        name = task.strategy
        if name == AUTO:
            name = STRATEGY_FOR_KIND[document.format] if document is not None else auto_strategy(ref.id, text)
        try:
            chunker = chunkers.get(name) or chunkers.setdefault(name, CHUNKERS[name](**task.options))
            # Headings and table headers as POST /chunking gives them for the same document.
            structure = structure_for(name, text, NO_CONTEXT, document)
            in_context = chunk_in_context(chunker, text, NO_CONTEXT, structure)
            result = chunking_result(name, chunker, in_context.chunks)
            if document is not None:
                annotate(result, document)
        except Exception as exc:
            # One document that trips a strategy must not stop a corpus, nor
            # every rerun after it: it is reported, and left out.
            problems.append(Problem(str(ref.id), f"{name} failed: {type(exc).__name__}: {exc}"))
            continue
        lines.extend(chunk_lines(ref.id, result))
        documents, chars, chunks = documents + 1, chars + len(text), chunks + result["count"]
    if lines:
        write_part(Path(task.output), task.number, lines)
    return PartResult(documents, chunks, chars, tuple(problems))


def selected(doc_id: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Whether the patterns let a document in.

    Patterns are shell globs matched against the whole id (for a folder, the
    path relative to it): ``*`` also crosses ``/``, so ``*.md`` takes Markdown
    files at any depth and ``drafts/*`` everything under ``drafts``.

    Args:
        doc_id: The document's id.
        include: When not empty, the id must match one of these.
        exclude: The id must match none of these.
    """
    if include and not any(fnmatch.fnmatchcase(doc_id, p) for p in include):
        return False
    return not any(fnmatch.fnmatchcase(doc_id, p) for p in exclude)


def plan(refs: Sequence[DocRef], workers: int, most_bytes: int) -> list[tuple[DocRef, ...]]:
    """Cut documents, in order, into partitions of about equal size in bytes.

    Args:
        refs: The documents.
        workers: Worker count; there are about :data:`PARTS_PER_WORKER` partitions per worker.
        most_bytes: Largest partition (a single larger document is alone in its own).

    Returns:
        The partitions, each a run of consecutive documents.
    """
    total = sum(ref.size for ref in refs)
    target = max(1, min(most_bytes, total // (max(workers, 1) * PARTS_PER_WORKER) + 1))
    parts: list[tuple[DocRef, ...]] = []
    current: list[DocRef] = []
    size = 0
    for ref in refs:
        current.append(ref)
        size += ref.size
        if size >= target or len(current) >= PART_DOCUMENTS:
            parts.append(tuple(current))
            current, size = [], 0
    if current:
        parts.append(tuple(current))
    return parts


def run(
    job: Job, client: Client, progress: bool | None = None, report: Callable[[Problem], None] | None = None
) -> Summary:
    """Run a job on the cluster ``client`` is connected to.

    Args:
        job: The job.
        client: A connected Dask client.
        progress: Show a progress bar on stderr; None shows it when stderr is a terminal.
        report: Called with each skipped document as soon as it is known.

    Returns:
        The summary.

    Raises:
        BatchError: When a partition fails as a whole.
        app.batch.output.OutputError: When the output folder belongs to another job.
        app.batch.sources.DocumentError: When the source is missing.
    """
    note = report or (lambda problem: None)
    params = effective_params(job.strategy, job.options)
    listed, problems = list_documents(job.source)
    refs = [ref for ref in listed if selected(str(ref.id), job.include, job.exclude)]
    done, first_number = prepare(job.output, {"strategy": job.strategy, "params": params})
    summary = Summary(problems=list(problems), workers=sum(client.nthreads().values()))
    summary.excluded = len(listed) - len(refs)
    for problem in problems:
        note(problem)
    todo = [ref for ref in refs if ref.id not in done]
    summary.already_done = len(refs) - len(todo)
    parts = plan(todo, summary.workers, job.part_bytes)
    # Loaded before the clock starts, so MB/s measures chunking, not start-up.
    client.run(warm_up)
    tasks = (
        Task(first_number + i, job.strategy, job.options, str(job.output.resolve()), part, job.tokenizers_dir)
        for i, part in enumerate(parts)
    )
    started = time.perf_counter()
    bar = tqdm(
        total=len(todo), unit="doc", file=sys.stderr, disable=None if progress is None else not progress
    )
    with bar:
        for result in _results(client, tasks, summary.workers * IN_FLIGHT_PER_WORKER):
            summary.documents += result.documents
            summary.chunks += result.chunks
            summary.chars += result.chars
            summary.problems.extend(result.problems)
            for problem in result.problems:
                note(problem)
            bar.update(result.documents + len(result.problems))
    summary.seconds = time.perf_counter() - started
    return summary


def _results(client: Client, tasks: Iterator[Task], window: int) -> Iterator[PartResult]:
    # A bounded number of partitions in flight keeps the scheduler's memory
    # flat however large the corpus is.
    pending = as_completed()
    live: set[Future[PartResult]] = set()

    def submit(task: Task) -> None:
        future = client.submit(chunk_part, task, pure=False)
        live.add(future)
        pending.add(future)

    for task in itertools.islice(tasks, max(window, 1)):
        submit(task)
    for future in pending:
        live.discard(future)
        try:
            result: PartResult = future.result()
        except Exception as exc:
            client.cancel(list(live))
            raise BatchError(f"a partition failed, so the job stopped: {type(exc).__name__}: {exc}") from exc
        yield result
        following = next(tasks, None)
        if following is not None:
            submit(following)
