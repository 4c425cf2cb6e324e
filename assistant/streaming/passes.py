"""One recogniser pass made a hypothesis: the guards over its raw segments (pure).

The engine (``streaming.engine``) calls the transcriber and hands what it
returned, with a frozen ``PassContext`` (where the buffer starts, what is
committed and tentative, the VAD gate's speech probabilities), to
``clean_pass``. Back comes the pass's new words, cleaned: segments Whisper is
known to invent and a sentence written twice in a row are dropped, word
times are made monotonic (with the delay bound on), words already committed
are removed, so are words on audio the VAD found silent, and a repetition
loop is cut. It also says whether the guards dropped anything, so that
speech lost that way is reported as ``guarded``. Kept apart from the engine
so that these rules, which only look at one pass, can be read and tested
without its buffer and state. No state, no clock: times are stream seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assistant.guards import cut_words_loop, is_hallucination
from assistant.streaming.hypotheses import (
    after_committed,
    drop_committed_overlap,
    word_key,
)
from assistant.streaming.vadgate import speech_around
from assistant.types import Segment, Word


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: an array field
class PassContext:
    """What cleaning a pass needs of the engine's state when it ran."""

    buffer_start_s: float
    """Stream time of the buffer's first sample (the pass's audio starts there)."""
    committed_end_s: float
    """End of the committed text."""
    committed_words: tuple[Word, ...]
    """The last few committed words (the buffer may still hold their audio)."""
    tentative: tuple[Word, ...]
    """The words left uncommitted by the previous pass."""
    speech_probs: npt.NDArray[np.float32]
    """The VAD gate's speech probability per window of the buffer."""
    neg_threshold: float
    """Probability a word's audio must reach somewhere to count as speech."""
    monotonic: bool = False
    """Make word times monotonic (with the delay bound on; the default path
    measured best without it)."""

    @property
    def boundary_s(self) -> float:
        """Where new (uncommitted) audio starts in the buffer."""
        return max(self.buffer_start_s, self.committed_end_s)


@dataclass(frozen=True, slots=True)
class CleanPass:
    """The words a pass adds after the committed text, once guarded."""

    words: tuple[Word, ...]
    guarded: bool
    """The guards dropped text (an invented segment, a repeated sentence, a loop)."""


def clean_pass(segments: Sequence[Segment], context: PassContext) -> CleanPass:
    """The new words of one pass's ``segments``, cleaned by the guards."""
    guarded = False
    words: list[Word] = []
    previous = ""
    for seg in segments:
        if is_hallucination(seg.text, seg.no_speech_prob, seg.avg_logprob):
            guarded = True
            continue
        key = " ".join(word_key(Word(0.0, 0.0, t)) for t in seg.text.split())
        if key and key == previous:
            guarded = True
            continue  # the same sentence twice in a row: a loop, not speech
        previous = key
        words.extend(seg.words or words_of(seg))
    # The buffer may still hold committed audio (kept as context): only the
    # words after the committed end are new; a word cut in two at the
    # boundary can come back, and the overlap check removes it.
    timed = tuple(w for w in words if w.text)
    if context.monotonic:
        timed = monotonic(timed)
    hyp = new_words(timed, context)
    if context.monotonic:
        hyp = monotonic(hyp, context.committed_end_s)
    hyp = tuple(w for w in hyp
                if speech_around(context.speech_probs, context.neg_threshold,
                                 w.start, w.end, context.buffer_start_s))
    kept = cut_words_loop(hyp)
    return CleanPass(kept, guarded or len(kept) < len(hyp))


def new_words(words: tuple[Word, ...], context: PassContext) -> tuple[Word, ...]:
    """``words`` after the committed text (the buffer may still hold it)."""
    words = after_committed(words, context.committed_words, context.committed_end_s,
                            context.buffer_start_s, context.tentative)
    return drop_committed_overlap(words, context.committed_words, context.committed_end_s,
                                  context.boundary_s)


def words_of(seg: Segment) -> tuple[Word, ...]:
    """Words of a segment decoded without word times (spread evenly)."""
    tokens = seg.text.split()
    if not tokens:
        return ()
    span = (seg.end - seg.start) / len(tokens)
    return tuple(
        Word(seg.start + i * span, seg.start + (i + 1) * span, t) for i, t in enumerate(tokens)
    )


def monotonic(words: tuple[Word, ...], floor_s: float | None = None) -> tuple[Word, ...]:
    """Word times that never go back: Whisper's alignment now and then times
    a word seconds before the one it follows, or a pass's first new word at
    the buffer start ("mes" at 0.42 s after "pourquoi", committed at 4.48 s),
    which would make it look long overdue; such a word is put right after
    the previous one (``floor_s``: the end of the committed text)."""
    out: list[Word] = []
    last = floor_s
    for w in words:
        if last is not None and w.end < last:
            w = Word(last, last, w.text, w.probability)
        out.append(w)
        last = w.end
    return tuple(out)
