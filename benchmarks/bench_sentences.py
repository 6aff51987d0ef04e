"""Sentence splitting speed on text that does not repeat: cold and warm, in-process and over HTTP.

Run from the repository root::

    python -m benchmarks.bench_sentences [--mb 1] [--warm 3] [--no-http]

The text is ``corpus.distinct_prose``: the licence texts, then the NEWS,
README, FAQ and change-log files of the installed Debian packages, with no
paragraph repeated, so no cache or memo keyed by sentence or context can
profit. Slices of ``--mb`` megabytes (10^6 characters) are taken one after
another; no slice is split twice.

* **In-process**, one fresh Python process per splitter: *cold* is the first
  call (after imports, including any lazy loading), *warm* the best of
  ``--warm`` calls that follow, each on a new slice. Splitters: chunkwise's
  ``split_sentences`` and, where installed (``requirements-bench.txt``), NLTK's
  ``PunktSentenceTokenizer`` untrained (the trained model is not on this
  machine), pySBD, Blingfire and syntok.
* **HTTP**: a live gunicorn with the project's ``gunicorn.conf.py`` (two
  workers) on 127.0.0.1; ``POST /chunking`` with ``strategy=sentence`` and
  ``pack=false`` (one chunk per sentence). *Cold* is the first request after
  start, *warm* the best of the requests that follow on new slices; the
  time includes JSON in and out. The CPU columns are the workers' CPU time
  (from ``/proc``, in clock ticks of 10 ms).

MB/s is millions of characters per second, by the wall clock and by the
process's CPU time (steadier than the wall clock on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.corpus import distinct_prose
from benchmarks.httpload import start, stop

ROOT = Path(__file__).resolve().parent.parent

#: Builds each splitter inside the measuring process; the name is a key here.
SPLITTERS = {
    "chunkwise split_sentences": ("from app.core.chunkers.punkt import split_sentences as split",),
    "NLTK Punkt, untrained": (
        "from nltk.tokenize.punkt import PunktSentenceTokenizer",
        "split = PunktSentenceTokenizer().span_tokenize",
    ),
    "pySBD 0.3.4": (
        "import pysbd",
        "split = pysbd.Segmenter(language='en', clean=False).segment",
    ),
    "Blingfire 0.1.8": (
        "import blingfire",
        "split = blingfire.text_to_sentences",
    ),
    "syntok 1.4.4": (
        "from syntok import segmenter",
        "split = lambda text: [s for p in segmenter.process(text) for s in p]",
    ),
}

_MEASURE = """
import sys, time
from benchmarks.corpus import distinct_prose
size, warm = int(sys.argv[1]), int(sys.argv[2])
text = distinct_prose(size * (warm + 1))
slices = [text[i * size:(i + 1) * size] for i in range(warm + 1)]
{setup}
def timed(piece):
    wall, cpu = time.perf_counter(), time.process_time()
    list(split(piece))
    return time.perf_counter() - wall, time.process_time() - cpu
cold = timed(slices[0])
warm = [timed(piece) for piece in slices[1:]]
print(*cold, min(w for w, _ in warm), min(c for _, c in warm))
"""


def in_process(name: str, size: int, warm: int) -> tuple[float, ...] | None:
    """Cold wall and CPU seconds, then best warm wall and CPU seconds, in a fresh process.

    Returns None when the splitter's package is not installed.
    """
    code = _MEASURE.format(setup="\n".join(SPLITTERS[name]))
    done = subprocess.run(
        [sys.executable, "-c", code, str(size), str(warm)], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        if "ModuleNotFoundError" in done.stderr:
            return None
        raise RuntimeError(done.stderr)
    return tuple(map(float, done.stdout.split()))


def _post(url: str, text: str) -> float:
    body = json.dumps({"text": text, "strategy": "sentence", "pack": False}).encode()
    request = urllib.request.Request(
        url + "/chunking", data=body, headers={"Content-Type": "application/json"}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        json.loads(response.read())
    return time.perf_counter() - started


def over_http(size: int, warm: int) -> tuple[float, float, float, float]:
    """Seconds of ``POST /chunking`` per slice: cold wall, cold worker CPU, best warm wall and CPU.

    Worker CPU comes from ``/proc`` (both workers, user + system), so it holds
    however long a request waits for a core on a shared machine.
    """
    text = distinct_prose(size * (warm + 1))
    slices = [text[i * size : (i + 1) * size] for i in range(warm + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        server = start(Path(tmp))
        try:
            runs = []
            for piece in slices:
                cpu = server.cpu_seconds()
                wall = _post(server.url, piece)
                runs.append((wall, server.cpu_seconds() - cpu))
        finally:
            stop(server)
    (cold_wall, cold_cpu), rest = runs[0], runs[1:]
    return cold_wall, cold_cpu, min(w for w, _ in rest), min(c for _, c in rest)


def main() -> None:
    """Print a Markdown table of cold and warm MB/s."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=1.0, help="slice size in millions of characters")
    parser.add_argument("--warm", type=int, default=3, help="warm calls, each on a new slice")
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn measurement")
    parser.add_argument("--only", help="measure only the splitters whose name contains this")
    args = parser.parse_args()
    size = int(args.mb * 1_000_000)
    mb = size / 1e6
    print(f"Sentence splitting on {mb:g} MB slices of corpus.distinct_prose (no paragraph repeats).\n")
    print(f"| splitter | cold MB/s | cold MB/s, CPU | warm MB/s (best of {args.warm}) | warm MB/s, CPU |")
    print("|---|---|---|---|---|")
    for name in SPLITTERS:
        if args.only and args.only not in name:
            continue
        result = in_process(name, size, args.warm)
        if result is None:
            print(f"| {name} | not installed | | | |")
            continue
        print(f"| {name} | " + " | ".join(f"{mb / seconds:.2f}" for seconds in result) + " |", flush=True)
    if not args.no_http:
        name = "chunkwise over HTTP (`POST /chunking`, sentence, pack=false)"
        seconds = over_http(size, args.warm)
        print(f"| {name} | " + " | ".join(f"{mb / max(s, 0.01):.2f}" for s in seconds) + " |")


if __name__ == "__main__":
    main()
