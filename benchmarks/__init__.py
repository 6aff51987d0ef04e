"""Rerunnable speed and quality measurements of chunkwise; see benchmarks/RESULTS.md and docs/reference.md."""
