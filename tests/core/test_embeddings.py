"""The WordLlama vectors: loaded from the wheel by path, offline, and the similarities built on them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.core import embeddings
from app.core.chunkers.similarity import adjacent_similarities, embedding_similarities

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter, so nothing loaded earlier can hide a download:
# every socket connection raises, the hub is told to stay offline, and the
# wordllama package itself must never be imported.
OFFLINE_LOAD = """
import json, socket, sys
def refuse(*args, **kwargs):
    raise OSError("network disabled in this test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
from app.core import embeddings
from app.core.chunkers.similarity import embedding_similarities
model = embeddings.model()
sims = embedding_similarities(["The ferry left at dawn.", "The boat sailed early."], 0, model)
print(json.dumps({"shape": list(model.table.shape), "sims": sims.tolist(),
                  "wordllama_imported": "wordllama" in sys.modules}))
"""


def test_loads_offline_without_importing_wordllama():
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", OFFLINE_LOAD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["shape"] == [32000, 256]
    assert result["wordllama_imported"] is False
    assert 0.0 < result["sims"][0] <= 1.0


def test_the_files_are_the_wheels():
    root = embeddings.package_dir()
    assert (root / embeddings.WEIGHTS).is_file() and (root / embeddings.TOKENIZER).is_file()
    # The path the package's own loader looks under is absent, which is why it is not used.
    assert not (root / "tokenizer" / "l2_supercat_tokenizer_config.json").exists()


def test_missing_files_are_named(tmp_path):
    with pytest.raises(embeddings.EmbeddingsUnavailable, match="l2_supercat"):
        embeddings.load(tmp_path)


def test_a_text_vector_is_the_sum_of_its_token_vectors():
    model = embeddings.model()
    text = "Glaciers carve valleys."
    ids = model.tokenizer.encode(text, add_special_tokens=False).ids
    sums, counts = model.sums([text, ""])
    np.testing.assert_allclose(sums[0], model.table[ids].sum(axis=0), rtol=1e-5, atol=1e-5)
    assert counts.tolist() == [len(ids), 0] and not sums[1].any()


def test_embeddings_see_related_words_tfidf_cannot():
    units = ["The ferry left at dawn.", "The boat sailed early.", "Taxes are due in April."]
    tfidf = adjacent_similarities(units, 0)
    vectors = embedding_similarities(units, 0, embeddings.model())
    # No content word is shared, so TF-IDF sees nothing in common anywhere.
    assert tfidf.tolist() == [0.0, 0.0]
    assert vectors[0] > vectors[1]


def test_window_sides_match_the_joined_texts():
    model = embeddings.model()
    units = ["Bees make honey.", "The hive is warm.", "Bees fill the comb.", "A queen lays eggs.", "Chess."]
    sims = embedding_similarities(units, 1, model)
    left, _ = model.sums([" ".join(units[0:2])])
    right, _ = model.sums([" ".join(units[2:4])])
    expected = float(left[0] @ right[0] / np.linalg.norm(left[0]) / np.linalg.norm(right[0]))
    assert expected > 0 and sims[1] == pytest.approx(expected, abs=1e-5)


def test_deterministic_and_empty_sides():
    model = embeddings.model()
    units = ["Bees make honey.", "...", "Chess has rules.", "A knight jumps."]
    first = embedding_similarities(units, 0, model)
    assert first.tolist() == embedding_similarities(units, 0, model).tolist()
    assert embedding_similarities(["", "Chess."], 0, model).tolist() == [1.0]
    assert embedding_similarities(["Only one."], 2, model).size == 0
    assert ((first >= 0) & (first <= 1)).all()
