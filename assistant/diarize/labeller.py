"""Who said it on one microphone: the models run over a recording or a live session.

``VoiceModels`` loads the two models of the ``speakers`` folder of the model
store (installed by ``assistant models install --speakers``, checked against
the manifest's SHA-256): pyannote's segmentation-3.0 (onnxruntime) and
Resemblyzer's voice encoder (numpy). ``label_transcript`` labels a whole
recording (batch); ``LiveVoiceLabeller`` labels live commits once each.
The decisions are in ``assistant.diarize.core`` (pure).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.diarize import core
from assistant.diarize.encoder import VoiceEncoder, cosine
from assistant.diarize.segmentation import Segmenter
from assistant.diarize.weights import load_legacy_state_dict
from assistant.types import SAMPLE_RATE, Segment, Transcript, Word
from assistant.vad import SileroVad

SPEAKERS_MODEL = "speakers"
"""The model store's folder of the one-microphone models."""
SEGMENTATION_FILE = "segmentation-3.0.onnx"
ENCODER_FILE = "voice-encoder.pt"
PAD_S = 0.1
"""Audio kept either side of a piece's words for its embedding."""


@dataclass(slots=True)
class VoiceModels:
    segmenter: Segmenter
    encoder: VoiceEncoder
    vad: SileroVad | None = None

    @classmethod
    def load(cls, folder: Path, threads: int = 1) -> VoiceModels:
        return cls(Segmenter(folder / SEGMENTATION_FILE, threads),
                   VoiceEncoder(load_legacy_state_dict(folder / ENCODER_FILE)))

    def activity(self, audio: np.ndarray, offset_s: float = 0.0) -> list[core.Activity]:
        return [core.Activity(w.frame_times(), w.activity)
                for w in self.segmenter.windows(audio, offset_s)]

    def pauses(self, audio: np.ndarray, offset_s: float = 0.0) -> list[float]:
        """Pauses heard by the Silero VAD (``assistant.vad``), in seconds."""
        from assistant.streaming.protocols import VAD_WINDOW

        if self.vad is None:
            self.vad = SileroVad()
        self.vad.reset()
        n = len(audio) // VAD_WINDOW * VAD_WINDOW
        step = VAD_WINDOW * 1000  # 32 s at a time: the model keeps its state between calls
        probs = np.concatenate([
            self.vad.probabilities(np.asarray(audio[i : min(n, i + step)], dtype=np.float32))
            for i in range(0, n, step)] or [np.zeros(0, np.float32)])
        return [offset_s + t for t in core.pause_points(probs, VAD_WINDOW / SAMPLE_RATE)]

    def embed_spans(self, audio: np.ndarray, spans: Sequence[tuple[float, float]],
                    offset_s: float = 0.0) -> list[np.ndarray]:
        wavs = []
        for start, end in spans:
            lo = max(0, int((start - PAD_S - offset_s) * SAMPLE_RATE))
            hi = min(len(audio), int((end + PAD_S - offset_s) * SAMPLE_RATE))
            wavs.append(audio[lo:hi] if hi > lo else np.zeros(SAMPLE_RATE // 10, np.float32))
        return list(self.encoder.embed_many(wavs))


def label_transcript(transcript: Transcript, audio: np.ndarray, models: VoiceModels,
                     enrolled: np.ndarray | None = None) -> Transcript:
    """Batch: segments cut where the voice changes, labelled agent / usager / autre,
    numbered again from 0."""
    changes = core.merge_points(core.change_points(models.activity(audio)),
                                models.pauses(audio))
    pieces = [p for s in transcript.segments for p in core.split_at_changes(s, changes)]
    spoken = [p for p in pieces if p.text.strip()]  # a segment without text keeps None
    if not spoken:
        return transcript
    embeddings = models.embed_spans(audio, [_span(p) for p in spoken])
    result = core.settle_short(
        spoken, core.cluster(embeddings, [p.end - p.start for p in spoken]), embeddings)
    role = core.roles(spoken, result, enrolled)
    said = {id(p): role.get(k) for p, k in zip(spoken, result.labels, strict=True)}
    labelled = [replace(p, id=n, speaker=said.get(id(p))) for n, p in enumerate(pieces)]
    return replace(transcript, segments=tuple(labelled))


@dataclass(frozen=True, slots=True)
class VoiceLabelling:
    """What the batch path needs to label a recording by voice."""

    models: VoiceModels
    enrolled: np.ndarray | None = None

    def label(self, transcript: Transcript, audio: np.ndarray) -> Transcript:
        return label_transcript(transcript, audio, self.models, self.enrolled)


def _span(seg: Segment) -> tuple[float, float]:
    if seg.words:
        return seg.words[0].start, seg.words[-1].end
    return seg.start, seg.end


class LiveVoiceLabeller:
    """Live: keeps the last ``keep_s`` of audio; each committed segment is embedded
    and given to the nearer of two running speakers, once: a committed label never
    changes. The tentative words get a label too (``speaker``), which may change
    from step to step; it is computed again only when they grew by
    ``TENTATIVE_EVERY_S``. Roles: the enrolled voice, else the speaker of the first
    committed question; before any question the first voice heard stands for the
    agent. Live segments are not cut (an utterance ends at a pause)."""

    TENTATIVE_EVERY_S = 1.0
    TENTATIVE_MIN_S = 0.8

    def __init__(self, models: VoiceModels, enrolled: np.ndarray | None = None,
                 keep_s: float = 120.0) -> None:
        self.models = models
        self.enrolled = enrolled
        self.keep_s = keep_s
        self._chunks: deque[tuple[float, np.ndarray]] = deque()
        self.sums: list[np.ndarray] = []
        self.agent: int | None = None
        self.agent_fixed = False
        self._tentative: tuple[float, float, str | None] | None = None

    def add(self, start_s: float, samples: np.ndarray | None) -> None:
        if samples is None or not len(samples):
            return
        self._chunks.append((start_s, np.asarray(samples, dtype=np.float32).reshape(-1)))
        end = start_s + len(self._chunks[-1][1]) / SAMPLE_RATE
        while self._chunks and self._chunks[0][0] + len(self._chunks[0][1]) / SAMPLE_RATE \
                < end - self.keep_s:
            self._chunks.popleft()

    def _embed(self, start: float, end: float) -> np.ndarray | None:
        parts = [(s, a) for s, a in self._chunks
                 if s < end + PAD_S and s + len(a) / SAMPLE_RATE > start - PAD_S]
        if not parts:
            return None
        first = parts[0][0]
        length = round((parts[-1][0] - first) * SAMPLE_RATE) + len(parts[-1][1])
        audio = np.zeros(length, dtype=np.float32)
        for s, a in parts:  # a pause leaves a gap: it stays silent
            at = round((s - first) * SAMPLE_RATE)
            audio[at : at + len(a)] = a[: length - at]
        return self.models.embed_spans(audio, [(start, end)], first)[0]

    def _nearest(self, emb: np.ndarray, duration: float) -> int:
        """The running speaker of ``emb`` (a new one while fewer than two; -1: a
        third voice)."""
        sims = [cosine(emb, s_) for s_ in self.sums]
        best = int(np.argmax(sims)) if sims else -1
        if best >= 0 and sims[best] >= core.MERGE_SIM:
            return best
        if len(self.sums) < 2:
            return len(self.sums)  # a new speaker
        if sims[best] < core.OTHER_SIM and duration >= core.OTHER_MIN_S:
            return -1
        return best

    def _role(self, speaker: int, text: str, commit: bool) -> str:
        if speaker < 0:
            return "autre"
        agent, fixed = self.agent, self.agent_fixed
        if self.enrolled is not None and not fixed and self.sums:
            sims = [cosine(s_, self.enrolled) for s_ in self.sums]
            if max(sims) >= core.ENROLLED_SIM:
                agent, fixed = int(np.argmax(sims)), True
        if not fixed and core.is_question(text):
            agent, fixed = speaker, True
        if agent is None:
            agent = speaker
        if commit:
            self.agent, self.agent_fixed = agent, fixed
        return "agent" if speaker == agent else "usager"

    def speaker(self, start: float, end: float, words: Sequence[Word] = ()) -> str | None:
        """The tentative words' label (may change until they are committed)."""
        if words:
            start, end = words[0].start, words[-1].end
        if end - start < self.TENTATIVE_MIN_S:
            return None
        last = self._tentative
        if last is not None and abs(last[0] - start) < 0.05 \
                and end - last[1] < self.TENTATIVE_EVERY_S:
            return last[2]
        emb = self._embed(start, end)
        label = None
        if emb is not None:
            speaker = self._nearest(emb, end - start)
            label = self._role(speaker, " ".join(w.text for w in words), commit=False)
        self._tentative = (start, end, label)
        return label

    def label(self, seg: Segment) -> Segment:
        """A committed segment, labelled once and for all."""
        start, end = _span(seg)
        emb = self._embed(start, end) if seg.text.strip() else None
        if emb is None:
            return seg
        speaker = self._nearest(emb, end - start)
        if speaker >= len(self.sums):
            self.sums.append(np.zeros(len(emb), dtype=np.float64))
        if speaker >= 0:
            self.sums[speaker] = self.sums[speaker] + max(end - start, 0.05) * emb
        self._tentative = None
        return replace(seg, speaker=self._role(speaker, seg.text, commit=True))
