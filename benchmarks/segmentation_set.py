"""The topic-segmentation evaluation set: real texts stitched at known seams, split once into dev and test.

Build it (once; the result is committed) from the repository root::

    python -m benchmarks.segmentation_set --build

Sources are freely licensed texts available offline, in five genres (see
``benchmarks/data/segmentation/SOURCES.md`` for each file and its licence):

* ``legal``: the licence texts Debian ships in ``/usr/share/common-licenses``;
* ``release-notes``: Git's release notes (``/usr/share/doc/git/RelNotes``);
* ``technical``: Debian's package documentation (dpkg specifications, Git's
  contrib READMEs, README.Debian files);
* ``package-docs``: the long descriptions of Python packages installed from
  the registry (their ``METADATA`` files);
* ``essay``: the project's own short essays on unrelated subjects
  (``benchmarks/data/segmentation/*.txt``).

Each source is reduced to its prose: code blocks, tables, headings and
markup are dropped, paragraphs joined into one line each, and the prose cut
into sentences by a plain rule (a ``.``, ``?`` or ``!`` followed by space and a
capital), independent of chunkwise's own splitter.

**Split before any tuning.** Within each genre the sources are shuffled once
(seed 19) and dealt alternately to ``dev`` and ``test``, so the two halves
share no source text. Each half then gets 60 documents of 4 to 6 passages of
4 to 10 consecutive sentences, consecutive passages from different sources;
half the documents take all their passages from one genre (the hard case:
two licences, two release notes), half mix genres. A passage's sentences are
grouped in paragraphs of 2 to 4 sentences; a passage always starts a
paragraph, but most paragraph breaks are not boundaries.

Two layouts of the same documents are scored: ``paragraphs`` (blank lines
between paragraphs) and ``spaces`` (every sentence joined by one space, so
no blank line gives a boundary away).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "segmentation"
SET_FILE = DATA / "stitched.json"
SITE = Path(__file__).resolve().parent.parent / ".venv" / "lib" / "python3.11" / "site-packages"
SEED = 19
DOCS_PER_HALF = 60
PASSAGES = (4, 6)
PASSAGE_SENTENCES = (4, 10)
PARAGRAPH_SENTENCES = (2, 4)
MIN_SENTENCES = 14

LICENCES = (
    "GPL-2",
    "GPL-3",
    "LGPL-2.1",
    "LGPL-3",
    "Apache-2.0",
    "MPL-1.1",
    "MPL-2.0",
    "Artistic",
    "GFDL-1.3",
)
RELNOTES = ("1.5.1", "1.6.0", "1.7.0", "1.8.5", "2.0.0", "2.5.0", "2.10.0", "2.20.0", "2.28.0", "2.36.0")
TECHNICAL = (
    "/usr/share/doc/dpkg/spec/triggers.txt",
    "/usr/share/doc/dpkg/spec/rootless-builds.txt",
    "/usr/share/doc/dpkg/spec/protected-field.txt",
    "/usr/share/doc/dpkg/spec/frontend-api.txt",
    "/usr/share/doc/git/contrib/subtree/git-subtree.txt",
    "/usr/share/doc/git/contrib/diff-highlight/README",
    "/usr/share/doc/git/contrib/coccinelle/README",
    "/usr/share/doc/git/README.md",
    "/usr/share/doc/gcc-12-base/README.Bugs",
)
PACKAGES = (
    "tqdm",
    "regex",
    "charset_normalizer",
    "defusedxml",
    "python_dotenv",
    "threadpoolctl",
    "tblib",
    "psutil",
    "redis",
    "narwhals",
    "pyrate_limiter",
    "httpcore2",
)

_SENTENCE = re.compile(r"(?<=[.?!])\s+(?=[A-Z\"'(])")
_CODE_FENCE = re.compile(r"^\s*(```|~~~)")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"`+|\*\*|__|<[^>]+>|:[a-z]+:")


@dataclass(frozen=True)
class Source:
    """A source text's name, genre, where it came from and its licence."""

    name: str
    genre: str
    origin: str
    licence: str


