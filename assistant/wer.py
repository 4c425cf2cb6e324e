"""Word error rate with a French normalisation (pure, no I/O).

Used by tests, benchmarks and evaluation scripts so that every figure in the
docs is computed the same way: lower case, punctuation and typographic
apostrophes folded, hyphens split, and spelled-out numbers turned to digits
on both sides (Whisper writes "17" where a reference says "dix-sept").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.frnumbers import words_to_digits

_PUNCT = re.compile(r"[^\w\s']", re.UNICODE)


def normalize(text: str) -> list[str]:
    """Tokens of ``text`` for WER: case, punctuation, apostrophes, hyphens, numbers."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = t.replace("’", "'").replace("‘", "'").replace("-", " ").replace("\u00a0", " ")
    t = words_to_digits(t)
    t = _PUNCT.sub(" ", t)
    # "48 21 937" and "4821937" are the same number said in groups.
    t = re.sub(r"(?<=\d) (?=\d)", "", t)
    t = t.replace("'", "' ")
    return t.split()


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


@dataclass(frozen=True, slots=True)
class WerCount:
    errors: int
    words: int

    @property
    def rate(self) -> float:
        return self.errors / self.words if self.words else 0.0

    def __add__(self, other: WerCount) -> WerCount:
        return WerCount(self.errors + other.errors, self.words + other.words)


def wer_count(reference: str, hypothesis: str) -> WerCount:
    ref, hyp = normalize(reference), normalize(hypothesis)
    return WerCount(edit_distance(ref, hyp), len(ref))


def wer(reference: str, hypothesis: str) -> float:
    return wer_count(reference, hypothesis).rate
