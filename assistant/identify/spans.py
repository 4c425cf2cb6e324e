"""Where a number is said in timed words, and its stretch of audio (pure).

The capture path, the second look and the check all work on the stretch of
audio where the words of a number were said, with the words just before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.identify.spoken import MAX_GAP_WORDS, number_runs
from assistant.types import SAMPLE_RATE, AudioArray, Word

MARGIN_S = 0.4
"""Audio kept on each side of the words of a number."""
PREFIX_WORDS = 2
"""Words before a number decoded with it, as a forced prefix."""


@dataclass(frozen=True, slots=True)
class NumberSpan:
    """Where a number is said: word indices ``[first, last]`` and audio times."""

    first: int
    last: int
    start: float
    end: float
    number_words: int


def number_spans(words: Sequence[Word], letters: bool = False) -> list[NumberSpan]:
    """Stretches of ``words`` that say a number, allowing a few misheard words inside."""
    return [NumberSpan(a, b, words[a].start, words[b].end, n)
            for a, b, n in number_runs([w.text for w in words], letters, MAX_GAP_WORDS)]


@dataclass(frozen=True, slots=True)
class SpanAudio:
    """The audio of a number's stretch, ready for a constrained decoding."""

    audio: AudioArray
    prefix: str
    """The words said just before the number, inside ``audio``: forced as the prefix."""
    plain: str
    """The number as the plain decoding wrote it (an independent reading)."""


def span_audio(audio: AudioArray, words: Sequence[Word], span: NumberSpan,
               offset_s: float = 0.0) -> SpanAudio:
    """Cut the stretch of ``words[span.first..span.last]`` out of ``audio``.

    From the start of the ``PREFIX_WORDS`` words said before the number (so
    that the constrained decoding need not write them as digits) to the end of
    the number plus ``MARGIN_S``. ``offset_s``: the time of ``audio[0]``.
    """
    head = max(0, span.first - PREFIX_WORDS)
    prefix = " ".join(w.text for w in words[head:span.first])
    start = words[head].start if head < span.first else span.start - MARGIN_S
    lo = max(0, int((start - offset_s) * SAMPLE_RATE))
    hi = min(len(audio), int((span.end + MARGIN_S - offset_s) * SAMPLE_RATE))
    plain = " ".join(w.text for w in words[span.first:span.last + 1])
    return SpanAudio(audio[lo:hi], prefix, plain)
