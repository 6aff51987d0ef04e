"""Fitted /answer indexes as bytes, laid out to be read in place from a memory map.

An encoded index is a header and flat arrays, each aligned to 8 bytes::

    MAGIC | header length (u32, little-endian) | header (JSON) | padding | arrays

The header names the key the entry was stored under, the method, the
number of chunks and the length of each array. The arrays are the CSC
weights (``data``, ``indices``, ``indptr``), the sorted term codes, the idf,
and the stems: their UTF-8 bytes sorted and concatenated, with offsets and
each stem's word id. Decoding slices numpy views over the buffer (nothing is
copied, so an index read from a memory-mapped file costs what the question
touches) and looks stems up by binary search instead of building a dict.

Entries are written by this service only, but a truncated, mixed-up or
garbled entry must never crash a request or answer for other chunks:
:func:`decode` checks the structure (magic, key, sizes, bounds, order) and
raises :class:`CorruptIndex`, which callers treat as a miss. Only JSON and
numbers are parsed; nothing is unpickled.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from app.core.retrieval import METHODS, Index

#: Changes whenever the layout or the meaning of an index changes (a new
#: stemmer, new terms), so an old entry is never read as a new one.
MAGIC = b"chunkwise-index-5\n"
_LENGTH = struct.Struct("<I")
_ALIGN = 8
# Name and dtype of each array, in file order.
_ARRAYS: tuple[tuple[str, str], ...] = (
    ("data", "<f8"),
    ("indices", "<i4"),
    ("indptr", "<i4"),
    ("terms", "<i8"),
    ("idf", "<f8"),
    ("offsets", "<i8"),
    ("ids", "<i8"),
    ("stems", "u1"),
)
_MAX_HEADER = 4096
_MAX_VALUE = 1e6


class CorruptIndex(ValueError):
    """An encoded index that is not what :func:`encode` wrote for the expected key."""


class PackedStems(Mapping[str, int]):
    """Stem to word id, read by binary search over sorted UTF-8 stems (UTF-8 sorts like code points)."""

    __slots__ = ("_blob", "_ids", "_offsets")

    def __init__(self, blob: NDArray[np.uint8], offsets: NDArray[np.int64], ids: NDArray[np.int64]) -> None:
        """Wrap the arrays; ``offsets`` has one more entry than ``ids``."""
        self._blob = blob
        self._offsets = offsets
        self._ids = ids

    def _stem(self, i: int) -> bytes:
        return self._blob[self._offsets[i] : self._offsets[i + 1]].tobytes()

    def __getitem__(self, stem: str) -> int:
        """The word id of ``stem``.

        Raises:
            KeyError: When the index has no such stem.
        """
        wanted = stem.encode("utf-8", "surrogatepass")
        low, high = 0, len(self._ids)
        while low < high:
            middle = (low + high) // 2
            if self._stem(middle) < wanted:
                low = middle + 1
            else:
                high = middle
        if low < len(self._ids) and self._stem(low) == wanted:
            return int(self._ids[low])
        raise KeyError(stem)

    def __len__(self) -> int:
        """Number of stems."""
        return len(self._ids)

    def __iter__(self) -> Iterator[str]:
        """The stems in code point order."""
        return (self._stem(i).decode("utf-8", "surrogatepass") for i in range(len(self._ids)))


def _stem_arrays(words: Mapping[str, int]) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.uint8]]:
    ordered = sorted(words)
    encoded = [w.encode("utf-8", "surrogatepass") for w in ordered]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    ids = np.fromiter((words[w] for w in ordered), dtype=np.int64, count=len(ordered))
    return offsets, ids, np.frombuffer(b"".join(encoded), dtype=np.uint8)


def encode(index: Index, key: str) -> list[bytes | memoryview]:
    """The index as a list of buffers to write one after the other.

    Args:
        index: A fitted index (``retrieval.fit``).
        key: What the entry is stored under; :func:`decode` checks it.

    Returns:
        Buffers whose concatenation is the entry (no copy of the big arrays).

    Raises:
        ValueError: When the index has 2**31 weights or more.
    """
    weights = index.weights
    if weights.nnz >= 2**31:
        raise ValueError("index too large to encode")
    offsets, ids, stems = _stem_arrays(index.words)
    arrays = {
        "data": weights.data,
        "indices": weights.indices,
        "indptr": weights.indptr,
        "terms": index.terms,
        "idf": index.idf,
        "offsets": offsets,
        "ids": ids,
        "stems": stems,
    }
    converted = [np.ascontiguousarray(arrays[name], dtype=dtype) for name, dtype in _ARRAYS]
    header = {"key": key, "method": index.method, "size": index.size, "lengths": [len(a) for a in converted]}
    head = json.dumps(header).encode()
    prefix = MAGIC + _LENGTH.pack(len(head)) + head
    parts: list[bytes | memoryview] = [prefix + bytes(-len(prefix) % _ALIGN)]
    for array in converted:
        parts.append(array.view(np.uint8).data)
        parts.append(bytes(-array.nbytes % _ALIGN))
    return parts


def _header(buffer: Any) -> tuple[dict[str, Any], int]:
    view = memoryview(buffer)
    if bytes(view[: len(MAGIC)]) != MAGIC or len(view) < len(MAGIC) + _LENGTH.size:
        raise CorruptIndex("not an index of this version")
    (size,) = _LENGTH.unpack_from(view, len(MAGIC))
    start = len(MAGIC) + _LENGTH.size
    if size > _MAX_HEADER or start + size > len(view):
        raise CorruptIndex("header length out of range")
    try:
        header = json.loads(bytes(view[start : start + size]))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CorruptIndex("header is not JSON") from error
    if not isinstance(header, dict):
        raise CorruptIndex("header is not an object")
    end = start + size
    return header, end + (-end % _ALIGN)


def _arrays(buffer: Any, lengths: list[int], offset: int) -> dict[str, Any]:
    if len(lengths) != len(_ARRAYS) or not all(isinstance(n, int) and n >= 0 for n in lengths):
        raise CorruptIndex("array lengths are wrong")
    arrays: dict[str, Any] = {}
    total = len(memoryview(buffer))
    for (name, dtype), count in zip(_ARRAYS, lengths, strict=True):
        nbytes = count * np.dtype(dtype).itemsize
        if offset + nbytes > total:
            raise CorruptIndex("entry is truncated")
        arrays[name] = np.frombuffer(buffer, dtype=dtype, count=count, offset=offset)
        offset += nbytes + (-nbytes % _ALIGN)
    if offset != total:
        raise CorruptIndex("entry has trailing bytes")
    return arrays


def _check(arrays: dict[str, Any], size: int) -> None:
    data, indices, indptr, terms = arrays["data"], arrays["indices"], arrays["indptr"], arrays["terms"]
    offsets, ids, stems = arrays["offsets"], arrays["ids"], arrays["stems"]
    n_words = len(ids)
    consistent = (
        len(indptr) == len(terms) + 1
        and len(arrays["idf"]) == len(terms)
        and len(indices) == len(data)
        and len(offsets) == n_words + 1
        and indptr[0] == 0
        and indptr[-1] == len(data)
        and offsets[0] == 0
        and offsets[-1] == len(stems)
    )
    if not consistent:
        raise CorruptIndex("array sizes disagree")
    in_range = (
        bool(np.all(np.diff(indptr) >= 0))
        and bool(np.all(np.diff(offsets) >= 0))
        and bool(np.all(np.diff(terms) > 0))
        and (not len(indices) or (int(indices.min()) >= 0 and int(indices.max()) < size))
        and (not n_words or (int(ids.min()) >= 0 and int(ids.max()) < n_words))
        and (not len(terms) or (int(terms[0]) >= 0 and int(terms[-1]) < n_words + n_words * n_words))
        # Weights and idf of real indexes are far inside these bounds (idf is
        # about the log of the chunk count); outside them, scores could overflow.
        and bool(np.all((data >= 0) & (data <= _MAX_VALUE)))
        and bool(np.all((arrays["idf"] >= 0) & (arrays["idf"] <= _MAX_VALUE)))
    )
    if not in_range:
        raise CorruptIndex("array values out of range")


def decode(buffer: Any, key: str) -> Index:
    """The index encoded in ``buffer`` (bytes, or a memory map), viewed in place.

    Args:
        buffer: What :func:`encode` produced, concatenated; it must stay
            unchanged while the index is used.
        key: The key the entry was looked up by.

    Returns:
        The index, equal in every score to the one encoded.

    Raises:
        CorruptIndex: When the buffer is not a whole, consistent entry for ``key``.
    """
    header, offset = _header(buffer)
    method, size = header.get("method"), header.get("size")
    if header.get("key") != key:
        raise CorruptIndex("entry belongs to another key")
    if method not in METHODS or not isinstance(size, int) or size < 0:
        raise CorruptIndex("method or size is wrong")
    arrays = _arrays(buffer, header.get("lengths", []), offset)
    _check(arrays, size)
    shape = (size, len(arrays["terms"]))
    weights = sparse.csc_matrix(
        (arrays["data"], arrays["indices"], arrays["indptr"]), shape=shape, copy=False
    )
    stems = PackedStems(arrays["stems"], arrays["offsets"], arrays["ids"])
    return Index(method, stems, arrays["terms"], arrays["idf"], weights, size)
