"""Corpus batch: chunk a folder or a JSONL file of documents on a Dask cluster, writing JSONL.

``python -m app.batch SOURCE --output DIR [--strategy NAME] [--option KEY=VALUE]...``
(see :mod:`app.batch.__main__`). Each document is chunked by the core and
serialised by :mod:`app.core.serialize`, exactly as ``POST /chunking`` would do it
for the same text and options; nothing here imports Flask.

Modules: :mod:`~app.batch.sources` (listing and reading documents),
:mod:`~app.batch.options` (options from the command line),
:mod:`~app.batch.output` (atomic parts, resume) and :mod:`~app.batch.job`
(partitions on the cluster, the summary).
"""
