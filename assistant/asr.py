"""The speech recogniser: with ``assistant.asr_constrained`` (number spans
decoded with a restricted vocabulary), the only module that runs faster_whisper.

It loads a local model folder (never a hub), decodes 16 kHz float32 audio and
translates faster-whisper's segments and words into the project's frozen
``Segment`` and ``Word``. Batch transcription calls ``SpeechModel.transcribe``;
the streaming engine calls it too, or ``SpeechModel.transcribe_short`` (a short
buffer through a shortened encoder input) when ``streaming.short_encoder`` is on.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.coverage import Span, uncovered_speech
from assistant.errors import ModelError
from assistant.guards import (
    SegmentLoop,
    comparable_words,
    count_pieces,
    cut_text_loop,
    cut_words_loop,
    ends_with_repeat,
    fix_year_artifacts,
    is_hallucination,
)
from assistant.modelstore import active_model_path, check_model_folder
from assistant.settings import Settings
from assistant.types import SAMPLE_RATE, AudioArray, Segment, Word
from assistant.vocabulary import default_prompt

LOOP_COMPRESSION_RATIO = 2.4
"""faster-whisper's own threshold for a repetitive (looping) decoding."""
FULL_WINDOW_FRAMES = 3000
"""Whisper's 30 s window in mel frames (10 ms each); the encoder halves it."""
WHISPER_FALLBACK = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
"""Whisper's temperature fallback (sampling: the text changes from run to run)."""
LOOP_PIECE_S = 0.5
"""How long each piece of a looping segment's kept text is taken to have lasted when
no word times say it (``guards.count_pieces``; a word or a number group took 0.3 to
0.6 s in the word times of the held-out decodings)."""
RECOVERY_ROUNDS = 4
"""How many times speech no segment covers is decoded again between two segments:
a decoding of it may loop in turn and cover only its start."""
_Decoded = tuple[Segment, bool]
"""A decoded segment and whether its text was cut out of a decoding loop."""
BATCHED_VAD = {"speech_pad_ms": 800, "threshold": 0.35}
"""Silero VAD for the batched pipeline's chunks: with faster-whisper's defaults
(pad 400 ms, threshold 0.5) a five-minute recording lost whole turns; with
these, no run of words that the sequential path heard is lost (docs/batch.md)."""



