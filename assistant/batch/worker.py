"""The task that transcribes one recording, wherever it runs: in this process
or on a Dask worker.

Each process loads the model once and keeps it (``_CACHE``, one entry per
model spec), so a worker pays for the load on its first recording only. A
decode holds the model's lock: a worker started with several threads decodes
one recording at a time with it, on ``cpu_threads`` cores. An unusable
recording is a result with its French message, not an exception, so that Dask
does not retry it; an unexpected exception is left to Dask's retries.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.asr import DecodeOptions, SpeechModel
from assistant.batch.decode import transcribe_file
from assistant.errors import AssistantError
from assistant.settings import IdentifySettings
from assistant.types import Transcript


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """The model a task needs. ``path`` is the folder on the submitting machine;
    a worker without that folder looks ``name`` up in its own model store."""

    path: str
    name: str
    compute_type: str = "int8"
    cpu_threads: int | None = None
    """Threads for CTranslate2; None: the worker's own setting (model.cpu_threads)."""
    device: str = "cpu"


@dataclass(frozen=True, slots=True)
class Job:
    """One recording to transcribe."""

    index: int
    source: Path
    model: ModelSpec
    options: DecodeOptions
    look: IdentifySettings | None = None
    channels: tuple[str, ...] = ()
    """The role of each channel: segments labelled by speaker (``assistant.speakers``)."""
    voice: bool = False
    """One microphone: segments labelled by voice (``assistant.diarize``), with the
    models of the worker's own store."""
    voice_print: tuple[float, ...] | None = None
    """The agent's enrolled voice print, from the submitting workstation."""


@dataclass(frozen=True, slots=True)
class JobResult:
    index: int
    transcript: Transcript | None
    error: str | None
    worker: str
    """``host:pid`` of the process that ran it."""
    models_loaded: int
    """Models this process had loaded when it finished (1 when the cache works)."""
    seconds: float


@dataclass(frozen=True, slots=True)
class WorkerStats:
    name: str
    peak_rss_mb: float | None
    models_loaded: int
    recordings: int


_CACHE: dict[ModelSpec, tuple[SpeechModel, threading.Lock]] = {}
_CACHE_LOCK = threading.Lock()
_VOICE: list[object] = []  # this process's one-microphone models, loaded on first use
_COUNTS = {"loads": 0, "recordings": 0}


def _load(spec: ModelSpec) -> SpeechModel:
    from assistant.settings import load_settings

    settings = load_settings()
    folder = Path(spec.path)
    if not folder.is_dir():
        from assistant.modelstore import active_model_path

        folder = active_model_path(settings, spec.name)
    threads = spec.cpu_threads if spec.cpu_threads is not None else settings.model.cpu_threads
    return SpeechModel(folder, compute_type=spec.compute_type, cpu_threads=threads,
                       device=spec.device)


def cached_model(spec: ModelSpec) -> tuple[SpeechModel, threading.Lock]:
    """This process's model for ``spec``, loaded on first use."""
    with _CACHE_LOCK:
        entry = _CACHE.get(spec)
        if entry is None:
            entry = (_load(spec), threading.Lock())
            _CACHE[spec] = entry
            _COUNTS["loads"] += 1
        return entry


def cached_voice_models() -> object:
    """This process's one-microphone models (``assistant.diarize``), loaded once."""
    with _CACHE_LOCK:
        if not _VOICE:
            from assistant.diarize.enroll import load_voice_models
            from assistant.settings import load_settings

            _VOICE.append(load_voice_models(load_settings()))
        return _VOICE[0]


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_job(job: Job) -> JobResult:
    """Transcribe ``job.source``; an ``AssistantError`` becomes the result's error."""
    start = time.perf_counter()
    transcript: Transcript | None = None
    error: str | None = None
    try:
        model, lock = cached_model(job.model)
        voice = None
        if job.voice:
            import numpy as np

            from assistant.diarize.labeller import VoiceLabelling

            enrolled = (np.asarray(job.voice_print, dtype=np.float32)
                        if job.voice_print is not None else None)
            voice = VoiceLabelling(cached_voice_models(), enrolled)  # type: ignore[arg-type]
        with lock:
            transcript = transcribe_file(model, job.source, job.options, None, job.look,
                                         job.channels, voice)
    except AssistantError as exc:
        error = str(exc)
    _COUNTS["recordings"] += 1
    return JobResult(job.index, transcript, error, process_name(), _COUNTS["loads"],
                     round(time.perf_counter() - start, 3))


def peak_rss_mb() -> float | None:
    """This process's peak resident memory, or None where the system does not
    say (Windows has no ``resource`` module)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Kilobytes on Linux, bytes on macOS.
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def worker_stats() -> WorkerStats:
    """This process's peak memory, models loaded and recordings run."""
    return WorkerStats(process_name(), peak_rss_mb(), _COUNTS["loads"],
                       _COUNTS["recordings"])
