"""``run_batch``: transcribe a plan's recordings in this process or on Dask,
write each one's outputs as soon as it is back, skip what is already done.

The submitting process hashes the recordings, decides what to skip, renders
and writes every output (atomically) and the sidecar; workers only decode and
send back a ``Transcript``. So outputs are written in one place even when the
workers are other machines, and a lost worker loses no file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, Protocol, cast

from assistant.asr import DecodeOptions
from assistant.batch.plan import (
    Recording,
    file_sha256,
    find_recordings,
    fingerprint,
    is_done,
    write_outputs,
)
from assistant.batch.worker import (
    Job,
    JobResult,
    ModelSpec,
    WorkerStats,
    cached_model,
    cached_voice_models,
    run_job,
)
from assistant.errors import AudioFileError
from assistant.settings import DictationSettings, IdentifySettings, Settings
from assistant.types import Transcript

Status = Literal["done", "skipped", "failed"]


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """The recordings of a batch and everything that shapes their outputs."""

    recordings: tuple[Recording, ...]
    formats: tuple[str, ...]
    model: ModelSpec
    options: DecodeOptions
    look: IdentifySettings | None
    dictation: DictationSettings | None
    """Set for ``--dictation``: voice commands applied to the text."""
    settings_fp: str
    channels: tuple[str, ...] = ()
    """The role of each channel (``--channels``): segments labelled by speaker."""
    voice: bool = False
    """One microphone (``--speakers voice``): segments labelled by voice."""
    voice_print: tuple[float, ...] | None = None
    """The agent's enrolled voice print (``assistant voix enregistrer``), if any."""


@dataclass(frozen=True, slots=True)
class Outcome:
    recording: Recording
    status: Status
    error: str | None = None
    outputs: tuple[Path, ...] = ()
    audio_s: float = 0.0
    worker: str = ""

    @property
    def label(self) -> str:
        return self.recording.label


@dataclass(slots=True)
class BatchReport:
    outcomes: list[Outcome] = field(default_factory=list)
    workers: list[WorkerStats] = field(default_factory=list)

    @property
    def audio_s(self) -> float:
        return sum(o.audio_s for o in self.outcomes)

    def count(self, status: Status) -> int:
        return sum(o.status == status for o in self.outcomes)


class Listener(Protocol):
    def started(self, total: int, to_do: int) -> None: ...
    def finished(self, outcome: Outcome) -> None: ...


class _Silent:
    def started(self, total: int, to_do: int) -> None:
        pass

    def finished(self, outcome: Outcome) -> None:
        pass


def plan_batch(inputs: Sequence[Path], out_dir: Path, settings: Settings, *,
               formats: Sequence[str] = ("txt",), recursive: bool = False,
               model: str | None = None, options: DecodeOptions | None = None,
               look: IdentifySettings | None = None, dictation: bool = False,
               channels: Sequence[str] = (), voice: bool = False,
               voice_print: Sequence[float] | None = None) -> BatchPlan:
    """Find the recordings and fix the settings. Raises InputError, ModelError."""
    from assistant.modelstore import active_model_path, check_model_folder

    folder = check_model_folder(active_model_path(settings, model))
    if options is None:
        options = DecodeOptions.from_settings(settings)
    if look is None and not dictation:
        look = settings.identify
    spec = ModelSpec(str(folder.absolute()), folder.name, settings.model.compute_type,
                     settings.model.cpu_threads or None, settings.model.device)
    weights = folder / "model.bin"
    dictation_settings = settings.dictation if dictation else None
    shaping: dict[str, object] = {
        "model": [folder.name, spec.compute_type, weights.stat().st_size
                  if weights.exists() else None],
        "options": options, "look": look, "dictation": dictation_settings}
    if channels:  # absent otherwise, so that earlier outputs stay done
        shaping["channels"] = list(channels)
    printed = tuple(float(x) for x in voice_print) if voice and voice_print is not None else None
    if voice:
        shaping["speakers"] = ["voice", list(printed) if printed else None]
    return BatchPlan(tuple(find_recordings(inputs, out_dir, recursive)), tuple(formats), spec,
                     options, look, dictation_settings, fingerprint(shaping), tuple(channels),
                     voice, printed)


