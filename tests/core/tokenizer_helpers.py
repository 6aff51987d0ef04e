"""A tiny Hugging Face tokenizer trained on the spot, so no test downloads one."""

from __future__ import annotations

from pathlib import Path

from tokenizers import Tokenizer, models, pre_tokenizers, trainers

_CORPUS = [
    "The quick brown fox jumps over the lazy dog.",
    "Chunks are cut where sentences end, and tokens are counted.",
    "A tokenizer splits text into pieces; a chunk holds a few of them.",
]


def train_tokenizer(path: Path) -> Path:
    """Train a byte-level BPE of a few hundred tokens and save it as ``tokenizer.json`` at ``path``."""
    model = Tokenizer(models.BPE())
    model.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=300, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False
    )
    model.train_from_iterator(_CORPUS, trainer)
    model.save(str(path))
    return path
