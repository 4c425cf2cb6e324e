"""The named, frozen types that cross stage boundaries.

Every stage (capture -> asr -> streaming -> notes -> store -> tui) hands the
next one of these, never a bare tuple or dict. Third-party types
(faster-whisper segments, sounddevice buffers) are translated into these
inside their adapter module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 16_000
"""Every audio buffer inside the project is 16 kHz mono float32."""

AudioArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class AudioChunk:
    """A block of 16 kHz mono float32 samples starting at ``start_s`` seconds
    of stream time (time since the source started, not wall-clock time)."""

    samples: AudioArray
    start_s: float
    channels: npt.NDArray[np.float32] | None = None
    """With ``capture.channels``: the same stretch per input channel, shape
    (channels, samples) at 16 kHz (``samples`` is their mix-down); else None."""

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its audio times in seconds.

    ``text`` keeps Whisper's leading space convention stripped: it is the bare
    word with its punctuation ("allocataire,").
    """

    start: float
    end: float
    text: str
    probability: float = 1.0


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of transcript: the unit that is committed, stored and that
    case-note evidence points at (by ``id`` and character span in ``text``)."""

    id: int
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    speaker: str | None = None
    """Who said it: ``"agent"``, ``"usager"`` or ``"autre"`` (the channel that
    carries it, ``assistant.speakers``); None when unknown (one channel)."""

    def word_spans(self) -> list[tuple[int, int]] | None:
        """Each word's character span in ``text`` (None: the words cannot be
        placed in it, so no span of the text can be tied to a word)."""
        return word_spans(self.text, self.words)


def word_spans(text: str, words: Sequence[Word]) -> list[tuple[int, int]] | None:
    """Where each of ``words`` lies in ``text``, in order (None: one is not there)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for w in words:
        at = text.find(w.text, pos)
        if at < 0:
            return None
        out.append((at, at + len(w.text)))
        pos = at + len(w.text)
    return out


@dataclass(frozen=True, slots=True)
class Transcript:
    """The result of transcribing one recording in batch."""

    language: str
    duration: float
    segments: tuple[Segment, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())
