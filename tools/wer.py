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


def aligned(ref: Sequence[str], hyp: Sequence[str]) -> list[tuple[int, int]]:
    """The (ref index, hyp index) pairs an optimal word alignment puts side by
    side (matches and substitutions), in order; a match or substitution is
    preferred over a deletion, a deletion over an insertion, from the end."""
    rows, cols = len(ref) + 1, len(hyp) + 1
    dist = [[0] * cols for _ in range(rows)]
    for i in range(rows):
        dist[i][0] = i
    for j in range(cols):
        dist[0][j] = j
    for i in range(1, rows):
        for j in range(1, cols):
            dist[i][j] = min(dist[i - 1][j] + 1, dist[i][j - 1] + 1,
                             dist[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]))
    pairs: list[tuple[int, int]] = []
    i, j = len(ref), len(hyp)
    while i > 0 and j > 0:
        if dist[i][j] == dist[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif dist[i][j] == dist[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


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
