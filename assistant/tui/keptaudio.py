"""An audio source that keeps, in memory only, what it hands out: the
dictation's recording for the full re-reading at its end (no Textual)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.types import SAMPLE_RATE, AudioArray, AudioChunk

if TYPE_CHECKING:
    from assistant.streaming.events import AudioLevel
    from assistant.streaming.protocols import AudioSource


class KeptAudio:
    """An audio source that keeps, in memory only, what it hands out (up to
    ``max_s`` seconds), for the full re-reading after the dictation."""

    def __init__(self, source: AudioSource, max_s: float) -> None:
        self.source = source
        self.max_samples = int(max_s * SAMPLE_RATE)
        self._chunks: list[AudioArray] = []
        self._kept = 0
        self._paused = False
        self.overflowed = False

    def audio(self) -> AudioArray | None:
        """Everything heard so far, or None when nothing was kept or it was too long."""
        if self.overflowed or not self._chunks:
            return None
        import numpy as np

        return np.concatenate(self._chunks)

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def finished(self) -> bool:
        return self.source.finished

    @property
    def overflows(self) -> int:
        return self.source.overflows

    @property
    def paced(self) -> bool:
        return self.source.paced

    @property
    def captured_s(self) -> float:
        return self.source.captured_s

    def level(self) -> AudioLevel:
        return self.source.level()

    def start(self) -> None:
        self.source.start()

    def read(self, timeout: float) -> AudioChunk | None:
        chunk = self.source.read(timeout)
        if chunk is not None and not self.overflowed and not self._paused:
            if self._kept + len(chunk.samples) > self.max_samples:
                self.overflowed = True
                self._chunks = []
            else:
                self._chunks.append(chunk.samples.copy())
                self._kept += len(chunk.samples)
        return chunk

    def set_paused(self, paused: bool) -> None:
        # What is said during a pause is not dictation: it is not kept either.
        self._paused = paused
        self.source.set_paused(paused)

    def switch_device(self, device: str | int | None) -> None:
        self.source.switch_device(device)

    def stop(self) -> None:
        self.source.stop()