def _read(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def _is_prose(lines: list[str]) -> bool:
    text = " ".join(lines)
    letters = sum(c.isalpha() for c in text)
    if letters < 60 or letters < 0.6 * len(text):
        return False
    if any(line.startswith(("    ", "\t", "|", "#", ">", "..", "$ ", "%")) for line in lines):
        return False
    return bool(re.search(r"[.?!]$", text.strip()))


def prose(text: str) -> list[str]:
    """The text's prose paragraphs, each as one line of plain text."""
    out, block, fenced = [], [], False
    for line in [*text.splitlines(), ""]:
        if _CODE_FENCE.match(line):
            fenced = not fenced
            block = []
            continue
        if fenced:
            continue
        if line.strip():
            block.append(line.rstrip())
            continue
        if block and _is_prose(block):
            joined = " ".join(part.strip().lstrip("*-+ ").strip() for part in block)
            out.append(_MARKUP.sub("", _LINK.sub(r"\1", joined)))
        block = []
    return out


def sentences(paragraphs: list[str]) -> list[str]:
    """The prose cut into sentences; a piece under 25 characters joins the next."""
    out: list[str] = []
    for paragraph in paragraphs:
        carry = ""
        for piece in _SENTENCE.split(paragraph):
            piece = (carry + " " + piece).strip() if carry else piece.strip()
            if len(piece) < 25:
                carry = piece
                continue
            out.append(piece)
            carry = ""
        if carry:
            out.append(carry)
    return out


def _package_licence(metadata: str) -> str:
    for key in ("License-Expression: ", "License: "):
        for line in metadata.splitlines():
            if line.startswith(key) and len(line) < 80:
                return line[len(key) :]
    found = re.search(r"Classifier: License :: (.+)", metadata)
    return found.group(1) if found else "see the package"


def _description(metadata: str) -> str:
    head, _, body = metadata.partition("\n\n")
    return body


def collect() -> list[tuple[Source, list[str]]]:
    """Every source with its sentences (sources with too little prose are left out)."""
    found: list[tuple[Source, str]] = []
    for name in LICENCES:
        path = Path("/usr/share/common-licenses") / name
        found.append((Source(name, "legal", str(path), f"{name} (verbatim copies permitted)"), _read(path)))
    for version in RELNOTES:
        path = Path("/usr/share/doc/git/RelNotes") / f"{version}.txt"
        found.append((Source(f"git-{version}", "release-notes", str(path), "GPL-2.0 (Git)"), _read(path)))
    for origin in TECHNICAL:
        path = Path(origin)
        licence = (
            "GPL-2.0+ (dpkg)"
            if "dpkg" in origin
            else "GPL-2.0 (Git)"
            if "git" in origin
            else "GPL-3.0+ (GCC)"
        )
        name = path.parent.name + "-" + path.name if path.name.startswith("README") else path.stem
        found.append((Source(name, "technical", origin, licence), _read(path)))
    for package in PACKAGES:
        path = next(SITE.glob(f"{package}-*.dist-info/METADATA"))
        text = _read(path)
        origin = f"site-packages/{path.parent.name}/METADATA"
        found.append((Source(package, "package-docs", origin, _package_licence(text)), _description(text)))
    for path in sorted(DATA.glob("*.txt")):
        origin = f"benchmarks/data/segmentation/{path.name}"
        found.append((Source(path.stem, "essay", origin, "this project's own text"), _read(path)))
    out = []
    for source, text in found:
        cut = sentences(prose(text))
        if len(cut) >= MIN_SENTENCES:
            out.append((source, cut))
    return out


def _split(collected: list[tuple[Source, list[str]]]) -> dict[str, str]:
    rnd = random.Random(SEED)
    half: dict[str, str] = {}
    for genre in sorted({s.genre for s, _ in collected}):
        names = sorted(s.name for s, _ in collected if s.genre == genre)
        rnd.shuffle(names)
        for i, name in enumerate(names):
            half[name] = "dev" if i % 2 == 0 else "test"
    return half


def _document(
    rnd: random.Random, pool: dict[str, list[str]], genre_of: dict[str, str], single: bool
) -> list[dict]:
    names = sorted(pool)
    if single:
        genres = sorted({genre_of[n] for n in names})
        genre = rnd.choice([g for g in genres if sum(genre_of[n] == g for n in names) >= 2])
        names = [n for n in names if genre_of[n] == genre]
    passages, previous = [], None
    for _ in range(rnd.randint(*PASSAGES)):
        name = rnd.choice([n for n in names if n != previous])
        length = rnd.randint(*PASSAGE_SENTENCES)
        first = rnd.randint(0, len(pool[name]) - length)
        layout, left = [], length
        while left:
            size = min(left, rnd.randint(*PARAGRAPH_SENTENCES))
            layout.append(size)
            left -= size
        passages.append(
            {"source": name, "sentences": pool[name][first : first + length], "paragraphs": layout}
        )
        previous = name
    return passages


def build() -> dict:
    """The whole set: sources with their half and licence, and each half's documents."""
    collected = collect()
    half = _split(collected)
    genre_of = {s.name: s.genre for s, _ in collected}
    rnd = random.Random(SEED)
    documents: dict[str, list] = {}
    for name in ("dev", "test"):
        pool = {s.name: cut for s, cut in collected if half[s.name] == name}
        documents[name] = [_document(rnd, pool, genre_of, single=i % 2 == 0) for i in range(DOCS_PER_HALF)]
    sources = [{**s.__dict__, "half": half[s.name], "sentences": len(cut)} for s, cut in collected]
    return {"seed": SEED, "sources": sources, "documents": documents}


def _write_sources(data: dict) -> None:
    lines = [
        "# Sources of the segmentation evaluation set",
        "",
        "Built by `python -m benchmarks.segmentation_set --build` into `stitched.json`;",
        "see that module's docstring for the recipe. The `*.txt` essays here are this",
        "project's own writing. Every other text is a freely licensed file found offline",
        "on this machine (Debian packages, Python packages from the registry).",
        "",
        "| source | genre | half | sentences | from | licence |",
        "|---|---|---|---|---|---|",
    ]
    for s in data["sources"]:
        cells = [s["name"], s["genre"], s["half"], str(s["sentences"]), f"`{s['origin']}`", s["licence"]]
        lines.append("| " + " | ".join(cells) + " |")
    (DATA / "SOURCES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Document:
    """One evaluation document in one layout.

    Attributes:
        text: The stitched text.
        starts: Offset of each sentence in ``text``.
        reference: One character per sentence: ``"1"`` when a new passage starts after it.
        genres: The genres of its passages, in order.
    """

    text: str
    starts: list[int]
    reference: str


def _layout(passages: list[dict], paragraphs: bool) -> Document:
    pieces, sentences_, marks = [], [], []
    for passage in passages:
        i = 0
        for size in passage["paragraphs"]:
            pieces.append(passage["sentences"][i : i + size])
            i += size
        sentences_ += passage["sentences"]
        marks += ["0"] * (len(passage["sentences"]) - 1) + ["1"]
    marks[-1] = "0"
    text = ("\n\n" if paragraphs else " ").join(" ".join(p) for p in pieces)
    starts, pos = [], 0
    for sentence in sentences_:
        pos = text.index(sentence, pos)
        starts.append(pos)
        pos += len(sentence)
    return Document(text, starts, "".join(marks))


def load(half: str, paragraphs: bool) -> list[Document]:
    """The documents of one half (``dev`` or ``test``) in one layout."""
    data = json.loads(SET_FILE.read_text(encoding="utf-8"))
    return [_layout(passages, paragraphs) for passages in data["documents"][half]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="rebuild stitched.json and SOURCES.md")
    args = parser.parse_args()
    if args.build:
        data = build()
        SET_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        _write_sources(data)
    data = json.loads(SET_FILE.read_text(encoding="utf-8"))
    for half in ("dev", "test"):
        docs = load(half, True)
        print(
            half,
            len(docs),
            "documents,",
            sum(len(d.starts) for d in docs),
            "sentences,",
            sum(d.reference.count("1") for d in docs),
            "boundaries,",
            sum(len(d.text) for d in docs),
            "chars",
        )
    print(len(data["sources"]), "sources")


if __name__ == "__main__":
    main()
