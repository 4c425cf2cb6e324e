"""Accounting for every stretch of speech the live engine hears (pure).

The engine cuts audio off its buffer once it is done with it. Whatever the
voice activity detector took for speech in that audio must by then be
covered by committed words, or be reported as dropped with a reason
(``DroppedSpeech``), so that nothing the usager said disappears silently:
the pipeline logs each drop and the app can say that a stretch was not
transcribed. Times are stream seconds; no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from assistant.types import Word

DropReason = Literal["not_recognised", "guarded", "no_agreement", "stream_gap"]
"""``not_recognised``: the recogniser wrote no word for it; ``guarded``: what
it wrote was dropped by the guards (an invention on noise, a loop);
``no_agreement``: the buffer reached its bound with nothing stable to commit;
``stream_gap``: the audio stream broke off before the utterance ended."""

CommitReason = Literal["endpoint", "sentence", "agreed_age", "deadline", "buffer_bound",
                       "end_of_stream"]
"""Why words were committed: ``endpoint``: the voice stopped (the utterance
whole); ``sentence``: an agreed sentence end inside a long utterance;
``agreed_age``: agreed words older than ``max_delay_s``; ``deadline``: a
word waited ``deadline_s`` (committed from a final-beam pass, agreed or
not); ``buffer_bound``: the buffer reached ``max_buffer_s``;
``end_of_stream``: ``finish`` (end, pause, lost device)."""

COVER_MARGIN_S = 0.3
"""A speech window this close to a committed word counts as covered by it
(word times are approximate)."""
MIN_DROPPED_S = 0.5
"""Uncovered speech shorter than this is not reported (a breath, a click)."""


@dataclass(frozen=True, slots=True)
class DroppedSpeech:
    """Speech that left the engine without committed words."""

    start_s: float
    end_s: float
    reason: DropReason

    @property
    def seconds(self) -> float:
        return self.end_s - self.start_s


class SpeechLedger:
    """Committed word spans since the last settled point, and the speech
    windows of audio about to be forgotten checked against them."""

    def __init__(self) -> None:
        self.settled_s = 0.0
        self._spans: list[tuple[float, float]] = []
        self.words_by_reason: dict[CommitReason, int] = {}
        """Committed words so far, by the reason they were committed for."""

    def committed(self, words: Sequence[Word], reason: CommitReason) -> None:
        self._spans.extend((w.start, w.end) for w in words)
        self.words_by_reason[reason] = self.words_by_reason.get(reason, 0) + len(words)

    def restart_at(self, start_s: float) -> None:
        self.settled_s = max(self.settled_s, start_s)

    def settle(self, speech: np.ndarray, window_s: float, buffer_start_s: float,
               until_s: float, reason: DropReason) -> list[DroppedSpeech]:
        """The uncovered speech between the settled point and ``until_s``.

        ``speech``: one boolean per VAD window of the buffer, the first window
        starting at ``buffer_start_s``. Moves the settled point to ``until_s``.
        """
        start_s = max(self.settled_s, buffer_start_s)
        if until_s <= start_s:
            return []
        lo = max(0, round((start_s - buffer_start_s) / window_s))
        hi = min(len(speech), int((until_s - buffer_start_s) / window_s))
        dropped: list[DroppedSpeech] = []
        run_start: float | None = None
        run_end = 0.0
        for k in range(lo, hi):
            t0 = buffer_start_s + k * window_s
            t1 = t0 + window_s
            uncovered = bool(speech[k]) and not self._covers(t0, t1)
            if uncovered:
                if run_start is None:
                    run_start = t0
                run_end = t1
            elif run_start is not None and t0 - run_end > COVER_MARGIN_S:
                dropped += self._stretch(run_start, run_end, reason)
                run_start = None
        if run_start is not None:
            dropped += self._stretch(run_start, run_end, reason)
        self.settled_s = until_s
        self._spans = [s for s in self._spans if s[1] + COVER_MARGIN_S > until_s]
        return dropped

    def _covers(self, t0: float, t1: float) -> bool:
        return any(s - COVER_MARGIN_S < t1 and t0 < e + COVER_MARGIN_S for s, e in self._spans)

    @staticmethod
    def _stretch(start_s: float, end_s: float, reason: DropReason) -> list[DroppedSpeech]:
        if end_s - start_s < MIN_DROPPED_S:
            return []
        return [DroppedSpeech(round(start_s, 2), round(end_s, 2), reason)]
