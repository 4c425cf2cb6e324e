"""The frozen types the live pipeline hands to its consumers (TUI, CLI, dictation).

Everything a consumer receives through ``LivePipeline``'s ``on_event`` callback
is one of the ``PipelineEvent`` members below. They are called from the
pipeline's worker thread: a Textual app forwards them with ``post_message`` /
``call_from_thread``; nothing here touches a widget.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from assistant.errors import AssistantError
from assistant.streaming.ledger import CommitReason, DroppedSpeech
from assistant.types import Segment, Word

PipelineState = Literal["starting", "running", "paused", "waiting_device", "stopped"]
"""``waiting_device``: the microphone was lost; committed text stays, and
``LivePipeline.switch_device`` resumes capture on another device."""

EndReason = Literal["eof", "stopped", "error"]


@dataclass(frozen=True, slots=True)
class AudioLevel:
    """Loudness of the latest captured audio, linear in [0, 1] (for a meter)."""

    rms: float = 0.0
    peak: float = 0.0

    @property
    def rms_dbfs(self) -> float:
        return 20.0 * math.log10(max(self.rms, 1e-6))

    @property
    def peak_dbfs(self) -> float:
        return 20.0 * math.log10(max(self.peak, 1e-6))


@dataclass(frozen=True, slots=True)
class TranscriptUpdate:
    """What changed on screen after one engine step.

    ``committed`` holds only the segments committed by this step (possibly
    none); they never change afterwards and their ``id`` keeps increasing over
    the whole session. ``tentative`` is the current guess for the audio after
    the last commit: it replaces the previous tentative text entirely (empty
    string: nothing pending).
    """

    committed: tuple[Segment, ...]
    tentative: str
    tentative_words: tuple[Word, ...] = ()
    audio_s: float = 0.0
    """Stream time (seconds) the engine has processed when it made this update."""
    utterance_end: bool = False
    """True when voice activity just ended and the utterance was committed whole."""
    dropped: tuple[DroppedSpeech, ...] = ()
    """Speech the engine let go of without committed words, with the reason
    (every stretch of speech ends up committed or here)."""
    reasons: tuple[CommitReason, ...] = ()
    """Why each of ``committed`` was committed (same order; empty only from
    code that builds updates without an engine)."""
    tentative_speaker: str | None = None
    """Who is saying the tentative words, from the channels (``capture.channels``);
    it may change from step to step, a committed segment's ``speaker`` never does."""

    @property
    def tentative_start(self) -> float | None:
        return self.tentative_words[0].start if self.tentative_words else None

    @property
    def tentative_end(self) -> float | None:
        return self.tentative_words[-1].end if self.tentative_words else None


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """Periodic health of the live path (a few times per second)."""

    state: PipelineState
    audio_s: float
    """Stream time received from the source so far."""
    processed_s: float
    """Stream time the engine has taken in (``audio_s - processed_s`` is the lag)."""
    level: AudioLevel
    speaking: bool
    overflows: int
    """Audio blocks the capture queue had to drop since the start."""
    device: str

    @property
    def lag_s(self) -> float:
        return max(0.0, self.audio_s - self.processed_s)


@dataclass(frozen=True, slots=True)
class ErrorEvent:
    """A problem on the live path. ``recoverable``: the session goes on (for
    example a lost microphone: switch device to resume); otherwise an
    ``EndEvent`` follows."""

    error: AssistantError
    recoverable: bool


@dataclass(frozen=True, slots=True)
class EndEvent:
    """The pipeline has stopped; everything that could be committed was."""

    reason: EndReason
    audio_s: float
    segments: int
    """Segments committed over the whole session."""


PipelineEvent = TranscriptUpdate | StatusEvent | ErrorEvent | EndEvent
