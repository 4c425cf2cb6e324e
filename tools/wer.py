"""Word error rate with a French normalisation (pure, no I/O).

The normalisation is the product's own (``assistant.guards.comparable_words``,
which the decoder uses to spot a window that only repeats what was said).
Used by tests, benchmarks and evaluation scripts so that every figure in the
docs is computed the same way: lower case, punctuation and typographic
apostrophes folded, hyphens split, and spelled-out numbers turned to digits
on both sides (Whisper writes "17" where a reference says "dix-sept").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.guards import comparable_words

normalize = comparable_words
"""Tokens of a text for WER: the product's own comparison words."""


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
