"""Semantic chunking at its defaults on long real documents: the largest group and heading-only groups.

Run from the repository root::

    python -m benchmarks.bench_semantic_defaults [--before PATH]

``--before`` names another checkout of chunkwise (for example the main
branch's worktree): the same measurements run there in a subprocess, and
both are printed side by side.

Documents: licence texts from ``/usr/share/common-licenses`` and Debian
documentation, all freely licensed and offline. Measured per document, at
the defaults of ``/semantic-chunking`` (``analyze`` with ``SemanticOptions()``,
and with ``similarity="embeddings"`` where the checkout has it) and of the
``semantic`` strategy with ``chunk_size`` 800:

* groups: how many;
* largest: the largest group in characters, and its share of the text;
* heading-only: groups whose text is one line of at most 80 characters and
  10 words that ends without a full stop, question or exclamation mark, or
  starts with a section number ("Preamble", "0. Definitions.", "11. Patents.").
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

DOCUMENTS = (
    "/usr/share/common-licenses/GPL-3",
    "/usr/share/common-licenses/GPL-2",
    "/usr/share/common-licenses/MPL-2.0",
    "/usr/share/common-licenses/Apache-2.0",
    "/usr/share/common-licenses/LGPL-2.1",
    "/usr/share/common-licenses/GFDL-1.3",
    "/usr/share/doc/dpkg/spec/triggers.txt",
)


_NUMBERED = re.compile(r"(?:\d+(?:\.\d+)*|[IVXLC]+|[A-Za-z])[.)]\s")


def heading_only(text: str) -> bool:
    """A group that is a heading alone: one short line, not ending as a sentence does, or numbered."""
    stripped = text.strip()
    if "\n" in stripped or len(stripped) > 80 or len(stripped.split()) > 10:
        return False
    return not stripped.endswith((".", "?", "!", '."', ".)")) or _NUMBERED.match(stripped) is not None


def measure() -> list[dict[str, object]]:
    """Rows for every document and configuration, with the code importable as ``app``."""
    from app.core.chunkers.semantic import SemanticChunker, SemanticOptions, analyze

    configs: dict[str, dict[str, object]] = {"/semantic-chunking tfidf": {}}
    if "similarity" in SemanticOptions.__dataclass_fields__:
        configs["/semantic-chunking embeddings"] = {"similarity": "embeddings"}
    rows: list[dict[str, object]] = []
    for path in DOCUMENTS:
        text = Path(path).read_text(encoding="utf-8")
        for name, options in configs.items():
            result = analyze(text, SemanticOptions(**options))  # type: ignore[arg-type]
            texts = [text[slice(*result.span(g))] for g in result.groups]
            rows.append(_row(path, name, text, texts))
        chunks = [c.text for c in SemanticChunker(chunk_size=800).chunk(text)]
        rows.append(_row(path, "semantic strategy, chunk_size 800", text, chunks))
    return rows


def _row(path: str, config: str, text: str, groups: list[str]) -> dict[str, object]:
    largest = max(map(len, groups))
    return {
        "document": Path(path).name,
        "chars": len(text),
        "config": config,
        "groups": len(groups),
        "largest": largest,
        "share": round(largest / len(text), 3),
        "heading_only": sum(heading_only(g) for g in groups),
    }


def _before(root: str) -> list[dict[str, object]]:
    # This file, loaded by path, measures the other checkout's ``app``.
    code = (
        "import importlib.util, json, sys; sys.path.insert(0, sys.argv[1]);"
        "spec = importlib.util.spec_from_file_location('defaults', sys.argv[2]);"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module);"
        "print(json.dumps(module.measure()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, root, __file__], capture_output=True, text=True, check=True, cwd=root
    )
    rows: list[dict[str, object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="another chunkwise checkout to measure beside this one")
    args = parser.parse_args()
    after = measure()
    before = {(r["document"], r["config"]): r for r in _before(args.before)} if args.before else {}
    print("| document | chars | configuration | groups | largest | heading-only |")
    print("|---|---|---|---|---|---|")
    for r in after:
        b = before.get((r["document"], r["config"]))
        cells = [
            str(r["document"]),
            str(r["chars"]),
            str(r["config"]),
            f"{_was(b, 'groups')}{r['groups']}",
            f"{_was(b, 'largest')}{r['largest']} ({r['share']:.0%})",
            f"{_was(b, 'heading_only')}{r['heading_only']}",
        ]
        print("| " + " | ".join(cells) + " |")


def _was(before: dict[str, object] | None, key: str) -> str:
    """``"<before> → "`` (with the share for the largest group), or ``"n/a → "``."""
    if before is None:
        return "n/a → "
    share = f" ({before['share']:.0%})" if key == "largest" else ""
    return f"{before[key]}{share} → "


if __name__ == "__main__":
    main()
