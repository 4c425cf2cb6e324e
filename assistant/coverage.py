"""Speech that no decoded segment covers (pure, clock-free).

Whisper sometimes ends a 30 s window early (an end-of-text token after
"elle est") and faster-whisper then moves past the rest of that window: the
speech after it is never transcribed. ``SpeechModel.segments`` finds such
stretches by comparing the voice-activity spans with the decoded segments,
and decodes them again; this module only does the interval arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MIN_UNCOVERED_S = 1.0
"""Least speech (s) left between two segments, or after the last, that is
decoded again. Segment ends are imprecise by up to half a second on speech
that is fully transcribed; the losses seen were 1.6-2.4 s."""


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of audio in seconds."""

    start: float
    end: float


def uncovered_speech(speech: Sequence[Span], after: float, before: float,
                     min_s: float = MIN_UNCOVERED_S) -> Span | None:
    """The stretch from the first to the last speech heard strictly between
    ``after`` (end of the last segment) and ``before`` (start of the next
    one, or the end of the audio), when it holds at least ``min_s`` of
    speech; None otherwise."""
    parts = [Span(max(s.start, after), min(s.end, before)) for s in speech
             if s.end > after and s.start < before]
    if sum(p.end - p.start for p in parts) < min_s:
        return None
    return Span(parts[0].start, parts[-1].end)
