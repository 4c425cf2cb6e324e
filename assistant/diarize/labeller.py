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
from assistant.types import SAMPLE_RATE, Segment, Transcript
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
        from assistant.vad import SileroVad

        if self.vad is None:
            self.vad = SileroVad()
        self.vad.reset()
        n = len(audio) // VAD_WINDOW * VAD_WINDOW
        probs = self.vad.probabilities(np.asarray(audio[:n], dtype=np.float32))
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
    pieces = [p for p in pieces if p.text.strip()] or pieces
    if not pieces:
        return transcript
    embeddings = models.embed_spans(audio, [_span(p) for p in pieces])
    result = core.settle_short(
        pieces, core.cluster(embeddings, [p.end - p.start for p in pieces]), embeddings)
    role = core.roles(pieces, result, enrolled)
    labelled = [replace(p, id=n, speaker=role.get(k)) for n, (p, k)
                in enumerate(zip(pieces, result.labels, strict=True))]
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
    changes. Roles: the enrolled voice, else the speaker of the first committed
    question; before any question the first voice heard stands for the agent."""

    def __init__(self, models: VoiceModels, enrolled: np.ndarray | None = None,
                 keep_s: float = 120.0) -> None:
        self.models = models
        self.enrolled = enrolled
        self.keep_s = keep_s
        self._chunks: deque[tuple[float, np.ndarray]] = deque()
        self.centroids: list[np.ndarray] = []
        self.mass: list[float] = []
        self.agent: int | None = None
        self.agent_fixed = False

    def add(self, start_s: float, samples: np.ndarray) -> None:
        self._chunks.append((start_s, np.asarray(samples, dtype=np.float32)))
        end = start_s + len(samples) / SAMPLE_RATE
        while self._chunks and self._chunks[0][0] + len(self._chunks[0][1]) / SAMPLE_RATE \
                < end - self.keep_s:
            self._chunks.popleft()

    def _audio(self, start: float, end: float) -> tuple[np.ndarray, float] | None:
        parts = [(s, a) for s, a in self._chunks
                 if s < end + core_pad() and s + len(a) / SAMPLE_RATE > start - core_pad()]
        if not parts:
            return None
        first = parts[0][0]
        length = round((parts[-1][0] - first) * SAMPLE_RATE) + len(parts[-1][1])
        audio = np.zeros(length, dtype=np.float32)
        for s, a in parts:
            at = round((s - first) * SAMPLE_RATE)
            audio[at : at + len(a)] = a[: length - at]
        return audio, first

    def _speaker(self, emb: np.ndarray, duration: float) -> int:
        """The running speaker of ``emb`` (-1: a third voice), centroids updated."""
        sims = [cosine(emb, c) for c in self.centroids]
        best = int(np.argmax(sims)) if sims else -1
        if best >= 0 and sims[best] >= core.MERGE_SIM:
            pass
        elif len(self.centroids) < 2:
            self.centroids.append(np.zeros_like(emb, dtype=np.float64))
            self.mass.append(0.0)
            best = len(self.centroids) - 1
        elif sims[best] < core.OTHER_SIM and duration >= core.OTHER_MIN_S:
            return -1
        weight = max(duration, 0.05)
        self.centroids[best] = self.centroids[best] + weight * np.asarray(emb, np.float64)
        self.mass[best] += weight
        return best

    def _role(self, speaker: int, seg: Segment) -> str | None:
        if speaker < 0:
            return "autre"
        if self.enrolled is not None and not self.agent_fixed:
            sims = [cosine(c, self.enrolled) for c in self.centroids]
            if max(sims) >= core.ENROLLED_SIM:
                self.agent, self.agent_fixed = int(np.argmax(sims)), True
        if not self.agent_fixed and core.is_question(seg.text):
            self.agent, self.agent_fixed = speaker, True
        if self.agent is None:
            self.agent = speaker
        return "agent" if speaker == self.agent else "usager"

    def label(self, seg: Segment) -> Segment:
        start, end = _span(seg)
        window = self._audio(start, end)
        if window is None or not seg.text.strip():
            return seg
        audio, offset = window
        emb = self.models.embed_spans(audio, [(start, end)], offset)[0]
        speaker = self._speaker(emb, end - start)
        return replace(seg, speaker=self._role(speaker, seg))


def core_pad() -> float:
    return PAD_S
