"""Loading what the core ships (sentence model, stop words) before traffic arrives."""

from __future__ import annotations

from app import lexicon
from app.chunkers import punkt


def warm_up() -> list[str]:
    """Load every lazily loaded resource; cheap once done.

    Returns:
        The names of the resources now loaded.
    """
    punkt.warm_up()
    lexicon.stop_words()
    return ["punkt", "stop_words"]
