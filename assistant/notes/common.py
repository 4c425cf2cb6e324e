"""Common French words, which the sound matching leaves as they are (pure data).

The drafter reads a word that sounds like a term of its lexicon as that term
("préfacture", "la carsate", "en ployeur": the slips Whisper makes of words it
does not know well). A slip of that kind is rarely a common word. A common
word that merely sounds a little like a term is what was said: « je crois »
is not « CARSAT », however unsure Whisper was of it (on the third held-out
appointments it drafted ASSURANCE_RETRAITE from « enfin, je crois » in three
voices of five). So a single common word is matched only when it sounds exactly
like the term.

The list is the French word frequencies that pyspellchecker ships (MIT,
counted on OpenSubtitles 2018: spoken French, as at a counter), read once.
"""

from __future__ import annotations

import functools
import gzip
import json
from importlib.resources import files

COMMON_WORDS = 5000
"""How many of the most frequent French words are common (down to about 3000
occurrences in the list: « carnet », « carte », « crois » are; « retrait »,
« employer », which Whisper writes for « employeur », « préfecture » are not).
Chosen on the development and third held-out appointments, where the sound
matching turned « carte », « crois », « carnet » and « appels » into CARSAT and
ameli, and « employer » (the 8 407th word) into « employeur » rightly."""


@functools.cache
def _common() -> frozenset[str]:
    path = files("spellchecker") / "resources" / "fr.json.gz"
    counts: dict[str, int] = json.loads(gzip.decompress(path.read_bytes()))
    ranked = sorted(counts, key=lambda w: -counts[w])
    return frozenset(ranked[:COMMON_WORDS])


def is_common(word: str) -> bool:
    """Whether ``word`` (as written, any case, elided article apart) is a common
    French word."""
    w = word.lower().strip(".,;:!?«»\"()")
    if "'" in w:
        w = w.split("'", 1)[1]
    return w in _common()
