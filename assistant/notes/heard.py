"""How sure the recogniser was of the words a drafted value came from (pure).

Whisper gives each word a probability. A value read from words it was unsure
of (or that the second look rewrote with a split vote) is flagged « à
vérifier » however well it checks: the drafter takes the lower of its own
confidence and the mean probability of the words under the value's evidence.
Only the last few segments are kept: evidence always points at recent ones.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from assistant.notes.models import Evidence
from assistant.types import Segment

KEEP_SEGMENTS = 16


class HeardConfidence:
    """Word probabilities of the recent segments, by character span."""

    def __init__(self) -> None:
        self._spans: OrderedDict[int, tuple[tuple[int, int, float], ...]] = OrderedDict()

    def add(self, segment: Segment) -> None:
        placed = segment.word_spans()  # None: words that do not match the text
        self._spans[segment.id] = () if placed is None else tuple(
            (a, b, w.probability) for (a, b), w in zip(placed, segment.words, strict=True))
        while len(self._spans) > KEEP_SEGMENTS:
            self._spans.popitem(last=False)

    def at(self, segment_id: int) -> Callable[[int, int], float | None]:
        """The lowest probability of the words of a segment under a character span
        (None where the segment carries no word probabilities)."""
        spans = self._spans.get(segment_id, ())

        def lowest(start: int, end: int) -> float | None:
            probs = [p for a, b, p in spans if a < end and b > start]
            return min(probs) if probs else None

        return lowest

    def of(self, evidence: Evidence) -> float | None:
        """Mean probability of the words under ``evidence`` (None: not known)."""
        probs = [p for a, b, p in self._spans.get(evidence.segment_id, ())
                 if a < evidence.end and b > evidence.start]
        return sum(probs) / len(probs) if probs else None

    def weigh(self, confidence: float, evidence: Evidence) -> float:
        """``confidence`` lowered to what the recogniser heard under ``evidence``."""
        heard = self.of(evidence)
        return confidence if heard is None else round(min(confidence, heard), 3)