def local_threads(workers: int, setting: int | None) -> int:
    """CTranslate2 threads for each of ``workers`` local processes: the cores
    shared out (never fewer than one), no more than ``setting`` when it is set."""
    share = max(1, (os.cpu_count() or 1) // workers)
    return min(share, setting) if setting else share


def run_batch(plan: BatchPlan, *, jobs: int | None = None, scheduler: str | None = None,
              listener: Listener | None = None) -> BatchReport:
    """Transcribe what is not done yet: in this process (neither ``jobs`` nor
    ``scheduler``), on a local cluster of ``jobs`` processes, or on the Dask
    scheduler at ``scheduler``."""
    listener = listener or _Silent()
    report = BatchReport()
    pending: list[tuple[Recording, str]] = []
    for rec in plan.recordings:
        try:
            sha = file_sha256(rec.source)
        except OSError as exc:
            report.outcomes.append(_unreadable(rec, exc))
            continue
        if is_done(rec, sha, plan.settings_fp, plan.formats):
            report.outcomes.append(Outcome(rec, "skipped"))
        else:
            pending.append((rec, sha))
    listener.started(len(plan.recordings), len(pending))
    for outcome in report.outcomes:
        listener.finished(outcome)
    if not pending:
        return report
    spec = plan.model
    if jobs is not None:
        spec = replace(spec, cpu_threads=local_threads(jobs, spec.cpu_threads))
    elif scheduler is not None:
        spec = replace(spec, cpu_threads=None)
    job_list = [Job(n, rec.source, spec, plan.options, plan.look, plan.channels, plan.voice,
                    plan.voice_print)
                for n, (rec, _sha) in enumerate(pending)]
    if jobs is None and scheduler is None:
        cached_model(spec)  # a model that cannot load stops the batch before any file
        if plan.voice:
            cached_voice_models()
        results: Iterator[JobResult] = (run_job(job) for job in job_list)
        for result in results:
            _finish(plan, pending[result.index], result, report, listener)
        return report
    from assistant.batch.cluster import DaskPool

    pool = DaskPool(workers=jobs) if scheduler is None else DaskPool(address=scheduler)
    with pool:
        for result in pool.run(job_list):
            _finish(plan, pending[result.index], result, report, listener)
        report.workers = pool.stats()
    return report


def _finish(plan: BatchPlan, item: tuple[Recording, str], result: JobResult,
            report: BatchReport, listener: Listener) -> None:
    rec, sha = item
    if result.transcript is None:
        outcome = Outcome(rec, "failed", result.error or "Échec inconnu.", worker=result.worker)
    else:
        try:
            paths = write_outputs(rec, sha, plan.settings_fp, render_all(plan, result.transcript))
            outcome = Outcome(rec, "done", None, tuple(paths), result.transcript.duration,
                              result.worker)
        except OSError as exc:
            outcome = Outcome(rec, "failed", f"Impossible d'écrire le résultat de {rec.label} : "
                              f"{exc.strerror or exc}.\n  → Vérifiez le dossier de sortie "
                              "(droits, place libre).", worker=result.worker)
    report.outcomes.append(outcome)
    listener.finished(outcome)


def render_all(plan: BatchPlan, transcript: Transcript) -> dict[str, str]:
    """Each requested rendering of ``transcript``."""
    from assistant.formats import Format, render

    texts: dict[str, str] = {}
    for fmt in plan.formats:
        if plan.dictation is not None and fmt == "txt":
            from assistant.dictation import apply_dictation

            texts[fmt] = apply_dictation(transcript.text,
                                         plan.dictation.keep_whisper_marks) + "\n"
        else:
            texts[fmt] = render(transcript, cast("Format", fmt),
                                words=plan.options.word_timestamps)
    return texts


def _unreadable(rec: Recording, exc: OSError) -> Outcome:
    if isinstance(exc, FileNotFoundError):
        error = AudioFileError(f"Fichier introuvable : {rec.label}.",
                               "Vérifiez le chemin et le nom du fichier.")
    else:
        error = AudioFileError(f"Lecture impossible : {rec.label} ({exc.strerror or exc}).",
                               "Vérifiez les droits sur le fichier.")
    return Outcome(rec, "failed", str(error))
