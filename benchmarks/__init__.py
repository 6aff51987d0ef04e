"""Rerunnable speed and quality measurements of chunkwise; see README.md."""
