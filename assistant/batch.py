"""Batch transcription of recordings: decode the file, run the model, collect
a ``Transcript``, reporting progress through a callback.

Kept apart from the CLI so that benchmarks and tests drive exactly what
``assistant transcribe`` runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.asr import DecodeOptions, SpeechModel
from assistant.audiofile import load_audio
from assistant.types import SAMPLE_RATE, Segment, Transcript

Progress = Callable[[float, float], None]
"""Called with (seconds decoded so far, total seconds)."""


def transcribe_file(model: SpeechModel, path: Path, options: DecodeOptions,
                    progress: Progress | None = None) -> Transcript:
    """Transcribe one recording. Raises AudioFileError for unusable files."""
    audio = load_audio(path)
    duration = len(audio) / SAMPLE_RATE
    segments: list[Segment] = []
    if progress:
        progress(0.0, duration)
    for seg in model.segments(audio, options):
        segments.append(seg)
        if progress:
            progress(min(seg.end, duration), duration)
    if progress:
        progress(duration, duration)
    return Transcript(language=options.language, duration=duration, segments=tuple(segments))
