"""``python -m app.batch``: chunk a folder or a JSONL file of documents on a Dask cluster.

Exit status: 0 when every document was chunked, 1 when the job finished but
skipped documents it could not read (each is named on stderr), 2 when it
could not start or stopped (bad arguments, an output folder of another job,
a partition that failed as a whole). Rerun the same command to resume.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import psutil

from app.batch.job import BatchError, Job, Summary, local_cluster, run
from app.batch.options import UsageError, effective_params, parse_options
from app.batch.output import OutputError
from app.batch.sources import DocumentError, Problem
from app.core.tokenizers import configure as use_tokenizers_dir

_DEFAULT_STRATEGY = "recursive"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app.batch",
        description="Chunk every document of a folder (one per file) or a JSONL file "
        '({"id": ..., "text": ...} per line) into JSONL parts in an output folder, '
        "exactly as POST /chunking would chunk each one. Rerun to resume.",
    )
    parser.add_argument("source", type=Path, help="a folder, or a JSONL file")
    parser.add_argument("-o", "--output", type=Path, required=True, help="output folder (created if missing)")
    parser.add_argument(
        "-s",
        "--strategy",
        default=_DEFAULT_STRATEGY,
        help="strategy name, or auto: markdown for Markdown, html for HTML, recursive for plain text "
        "(default: recursive)",
    )
    parser.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="chunk only documents whose id (path in the folder) matches; repeatable, e.g. '*.md'",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave out documents whose id matches; repeatable",
    )
    parser.add_argument(
        "--option", action="append", default=[], metavar="KEY=VALUE", help="a strategy option; repeatable"
    )
    parser.add_argument(
        "--options", metavar="JSON", help="strategy options as a JSON object, e.g. '{\"pack\": false}'"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://10.0.0.5:8786"
    )
    where.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="local worker processes (default: CPU count)"
    )
    parser.add_argument(
        "--tokenizers-dir",
        default=os.environ.get("CHUNKWISE_TOKENIZERS_DIR") or None,
        metavar="DIR",
        help="folder of Hugging Face tokenizer.json files for unit=tokens "
        "(default: $CHUNKWISE_TOKENIZERS_DIR)",
    )
    parser.add_argument("--part-mb", type=float, default=16.0, help="largest partition, in MB of input")
    parser.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar on stderr"
    )
    return parser


def _report(problem: Problem) -> None:
    print(f"skipped {problem.where}: {problem.reason}", file=sys.stderr)


def _run(job: Job, scheduler: str | None, workers: int, progress: bool | None) -> Summary:
    from distributed import Client

    if scheduler:
        with Client(scheduler) as client:
            client.wait_for_workers(1, timeout=120)
            return run(job, client, progress, _report)
    with local_cluster(workers) as cluster, Client(cluster) as client:
        return run(job, client, progress, _report)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command.

    Args:
        argv: The arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit status.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.tokenizers_dir and not Path(args.tokenizers_dir).is_dir():
        parser.error(f"--tokenizers-dir {args.tokenizers_dir} is not a folder")
    use_tokenizers_dir(args.tokenizers_dir)
    try:
        options = parse_options(args.strategy, args.option, args.options)
        effective_params(args.strategy, options)
    except UsageError as exc:
        parser.error(str(exc))
    if args.workers < 1 or args.part_mb <= 0:
        parser.error("--workers and --part-mb must be positive")
    source, output = args.source.resolve(), args.output.resolve()
    if not source.exists():
        parser.error(f"{args.source} does not exist")
    if source.is_dir() and output.is_relative_to(source):
        parser.error("the output folder must not be inside the source folder")
    job = Job(
        source,
        output,
        args.strategy,
        options,
        part_bytes=int(args.part_mb * 1_000_000),
        tokenizers_dir=str(Path(args.tokenizers_dir).resolve()) if args.tokenizers_dir else None,
        include=tuple(args.include),
        exclude=tuple(args.exclude),
    )
    try:
        summary = _run(job, args.scheduler, args.workers, args.progress)
    except (BatchError, OutputError, DocumentError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    # From the process's start, so that importing Dask and starting the cluster count too.
    summary.wall_seconds = time.time() - psutil.Process().create_time()
    print(summary.line())
    return 1 if summary.problems else 0


if __name__ == "__main__":
    sys.exit(main())
