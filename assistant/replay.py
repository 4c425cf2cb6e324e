"""A recording replayed through the live pipeline, as if it were a microphone.

``FileSource`` decodes a file with ``assistant.audiofile.load_audio`` (or takes
samples already in memory) and a feeder thread puts blocks into the same kind
of bounded queue as the microphone: at speaking pace (``realtime=True``: a
block is released when its last sample would have been spoken) or as fast as
the consumer takes them.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant.audiofile import load_audio, load_channels
from assistant.capture import ChunkQueue, level_of
from assistant.errors import CaptureError
from assistant.streaming.events import AudioLevel
from assistant.types import SAMPLE_RATE, AudioArray, AudioChunk


class FileSource:
    """Replay of a recording (implements ``AudioSource``)."""

    def __init__(self, audio: AudioArray, name: str = "enregistrement", *,
                 realtime: bool = False, block_ms: int = 100, queue_seconds: float = 30.0,
                 speed: float = 1.0, channels: npt.NDArray[np.float32] | None = None) -> None:
        self.audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        self.channels = channels
        """Per channel (channels, samples), handed out with each chunk; None: mono."""
        self._name = name
        self.realtime = realtime
        self.speed = speed
        self.block = max(1, SAMPLE_RATE * block_ms // 1000)
        self._queue = ChunkQueue(max(2, int(queue_seconds * 1000 / block_ms)))
        self._produced = 0  # samples put in the queue
        self._consumed = 0  # samples handed out by read()
        self._done = threading.Event()
        self._stop = threading.Event()
        self._resume = threading.Event()
        self._resume.set()
        self._thread: threading.Thread | None = None
        self._level = AudioLevel()

    @classmethod
    def from_file(cls, path: Path, *, realtime: bool = False, block_ms: int = 100,
                  queue_seconds: float = 30.0, channels: int = 0) -> FileSource:
        """``channels``: keep that many channels apart (a French error when the
        recording has another number); 0: mixed down."""
        if channels:
            per_channel = load_channels(path, channels)
            return cls(per_channel.mean(axis=0), path.name, realtime=realtime,
                       block_ms=block_ms, queue_seconds=queue_seconds, channels=per_channel)
        return cls(load_audio(path), path.name, realtime=realtime, block_ms=block_ms,
                   queue_seconds=queue_seconds)

    @property
    def duration_s(self) -> float:
        return len(self.audio) / SAMPLE_RATE

    # ------------------------------------------------------------- AudioSource
    @property
    def name(self) -> str:
        return self._name

    @property
    def paced(self) -> bool:
        return self.realtime

    @property
    def finished(self) -> bool:
        return self._done.is_set() and self._queue.qsize() == 0

    @property
    def overflows(self) -> int:
        return self._queue.overflows

    @property
    def captured_s(self) -> float:
        return self._produced / SAMPLE_RATE

    def level(self) -> AudioLevel:
        return self._level

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._feed, name="assistant-replay", daemon=True)
        self._thread.start()

    def read(self, timeout: float) -> AudioChunk | None:
        block = self._queue.get(timeout)
        if block is None:
            return None
        start_s = self._consumed / SAMPLE_RATE
        per_channel = (None if self.channels is None
                       else self.channels[:, self._consumed : self._consumed + len(block)])
        self._consumed += len(block)
        self._level = level_of(block)
        return AudioChunk(block, start_s, per_channel)

    def set_paused(self, paused: bool) -> None:
        if paused:
            self._resume.clear()
        else:
            self._resume.set()

    def switch_device(self, device: str | int | None) -> None:
        raise CaptureError(
            f"« {self._name} » est un enregistrement, pas un micro : "
            f"impossible de passer au micro {device!r}.",
            "Lancez une session en direct pour choisir un micro.",
        )

    def stop(self) -> None:
        self._stop.set()
        self._resume.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)

    # --------------------------------------------------------------- internals
    def _feed(self) -> None:
        started = time.monotonic()
        paused_for = 0.0
        try:
            for offset in range(0, len(self.audio), self.block):
                if self._stop.is_set():
                    return
                if not self._resume.is_set():
                    t0 = time.monotonic()
                    self._resume.wait()
                    paused_for += time.monotonic() - t0
                block = self.audio[offset : offset + self.block]
                if self.realtime:
                    due = started + paused_for + (offset + len(block)) / SAMPLE_RATE / self.speed
                    delay = due - time.monotonic()
                    if delay > 0 and self._stop.wait(delay):
                        return
                    if not self._resume.is_set():  # paused while waiting: hold the block
                        t0 = time.monotonic()
                        self._resume.wait()
                        paused_for += time.monotonic() - t0
                    self._queue.put(block)  # like a microphone: never wait, count drops
                else:
                    while not self._queue.put_wait(block, timeout=0.1):
                        if self._stop.is_set():
                            return
                self._produced += len(block)
        finally:
            self._done.set()
