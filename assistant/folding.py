"""Folding French text for comparison: lower case, no accents (pure, standard library only).

``fold`` is the one accent-folding function of the project: the decoder's
guards, the streaming engine's word keys, French number words, the dictation
commands, the drafter's working text and the codes the agent types in review
all compare words through it. Its parameters say where they differ.
"""

from __future__ import annotations

import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
_TYPOGRAPHY = str.maketrans({
    "’": "'", "‘": "'", "`": "'", "´": "'",
    "\u00a0": " ", "\u202f": " ", "\t": " ", "\r": " ",
    "«": '"', "»": '"', "“": '"', "”": '"',
    "–": "-", "—": "-", "‑": "-",
    "œ": "oe",
    "€": " euros ",
})


def fold(text: str, *, lower: bool = True, typography: bool = False) -> str:
    """``text`` without its accents (NFKD, combining marks dropped) and with plain
    apostrophes for typographic ones; lower-cased unless ``lower`` is False.

    ``typography``: also plain quotes, dashes and spaces for typographic ones,
    ``oe`` for ``œ`` and `` euros `` for ``€`` (the drafter's working text,
    which folds one character at a time to keep its map to the original).
    """
    if typography:
        text = text.translate(_TYPOGRAPHY)
    if lower:
        text = text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_APOSTROPHES)
