"""The speech recogniser: the only module that imports faster_whisper.

It loads a local model folder (never a hub), decodes 16 kHz float32 audio and
translates faster-whisper's segments and words into the project's frozen
``Segment`` and ``Word``. Batch transcription and the streaming engine both
call ``SpeechModel.transcribe``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import ModelError
from assistant.guards import fix_year_artifacts, is_hallucination
from assistant.modelstore import active_model_path, check_model_folder
from assistant.settings import Settings
from assistant.types import SAMPLE_RATE, AudioArray, Segment, Word
from assistant.vocabulary import default_prompt


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """What one decoding pass is asked to do."""

    language: str = "fr"
    beam_size: int = 5
    initial_prompt: str | None = None
    vad_filter: bool = True
    word_timestamps: bool = False
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    condition_on_previous_text: bool = True
    drop_hallucinations: bool = True
    # Streaming passes a short buffer: no 30 s padding tricks, no timestamps search.
    no_speech_threshold: float | None = 0.6
    log_prob_threshold: float | None = -1.0
    compression_ratio_threshold: float | None = 2.4
    repetition_penalty: float = 1.0
    vad_min_silence_ms: int = 500
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> DecodeOptions:
        d = settings.decoding
        prompt: str | None = None
        if d.use_prompt:
            prompt = d.prompt if d.prompt is not None else default_prompt()
        return cls(
            language=d.language,
            beam_size=d.beam_size,
            initial_prompt=prompt,
            vad_filter=d.vad_filter,
            word_timestamps=d.word_timestamps,
            drop_hallucinations=d.drop_hallucinations,
        )


def default_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class SpeechModel:
    """A loaded Whisper model. Thread-compatible: one decode at a time."""

    def __init__(self, folder: Path, compute_type: str = "int8", cpu_threads: int = 0,
                 device: str = "cpu") -> None:
        check_model_folder(folder)
        self.folder = folder
        self.name = folder.name
        self.compute_type = compute_type
        threads = cpu_threads or default_threads()
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:  # pragma: no cover - install problem
            raise ModelError(
                f"faster-whisper est introuvable ({exc}).",
                "Lancez « bash scripts/setup.sh » pour installer l'environnement.",
            ) from None
        try:
            self._model = WhisperModel(
                str(folder),
                device=device,
                compute_type=compute_type,
                cpu_threads=threads,
                num_workers=1,
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(
                f"Impossible de charger le modèle {folder} : {exc}.",
                "Vérifiez que c'est un modèle faster-whisper (CTranslate2) complet, "
                "et le type de calcul (réglage model.compute_type).",
            ) from None

    def segments(self, audio: AudioArray, options: DecodeOptions,
                 offset_s: float = 0.0) -> Iterator[Segment]:
        """Decode ``audio`` lazily, segment by segment (times shifted by ``offset_s``)."""
        vad_parameters = {"min_silence_duration_ms": options.vad_min_silence_ms}
        raw_segments, _info = self._model.transcribe(
            audio,
            language=options.language,
            beam_size=options.beam_size,
            initial_prompt=options.initial_prompt,
            vad_filter=options.vad_filter,
            vad_parameters=vad_parameters if options.vad_filter else None,
            word_timestamps=options.word_timestamps,
            temperature=list(options.temperatures),
            condition_on_previous_text=options.condition_on_previous_text,
            no_speech_threshold=options.no_speech_threshold,
            log_prob_threshold=options.log_prob_threshold,
            compression_ratio_threshold=options.compression_ratio_threshold,
            repetition_penalty=options.repetition_penalty,
            **options.extra,
        )
        next_id = 0
        for raw in raw_segments:
            text = fix_year_artifacts(raw.text.strip())
            if options.drop_hallucinations and is_hallucination(
                text, raw.no_speech_prob, raw.avg_logprob
            ):
                continue
            words = tuple(
                Word(
                    start=round(w.start + offset_s, 3),
                    end=round(w.end + offset_s, 3),
                    text=w.word.strip(),
                    probability=round(w.probability, 4),
                )
                for w in (raw.words or ())
                if w.word.strip()
            )
            yield Segment(
                id=next_id,
                start=round(raw.start + offset_s, 3),
                end=round(raw.end + offset_s, 3),
                text=text,
                words=words,
                avg_logprob=round(raw.avg_logprob, 4),
                no_speech_prob=round(raw.no_speech_prob, 4),
            )
            next_id += 1

    def transcribe(self, audio: AudioArray, options: DecodeOptions,
                   offset_s: float = 0.0) -> tuple[Segment, ...]:
        return tuple(self.segments(audio, options, offset_s))


def duration_s(audio: AudioArray) -> float:
    return len(audio) / SAMPLE_RATE


def load_model(settings: Settings, override: str | None = None) -> SpeechModel:
    """Load the active model (``override``: a folder or a store name)."""
    folder = active_model_path(settings, override)
    return SpeechModel(
        folder,
        compute_type=settings.model.compute_type,
        cpu_threads=settings.model.cpu_threads,
        device=settings.model.device,
    )
