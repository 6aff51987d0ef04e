"""Heading paths, shared by the markdown and html strategies.

A heading path lists the headings that enclose a point of a document, from
the outermost: under ``# Install`` and then ``## Docker`` it is
``["Install", "Docker"]``. A chunk's path is the path of the innermost
section holding all of it, so a chunk packed from sibling sections carries
their common parent.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.types import MetaValue


class HeadingTrail:
    """The current heading path while a document is read from the top.

    A heading of level ``n`` replaces the heading of level ``n`` and forgets
    every deeper one; skipped levels are simply absent from the path.
    """

    __slots__ = ("_levels", "_path")

    def __init__(self) -> None:
        """Start outside every heading."""
        self._levels: list[int] = []
        self._path: tuple[str, ...] = ()

    def enter(self, level: int, title: str) -> tuple[str, ...]:
        """Record a heading and return the path it opens.

        Args:
            level: 1 for the outermost heading (``#``, ``h1``) to 6.
            title: The heading's text.

        Returns:
            The path of the section the heading starts, itself included.
        """
        levels = self._levels
        while levels and levels[-1] >= level:
            levels.pop()
        levels.append(level)
        self._path = (*self._path[: len(levels) - 1], title)
        return self._path

    def path(self) -> tuple[str, ...]:
        """The titles of the open headings, outermost first."""
        return self._path


def common_path(paths: Sequence[tuple[str, ...]]) -> list[MetaValue]:
    """The longest path shared by the start of every given path.

    Args:
        paths: Heading paths of consecutive sections; at least one.

    Returns:
        Their common prefix, as a list (the JSON shape of the metadata).
    """
    first = paths[0]
    length = len(first)
    for path in paths[1:]:
        if path is first:
            continue
        length = min(length, len(path))
        for i in range(length):
            if path[i] != first[i]:
                length = i
                break
    return list(first[:length])
