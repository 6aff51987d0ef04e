"""Static word embeddings from the WordLlama wheel, loaded by explicit path, never from a hub.

WordLlama (``wordllama`` on PyPI, MIT licence) ships a 32,000 x 256 table of
token vectors distilled from a large language model's input embeddings
(``weights/l2_supercat_256.safetensors``, 16 MB of float16) and the matching
Llama 2 tokenizer (``tokenizers/l2_supercat_tokenizer_config.json``). Its own
loader looks for the tokenizer under ``tokenizer/`` and falls back to the
network, so the two files are opened here directly, with the ``tokenizers``
and ``safetensors`` libraries: nothing is downloaded, and the package itself
is never imported (its import sets up logging and pulls in an HTTP client).

A text's vector is the sum of its tokens' vectors. Sums rather than means,
so that the vector of several consecutive units is the sum of theirs: a
window of units costs one addition, and its cosine with another window
equals that of WordLlama's average-pooled embedding of the joined text
(whitespace tokens aside: see :meth:`StaticEmbeddings.sums`).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from safetensors.numpy import load_file
from tokenizers import Tokenizer

PACKAGE = "wordllama"
WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
TENSOR = "embedding.weight"
_WORD = re.compile(r"\S+")


class EmbeddingsUnavailable(RuntimeError):
    """The WordLlama files are not installed where they are expected."""


@dataclass(frozen=True, slots=True, eq=False)
class StaticEmbeddings:
    """A tokenizer and one vector per token.

    Attributes:
        tokenizer: The Hugging Face tokenizer, without padding or truncation.
        table: ``(vocabulary, dimensions)`` float32 token vectors.
    """

    tokenizer: Tokenizer
    table: NDArray[np.float32]

    def sums(self, texts: Sequence[str]) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
        """Each text's summed token vectors, and its token count.

        Texts are cut into words at whitespace, and each distinct word is
        tokenized once: in a long text most words recur, so the tokenizer
        sees a vocabulary of tens of thousands of words instead of every
        token of the text (half the time on a megabyte of prose). The Llama
        tokenizer marks a word's start with ``▁`` and no token spans two
        words, so a word's tokens are those it has in its text; whitespace
        itself (line breaks, indentation) gets no vector.

        Args:
            texts: The texts, in order.

        Returns:
            ``(vectors, counts)``: a ``(len(texts), dimensions)`` array (a row of
            zeros for a text without tokens) and the number of tokens of each.
        """
        index: dict[str, int] = {}
        words = [[index.setdefault(w, len(index)) for w in _WORD.findall(t)] for t in texts]
        per_text = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        word_ids = np.fromiter(chain.from_iterable(words), dtype=np.int64, count=int(per_text.sum()))
        text_words = _bag(np.repeat(np.arange(len(texts)), per_text), word_ids, (len(texts), len(index)))
        encodings = self.tokenizer.encode_batch_fast(list(index), add_special_tokens=False)
        per_word = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        token_ids = np.fromiter(
            chain.from_iterable(e.ids for e in encodings), dtype=np.int64, count=int(per_word.sum())
        )
        np.clip(token_ids, 0, self.table.shape[0] - 1, out=token_ids)
        word_tokens = _bag(
            np.repeat(np.arange(len(index)), per_word), token_ids, (len(index), self.table.shape[0])
        )
        # Sparse products all the way: no (tokens x dimensions) array is ever built.
        word_vectors = np.asarray(word_tokens @ self.table, dtype=np.float32)
        vectors: NDArray[np.float32] = np.asarray(text_words @ word_vectors, dtype=np.float32)
        counts: NDArray[np.int64] = np.asarray(text_words @ per_word.astype(np.float64)).astype(np.int64)
        return vectors.reshape(len(texts), self.table.shape[1]), counts.reshape(len(texts))


def _bag(rows: NDArray[np.int64], cols: NDArray[np.int64], shape: tuple[int, int]) -> sp.csr_matrix:
    """A count matrix with a 1 added at each ``(rows[k], cols[k])``."""
    return sp.csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, cols)), shape=shape)


def package_dir() -> Path:
    """Where the ``wordllama`` package is installed, found without importing it.

    Raises:
        EmbeddingsUnavailable: When the package is not installed.
    """
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingsUnavailable(f"the {PACKAGE} package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def load(root: Path) -> StaticEmbeddings:
    """Read the tokenizer and the vectors from a directory laid out like the wheel.

    Raises:
        EmbeddingsUnavailable: When either file is missing.
    """
    tokenizer_path, weights_path = root / TOKENIZER, root / WEIGHTS
    for path in (tokenizer_path, weights_path):
        if not path.is_file():
            raise EmbeddingsUnavailable(f"{path} is missing")
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    table = load_file(str(weights_path))[TENSOR].astype(np.float32)
    return StaticEmbeddings(tokenizer, table)


@cache
def model() -> StaticEmbeddings:
    """The shipped WordLlama vectors, loaded once per process."""
    return load(package_dir())