@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """What one decoding pass is asked to do."""

    language: str = "fr"
    beam_size: int = 5
    initial_prompt: str | None = None
    vad_filter: bool = True
    word_timestamps: bool = False
    temperatures: tuple[float, ...] = (0.0,)
    """Only 0: deterministic. ``WHISPER_FALLBACK`` samples when a window fails."""
    condition_on_previous_text: bool = True
    drop_hallucinations: bool = True
    # Streaming passes a short buffer: no 30 s padding tricks, no timestamps search.
    no_speech_threshold: float | None = 0.6
    log_prob_threshold: float | None = -1.0
    compression_ratio_threshold: float | None = 2.4
    repetition_penalty: float = 1.0
    vad_min_silence_ms: int = 500
    recover_uncovered: bool = False
    """Decode again the speech that no segment covers (``assistant.coverage``)."""
    prompt_min_s: float = 0.0
    """``initial_prompt`` only for audio at least this long (``decoding.prompt_min_s``)."""
    batch_size: int = 0
    """0: one sequential pass. More: faster-whisper's BatchedInferencePipeline,
    this many VAD chunks per batch (``BATCHED_VAD``; docs/batch.md has the figures)."""
    extra: dict[str, object] = field(default_factory=dict)

    def for_audio(self, seconds: float) -> DecodeOptions:
        """These options for a recording of ``seconds``: without the prompt when
        it is shorter than ``prompt_min_s``."""
        if self.initial_prompt and seconds < self.prompt_min_s:
            return replace(self, initial_prompt=None)
        return self

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
            prompt_min_s=d.prompt_min_s,
            temperatures=WHISPER_FALLBACK if d.temperature_fallback else (0.0,),
            recover_uncovered=d.recover_uncovered,
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
        self.short_fallbacks = 0
        """Passes of ``transcribe_short`` that had to be decoded again in a full window."""
        self._batched: Any = None
        threads = cpu_threads or default_threads()
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:  # pragma: no cover - install problem
            raise ModelError(
                f"faster-whisper est introuvable ({exc}).",
                "Réinstallez le programme (« pip install --force-reinstall assistant »), "
                "ou lancez « bash scripts/setup.sh » dans une copie du dépôt.",
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

    @property
    def whisper(self) -> Any:
        """The faster-whisper model, for the edge modules that decode with it
        directly (``assistant.asr_constrained``)."""
        return self._model

    def segments(self, audio: AudioArray, options: DecodeOptions,
                 offset_s: float = 0.0) -> Iterator[Segment]:
        """Decode ``audio`` lazily, segment by segment (times shifted by ``offset_s``)."""
        options = options.for_audio(len(audio) / SAMPLE_RATE)
        if options.batch_size > 0:
            decoded = self._decode_batched(audio, options)
        else:
            decoded = self._decode(audio, options)
        if options.recover_uncovered and options.batch_size <= 0:
            pieces = self._with_uncovered(audio, options, decoded)
        else:
            pieces = (seg for seg, _looped in decoded)
        for next_id, seg in enumerate(pieces):
            yield _shifted(seg, offset_s, next_id)

    def _decode(self, audio: AudioArray, options: DecodeOptions) -> Iterator[_Decoded]:
        """One faster-whisper pass, hallucinations dropped, times local to ``audio``."""
        vad_parameters = {"min_silence_duration_ms": options.vad_min_silence_ms}
        raw_segments, _info = self._model.transcribe(
            audio,
            vad_filter=options.vad_filter,
            vad_parameters=vad_parameters if options.vad_filter else None,
            condition_on_previous_text=options.condition_on_previous_text,
            **_decoding_kwargs(options),
        )
        return self._translated(raw_segments, options)

    def _decode_batched(self, audio: AudioArray, options: DecodeOptions) -> Iterator[_Decoded]:
        """faster-whisper's BatchedInferencePipeline: the audio cut at the VAD's
        silences into chunks of at most 30 s, ``batch_size`` decoded at once,
        each without the previous text (one segment per chunk)."""
        from faster_whisper import BatchedInferencePipeline

        if self._batched is None:
            self._batched = BatchedInferencePipeline(self._model)
        raw_segments, _info = self._batched.transcribe(
            audio, vad_filter=True, vad_parameters=BATCHED_VAD, batch_size=options.batch_size,
            **_decoding_kwargs(options))
        return self._translated(raw_segments, options)

    def _translated(self, raw_segments: Any, options: DecodeOptions) -> Iterator[_Decoded]:
        """faster-whisper segments as the project's, hallucinations dropped, and a loop
        cut whether it stays inside a segment or repeats whole segments; each with
        whether its text was cut out of a loop."""
        loop = SegmentLoop()
        for raw in raw_segments:
            whole = fix_year_artifacts(raw.text.strip())
            text = cut_text_loop(whole)
            if options.drop_hallucinations and is_hallucination(
                text, raw.no_speech_prob, raw.avg_logprob
            ):
                continue
            if loop.repeats(text):
                continue
            words = tuple(
                Word(start=w.start, end=w.end, text=w.word.strip(), probability=w.probability)
                for w in (raw.words or ())
                if w.word.strip()
            )
            words = cut_words_loop(words)
            looped = text != whole
            end = raw.end
            if looped:
                # The loop's timestamps claim speech it never wrote (up to a whole
                # window): the segment ends where its kept text does, so that the
                # speech after it counts as not covered (``_with_uncovered``).
                end = min(end, words[-1].end if words
                          else raw.start + LOOP_PIECE_S * max(1, count_pieces(text)))
            yield (Segment(id=0, start=raw.start, end=end, text=text, words=words,
                           avg_logprob=raw.avg_logprob, no_speech_prob=raw.no_speech_prob),
                   looped)

    def _with_uncovered(self, audio: AudioArray, options: DecodeOptions,
                        pieces: Iterator[_Decoded]) -> Iterator[Segment]:
        """``pieces``, with the speech that none of them covers decoded again
        and put in its place (the text before it as the prompt)."""
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        spans = [Span(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE)
                 for s in get_speech_timestamps(audio, VadOptions(
                     min_silence_duration_ms=options.vad_min_silence_ms, speech_pad_ms=100))]
        again = replace(options, recover_uncovered=False)
        said: list[str] = []
        last_end = 0.0
        after_loop = False

        def recovered(before: float) -> Iterator[Segment]:
            nonlocal last_end, after_loop
            for _ in range(RECOVERY_ROUNDS):
                gap = uncovered_speech(spans, last_end, before)
                if gap is None:
                    return
                lo = int(gap.start * SAMPLE_RATE)
                hi = min(len(audio), int((gap.end + 0.2) * SAMPLE_RATE))
                # The text before as the prompt, for continuity; but a loop's kept
                # copies in a prompt prime the same loop: then the job's prompt.
                prompt = ("" if after_loop else " ".join(said)[-400:]) or options.initial_prompt
                reached = last_end
                for seg, looped in self._decode(audio[lo:hi],
                                                replace(again, initial_prompt=prompt)):
                    seg = _shifted(seg, lo / SAMPLE_RATE, 0)
                    reached = max(reached, min(seg.end, before))
                    if not _repeats(seg.text, said):
                        said.append(seg.text)
                        after_loop = looped
                        yield seg
                # A decoding that looped covers only the start of the gap: the
                # rest is decoded again, as long as each round gets further.
                if reached <= last_end:
                    return
                last_end = reached

        for seg, looped in pieces:
            yield from recovered(seg.start)
            said.append(seg.text)
            after_loop = looped
            last_end = max(last_end, seg.end)
            yield seg
        yield from recovered(len(audio) / SAMPLE_RATE)

    def transcribe(self, audio: AudioArray, options: DecodeOptions,
                   offset_s: float = 0.0) -> tuple[Segment, ...]:
        return tuple(self.segments(audio, options, offset_s))

    @staticmethod
    def _short_window_failed(tokens: list[int], compression_ratio: float, tokenizer: Any,
                             content_frames: int, max_new_tokens: int | None) -> bool:
        """Whether a shortened window's decoding went wrong: a loop (the text
        compresses too well, the token cap was reached without a closing
        timestamp, or the text ends with its own repeat) or text after a
        timestamp past the end of the audio."""
        if compression_ratio > LOOP_COMPRESSION_RATIO:
            return True
        if max_new_tokens and len(tokens) >= max_new_tokens and tokens \
                and tokens[-1] < tokenizer.timestamp_begin:
            return True
        content_s = content_frames / 100
        after_end = False
        for token in tokens:
            if token >= tokenizer.timestamp_begin:
                after_end = _timestamp_s(token, tokenizer.timestamp_begin) > content_s + 0.2
            elif after_end:
                return True
        text = tokenizer.decode([t for t in tokens if t < tokenizer.timestamp_begin])
        return ends_with_repeat(text)

    def transcribe_short(self, audio: AudioArray, options: DecodeOptions, offset_s: float = 0.0,
                         margin_s: float = 1.0, round_s: float = 1.0,
                         full_fallback: bool = True) -> tuple[Segment, ...]:
        """Decode a short buffer without padding the encoder input to 30 s.

        faster-whisper always pads the mel features to 3000 frames, and the
        encoder is most of a pass on a buffer of a few seconds. Here the
        features are padded (with zeros, as ``pad_or_trim`` does) only to the
        buffer's length plus ``margin_s``, rounded up to ``round_s``; the
        decoding (``generate_with_fallback``), the timestamp split and the
        word alignment (on the real number of frames) are faster-whisper's
        own. No VAD filter (the streaming engine gates on voice activity) and a
        single window: text after the last timestamp is kept up to the end of
        the buffer (the engine decides what to commit). Buffers too long for a
        shortened window go through ``transcribe``. ``full_fallback``: a
        decoding that loops in the shortened window is decoded again in a full
        one (False: kept as it is, for the caller's guards; that second decoding
        can cost ten times a pass).
        """
        model = self._model
        extractor = model.feature_extractor
        margin = int(margin_s * 100)
        if len(audio) / SAMPLE_RATE * 100 + margin >= FULL_WINDOW_FRAMES or options.vad_filter:
            return self.transcribe(audio, options, offset_s)
        import numpy as np
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import TranscriptionOptions, get_suppressed_tokens

        features = extractor(audio)
        content_frames = features.shape[-1] - 1
        tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual,
                              task="transcribe", language=options.language)
        extra = dict(options.extra)
        fw_options = TranscriptionOptions(
            beam_size=options.beam_size, best_of=5, patience=1.0, length_penalty=1.0,
            repetition_penalty=options.repetition_penalty, no_repeat_ngram_size=0,
            log_prob_threshold=options.log_prob_threshold,
            no_speech_threshold=options.no_speech_threshold,
            compression_ratio_threshold=options.compression_ratio_threshold,
            condition_on_previous_text=options.condition_on_previous_text,
            prompt_reset_on_temperature=0.5, temperatures=list(options.temperatures),
            initial_prompt=options.initial_prompt, prefix=None, suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, [-1]), without_timestamps=False,
            max_initial_timestamp=1.0, word_timestamps=options.word_timestamps,
            prepend_punctuations="\"'“¿([{-",
            append_punctuations="\"'.。,，!！?？:：”)]}、",
            multilingual=False, max_new_tokens=extra.pop("max_new_tokens", None),
            clip_timestamps=[], hallucination_silence_threshold=None, hotwords=None,
        )
        if extra:
            raise ValueError(f"transcribe_short: unsupported options {sorted(extra)}")
        prompt_tokens: list[int] = []
        if options.initial_prompt:
            prompt_tokens = tokenizer.encode(" " + options.initial_prompt.strip())
        size = content_frames
        step = max(2, int(round_s * 100))
        padded = min(FULL_WINDOW_FRAMES, math.ceil((size + margin) / step) * step)
        window = np.zeros((features.shape[0], padded), dtype=np.float32)
        window[:, :size] = features[:, :size]
        encoder_output = model.encode(window)
        prompt = model.get_prompt(tokenizer, prompt_tokens)
        result, avg_logprob, _temperature, ratio = model.generate_with_fallback(
            encoder_output, prompt, tokenizer, fw_options)
        if full_fallback and self._short_window_failed(
                list(result.sequences_ids[0]), ratio, tokenizer, size,
                fw_options.max_new_tokens):
            # A window far shorter than the 30 s Whisper was trained on can make
            # it loop (the same words again in the zero padding): decode this
            # buffer once more in a full window rather than lose its words.
            self.short_fallbacks += 1
            return self.transcribe(audio, options, offset_s)
        if (options.no_speech_threshold is not None
                and result.no_speech_prob > options.no_speech_threshold
                and not (options.log_prob_threshold is not None
                         and avg_logprob > options.log_prob_threshold)):
            return ()
        tokens = list(result.sequences_ids[0])
        if tokens and tokens[-1] < tokenizer.timestamp_begin:
            # One window only (the buffer is the whole input): text after the
            # last timestamp is kept, closed at the end of the audio, instead
            # of being decoded again in a second window as generate_segments does.
            end_position = min(size // model.input_stride, 1500)
            tokens.append(tokenizer.timestamp_begin + end_position)
        pieces, _seek, _single = model._split_segments_by_timestamps(
            tokenizer=tokenizer, tokens=tokens, time_offset=0.0, segment_size=size,
            segment_duration=size * extractor.time_per_frame, seek=0)
        if options.word_timestamps:
            model.add_word_timestamps([pieces], tokenizer, encoder_output, size,
                                      fw_options.prepend_punctuations,
                                      fw_options.append_punctuations,
                                      last_speech_timestamp=0.0)
        out: list[Segment] = []
        for piece in pieces:
            raw_text = tokenizer.decode(piece["tokens"])
            if piece["start"] == piece["end"] or not raw_text.strip():
                continue
            text = fix_year_artifacts(raw_text.strip())
            if options.drop_hallucinations and is_hallucination(
                text, result.no_speech_prob, avg_logprob
            ):
                continue
            words = tuple(
                Word(start=round(w["start"] + offset_s, 3), end=round(w["end"] + offset_s, 3),
                     text=w["word"].strip(), probability=round(w["probability"], 4))
                for w in piece.get("words") or ()
                if w["word"].strip()
            )
            out.append(Segment(
                id=len(out), start=round(piece["start"] + offset_s, 3),
                end=round(piece["end"] + offset_s, 3), text=text, words=words,
                avg_logprob=round(avg_logprob, 4),
                no_speech_prob=round(result.no_speech_prob, 4),
            ))
        return tuple(out)


def _decoding_kwargs(options: DecodeOptions) -> dict[str, Any]:
    """The arguments that faster-whisper's sequential and batched ``transcribe`` share."""
    return dict(
        language=options.language,
        beam_size=options.beam_size,
        initial_prompt=options.initial_prompt,
        word_timestamps=options.word_timestamps,
        temperature=list(options.temperatures),
        no_speech_threshold=options.no_speech_threshold,
        log_prob_threshold=options.log_prob_threshold,
        compression_ratio_threshold=options.compression_ratio_threshold,
        repetition_penalty=options.repetition_penalty,
        **options.extra,
    )


def _shifted(seg: Segment, offset_s: float, seg_id: int) -> Segment:
    """``seg`` numbered ``seg_id``, its times moved by ``offset_s`` and rounded."""
    return replace(
        seg, id=seg_id, start=round(seg.start + offset_s, 3), end=round(seg.end + offset_s, 3),
        words=tuple(replace(w, start=round(w.start + offset_s, 3), end=round(w.end + offset_s, 3),
                            probability=round(w.probability, 4)) for w in seg.words),
        avg_logprob=round(seg.avg_logprob, 4), no_speech_prob=round(seg.no_speech_prob, 4))


def _repeats(text: str, said: list[str]) -> bool:
    """Whether ``text`` only says again the end of what was already said."""
    new = comparable_words(text)
    old = comparable_words(" ".join(said[-2:]))
    return not new or (len(new) <= len(old) and old[-len(new):] == new)


def _timestamp_s(token: int, timestamp_begin: int) -> float:
    return (token - timestamp_begin) * 0.02


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
