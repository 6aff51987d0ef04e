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
equals that of WordLlama's average-pooled embedding of the joined text.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
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

        Args:
            texts: The texts, in order.

        Returns:
            ``(vectors, counts)``: a ``(len(texts), dimensions)`` array (a row of
            zeros for a text without tokens) and the number of tokens of each.
        """
        dims = self.table.shape[1]
        if not texts:
            return np.zeros((0, dims), dtype=np.float32), np.zeros(0, dtype=np.int64)
        encodings = self.tokenizer.encode_batch_fast(list(texts), add_special_tokens=False)
        counts = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        ids = np.fromiter((i for e in encodings for i in e.ids), dtype=np.int64, count=int(counts.sum()))
        rows = np.repeat(np.arange(len(texts)), counts)
        np.clip(ids, 0, self.table.shape[0] - 1, out=ids)
        # A sparse count matrix times the table: no (tokens x dimensions) array is ever built.
        bag = sp.csr_matrix(
            (np.ones(ids.size, dtype=np.float32), (rows, ids)), shape=(len(texts), self.table.shape[0])
        )
        vectors: NDArray[np.float32] = np.asarray(bag @ self.table, dtype=np.float32)
        return vectors, counts


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
