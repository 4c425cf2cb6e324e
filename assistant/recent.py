"""The last seconds of live audio, kept in memory to read an utterance again.

The second look and the number dictation (« Dictée d'un numéro ») decode a
committed utterance a second time with the output restricted to numbers; they
need that utterance's audio, which the streaming engine has already let go
of. ``LivePipeline`` hands every chunk it feeds the engine to a
``RecentAudio`` ring (bounded: ``seconds`` of audio, a few megabytes), where
its own thread or a worker takes a copy of a time range. Nothing here is
written to disk: keeping audio stays the store's choice (``store.keep_audio``).
"""

from __future__ import annotations

import threading
from collections import deque

import numpy as np

from assistant.types import SAMPLE_RATE, AudioArray, AudioChunk

KEEP_S = 60.0
"""Audio kept: a long utterance plus the time a reading may wait for its turn."""


class RecentAudio:
    """The latest ``seconds`` of stream audio, by stream time (thread-safe)."""

    def __init__(self, seconds: float = KEEP_S) -> None:
        self.seconds = seconds
        self._chunks: deque[AudioChunk] = deque()
        self._samples = 0
        self._lock = threading.Lock()

    def add(self, chunk: AudioChunk) -> None:
        """Keep ``chunk`` (pipeline thread); the oldest audio beyond the limit goes."""
        limit = int(self.seconds * SAMPLE_RATE)
        with self._lock:
            self._chunks.append(chunk)
            self._samples += len(chunk.samples)
            while len(self._chunks) > 1 and self._samples - len(self._chunks[0].samples) >= limit:
                self._samples -= len(self._chunks.popleft().samples)

    def between(self, start_s: float, end_s: float) -> AudioArray:
        """A copy of the audio kept in ``[start_s, end_s)`` (empty if none is)."""
        with self._lock:
            chunks = list(self._chunks)
        pieces: list[AudioArray] = []
        for chunk in chunks:
            if chunk.end_s <= start_s or chunk.start_s >= end_s:
                continue
            lo = max(0, round((start_s - chunk.start_s) * SAMPLE_RATE))
            hi = min(len(chunk.samples), round((end_s - chunk.start_s) * SAMPLE_RATE))
            if hi > lo:
                pieces.append(chunk.samples[lo:hi])
        if not pieces:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(pieces).astype(np.float32, copy=False)
