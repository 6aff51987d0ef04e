"""CPython's garbage collector, set for a worker process that serves requests.

Two settings, applied once per gunicorn worker by ``wsgi.py`` after the app
is built (``benchmarks/bench_scaling.py`` measures with the same), and once
per document extraction process after its readers are loaded
(``app/core/documents/worker.py``: a DOCX's XML tree is a hundred thousand
objects that all live to the end of the request):

* Everything loaded by then (the app, its modules, the sentence model) lives
  as long as the process, so it is frozen out of the collector's reach
  (``gc.freeze``): a full collection then walks only what requests made.
* A young collection runs after 50,000 container allocations rather than 700.
  Chunking a large text allocates millions of small objects that all live to
  the end of the request; each collection finds nothing to free in them but
  promotes them, and full collections follow. On 2 MB of ``<p>a`` repeated the
  ``html`` strategy spends half its time there with the default.

Reference counting still frees everything that is not in a cycle at once, so
memory is held longer only by cyclic garbage, at most one young generation's
worth (figures in ``benchmarks/RESULTS.md``, "Reliability").
"""

from __future__ import annotations

import gc

#: Container allocations between two young collections (CPython's default: 700).
YOUNG_THRESHOLD = 50_000
#: Young collections between two middle ones, and middle ones between two full ones.
OLDER_THRESHOLDS = (20, 10)


def tune_for_requests() -> None:
    """Freeze what is alive now and space out collections; call once, when the app is loaded."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
