"""Optional keeping of a session's audio: FLAC beside the database.

Only used when ``store.keep_audio`` is set. The file lives in ``audio/``
next to the database (folder 0700, file 0600), is named after the session,
and is erased with it (delete, purge: same retention as its transcript).
Audio is written as it arrives; after a crash the file holds what the
encoder had flushed (FLAC stays decodable without its final header update).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import av
import numpy as np

from assistant.errors import StoreError
from assistant.types import SAMPLE_RATE, AudioArray


def audio_path(db_path: Path, session_id: int) -> Path:
    return db_path.parent / "audio" / f"session-{session_id}.flac"


class AudioKeeper:
    """Encodes 16 kHz mono float32 blocks into one FLAC file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            os.close(fd)
            self._container = av.open(str(path), mode="w", format="flac")
        except (OSError, av.error.FFmpegError) as exc:
            raise StoreError(
                f"Impossible d'écrire l'audio de la session dans {path} ({exc}).",
                "Vérifiez l'espace disque, ou désactivez store.keep_audio.",
            ) from None
        self._stream = self._container.add_stream("flac", rate=SAMPLE_RATE, layout="mono")
        self.samples_written = 0
        self._closed = False

    def write(self, samples: AudioArray) -> None:
        if self._closed or len(samples) == 0:
            return
        pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self.samples_written
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.samples_written += pcm.shape[1]

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        self._container.close()

    def __enter__(self) -> AudioKeeper:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
