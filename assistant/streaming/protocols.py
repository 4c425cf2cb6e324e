"""The small interfaces the pure engine and the pipeline talk through.

The real implementations live at the edge: ``assistant.pipeline.WhisperTranscriber``
(the Whisper model), ``assistant.vad.SileroVad`` (onnxruntime),
``assistant.capture.MicrophoneSource`` and ``assistant.replay.FileSource``.
Tests of the commit policy may pass scripted ones.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from assistant.streaming.events import AudioLevel
from assistant.types import AudioArray, AudioChunk, Segment

VAD_WINDOW = 512
"""Samples per voice-activity decision (32 ms at 16 kHz)."""


class Transcriber(Protocol):
    """Decodes one audio buffer (greedy, no temperature fallback, word times)."""

    def transcribe(self, audio: AudioArray, prompt: str | None, offset_s: float,
                   final: bool = False) -> tuple[Segment, ...]:
        """Segments of ``audio`` with word times shifted by ``offset_s``.
        ``final``: this pass's words will likely be committed at once (the end
        of an utterance), so it may afford a wider beam."""
        ...


class VoiceDetector(Protocol):
    """Stateful speech probability per ``VAD_WINDOW`` samples, fed in order."""

    def probabilities(self, windows: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """``windows`` has shape (n, VAD_WINDOW); returns n probabilities in [0, 1]."""
        ...

    def reset(self) -> None:
        """Forget the recurrent state (after a gap in the audio)."""
        ...


class AudioSource(Protocol):
    """Where audio comes from: a microphone or a recording replayed."""

    @property
    def name(self) -> str: ...

    @property
    def finished(self) -> bool:
        """True once no more audio will ever come (end of a recording)."""
        ...

    @property
    def overflows(self) -> int:
        """Blocks dropped because the queue was full."""
        ...

    @property
    def paced(self) -> bool:
        """True when audio arrives at speaking pace (a microphone, a real-time
        replay); False for a replay as fast as possible."""
        ...

    @property
    def captured_s(self) -> float:
        """Stream time captured so far (queued or not)."""
        ...

    def level(self) -> AudioLevel: ...

    def start(self) -> None: ...

    def read(self, timeout: float) -> AudioChunk | None:
        """The next chunk, or None when none came within ``timeout`` seconds.
        Raises ``CaptureError`` when the device is lost."""
        ...

    def set_paused(self, paused: bool) -> None:
        """While paused, captured audio is discarded (a file stops advancing)."""
        ...

    def switch_device(self, device: str | int | None) -> None:
        """Capture from another device from now on (stream time continues)."""
        ...

    def stop(self) -> None: ...
