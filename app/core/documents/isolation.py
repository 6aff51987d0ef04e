"""Running extraction in child processes that can be stopped.

PDFium is C++: a page cannot be interrupted, and when memory runs out it
aborts the whole process. A thread or a budget checked between pages would
bound neither a single hostile page nor a decompression bomb, so each
extraction runs in a child process with a capped address space, and the
parent waits at most ``timeout`` seconds for its answer before killing it.
Children are reused (starting one costs a Python start-up and the PDFium
import, about a quarter of a second), one per concurrent extraction. The
child is this package's own ``child.py``, started without a shell and with
no client input in its arguments (hence the ``nosec`` marks).
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import subprocess  # nosec B404
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from app.core.documents.errors import DocumentTooLarge, UnreadableDocument

_CHILD = Path(__file__).with_name("child.py")


@dataclass(frozen=True, slots=True)
class Sandbox:
    """Bounds of one extraction.

    Attributes:
        timeout: Seconds the child may take before it is killed.
        memory_mb: The child's address-space cap in MiB.
    """

    timeout: float = 5.0
    memory_mb: int = 1024


_idle: dict[int, list[subprocess.Popen[bytes]]] = {}
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Extracted:
    r"""What the child read: the pages' texts joined by form feeds, each page's length, the outline.

    Attributes:
        text: The pages joined by ``\f`` (one page for a DOCX).
        lengths: Characters of each page, in order.
        outline: ``(level, title, page index)`` entries (PDF bookmarks; empty without any).
    """

    text: str
    lengths: tuple[int, ...]
    outline: tuple[tuple[int, str, int], ...]


def run_isolated(fmt: str, data: bytes, *, max_pages: int, max_chars: int, sandbox: Sandbox) -> Extracted:
    """Extract ``data`` (``pdf`` or ``docx``) in a child process.

    Raises:
        UnreadableDocument: The document cannot be read, or reading it took too long or too much memory.
        DocumentTooLarge: Over ``max_pages`` or ``max_chars``.
    """
    child = _take(sandbox.memory_mb)
    header = {"format": fmt, "size": len(data), "max_pages": max_pages, "max_chars": max_chars}
    try:
        answer, text = _exchange(child, json.dumps(header).encode() + b"\n" + data, sandbox.timeout)
    except TimeoutError:
        _stop(child)
        raise UnreadableDocument(
            f"reading this {fmt.upper()} took longer than {sandbox.timeout:g} s and was stopped"
        ) from None
    except (OSError, ValueError):
        _stop(child)
        raise UnreadableDocument(_memory_message(fmt, sandbox)) from None
    _give_back(sandbox.memory_mb, child)
    return _result(fmt, answer, text, sandbox)


def _result(fmt: str, answer: dict[str, object], raw: bytes, sandbox: Sandbox) -> Extracted:
    error, message = answer.get("error"), str(answer.get("message", ""))
    if error == "too_large":
        raise DocumentTooLarge(message)
    if error == "memory":
        message = _memory_message(fmt, sandbox)
    if error is not None:
        raise UnreadableDocument(message)
    pages, text = answer.get("pages"), raw.decode("utf-8", "surrogatepass")
    pages = pages if isinstance(pages, list) else []
    lengths = tuple(n for n in pages if isinstance(n, int) and n >= 0)
    if not lengths or len(lengths) != len(pages) or sum(lengths) + len(lengths) - 1 != len(text):
        raise UnreadableDocument(f"the {fmt.upper()} reader answered out of turn; please send the file again")
    outline = answer.get("outline")
    entries = tuple(
        (int(e[0]), str(e[1]), int(e[2]))
        for e in (outline if isinstance(outline, list) else ())
        if isinstance(e, list) and len(e) == 3
    )
    return Extracted(text, lengths, entries)


def _memory_message(fmt: str, sandbox: Sandbox) -> str:
    limit = sandbox.memory_mb
    return f"this {fmt.upper()} could not be read within {limit} MiB of memory (a decompression bomb?)"


def _exchange(
    child: subprocess.Popen[bytes], request: bytes, timeout: float
) -> tuple[dict[str, object], bytes]:
    """Send ``request`` while reading the answer: its JSON line, and the ``bytes`` of text it announces."""
    if child.stdin is None or child.stdout is None:
        raise OSError("the extraction process has no pipes")
    deadline = time.monotonic() + timeout
    out, answer = child.stdout.fileno(), _Answer()
    os.set_blocking(child.stdin.fileno(), False)
    with selectors.DefaultSelector() as selector:
        selector.register(out, selectors.EVENT_READ)
        selector.register(child.stdin.fileno(), selectors.EVENT_WRITE)
        pending = memoryview(request)
        while not answer.complete():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            for key, _ in selector.select(left):
                if key.fd == out:
                    block = os.read(out, 1 << 20)
                    if not block:
                        raise OSError("the extraction process ended")
                    answer.add(block)
                else:
                    pending = pending[os.write(key.fd, pending[: 1 << 20]) :]
                    if not pending:
                        selector.unregister(key.fd)
    return answer.header, answer.text()


class _Answer:
    """The child's answer as it arrives: a JSON line, then as many bytes as the line announces."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.header: dict[str, object] = {}
        self.start = -1  # where the text begins, once the line is in
        self.end = -1

    def add(self, block: bytes) -> None:
        self.received += block
        if self.start < 0 and b"\n" in block:
            self.start = self.received.index(b"\n") + 1
            header = json.loads(self.received[: self.start])
            if not isinstance(header, dict):
                raise ValueError("the answer's first line is not an object")
            size = header.get("bytes", 0)
            if not isinstance(size, int) or size < 0:
                raise ValueError("the answer announces no length")
            self.header = header
            self.end = self.start + size

    def complete(self) -> bool:
        return 0 <= self.end <= len(self.received)

    def text(self) -> bytes:
        return bytes(self.received[self.start : self.end])


def _take(memory_mb: int) -> subprocess.Popen[bytes]:
    with _lock:
        idle = _idle.setdefault(memory_mb, [])
        while idle:
            child = idle.pop()
            if child.poll() is None:
                return child
            _stop(child)  # ended while idle (killed from outside): reap it, close its pipes
    return subprocess.Popen(  # nosec B603
        [sys.executable, "-I", str(_CHILD), str(memory_mb)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={},
    )


def _give_back(memory_mb: int, child: subprocess.Popen[bytes]) -> None:
    with _lock:
        _idle.setdefault(memory_mb, []).append(child)


def _stop(child: subprocess.Popen[bytes]) -> None:
    child.kill()
    child.wait()
    for stream in (child.stdin, child.stdout):
        if stream is not None:
            stream.close()


@atexit.register
def _stop_all() -> None:
    with _lock:
        children = [child for idle in _idle.values() for child in idle]
        _idle.clear()
    for child in children:
        _stop(child)
