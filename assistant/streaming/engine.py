"""The streaming engine: pure, clock-free, driven by explicit calls.

``insert_audio`` appends captured audio and runs voice activity detection on
it; ``process`` decides whether a decoding pass is due, runs it and turns the
hypotheses into committed and tentative text; ``finish`` commits whatever is
left. No thread, no clock, no I/O: the caller (``assistant.pipeline``) owns
time and the speed of the feed.

Commit policy (docs/streaming.md has the measurements behind it):

1. **Voice-activity gating.** Nothing is decoded while the buffer holds no
   speech, so Whisper never sees bare silence (its main source of invented
   text) and silent stretches cost nothing.
2. **Endpoint commit.** When the voice stops, the next pass decodes the whole
   utterance and, once the silence has lasted ``endpoint_s``, everything it
   heard is committed at once. A pass that started after the end of speech
   already covers it, so the commit usually needs no extra pass.
3. **LocalAgreement-2 inside long utterances** (ufal/whisper_streaming): the
   longest prefix two consecutive hypotheses agree on is committed; the rest
   is tentative. Words are compared folded (case, accents, punctuation).
4. **Guards.** Numbers stay tentative until the word after them is agreed
   (digit-by-digit dictation flips between "35 17" and "3517"); repetition
   loops are cut; segments Whisper is known to invent are dropped; words that
   lie on audio the VAD found silent are dropped.
5. **Bounded cost.** The buffer is cut after each endpoint and at committed
   sentence ends; a buffer that reaches ``max_buffer_s`` without agreement has
   its oldest words committed by force. The caller feeds all pending audio
   before each pass, so a slow machine takes larger steps instead of lagging.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.guards import fold, is_hallucination
from assistant.streaming.events import TranscriptUpdate
from assistant.streaming.protocols import VAD_WINDOW, Transcriber, VoiceDetector
from assistant.types import SAMPLE_RATE, AudioArray, AudioChunk, Segment, Word

_SENTENCE_END = re.compile(r"[.!?…]$")
_FRENCH_NUMBER_WORDS = frozenset((
    "zero", "un", "une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
    "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "vingt", "vingts",
    "trente", "quarante", "cinquante", "soixante", "cent", "cents", "mille", "million",
    "millions", "milliard", "milliards",
))


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """Knobs of the commit policy (``assistant.settings.StreamingSettings`` maps here)."""

    min_step_s: float = 1.0
    """Least new audio between two passes while someone speaks."""
    first_step_s: float = 0.5
    """Speech needed before the first pass of an utterance (first tentative text)."""
    max_buffer_s: float = 15.0
    """Buffer length that forces a commit of its oldest words and a cut."""
    vad_threshold: float = 0.5
    """Speech probability above which a window is speech."""
    vad_neg_threshold: float = 0.35
    """Probability below which a window counts as silence (hysteresis)."""
    endpoint_s: float = 0.45
    """Silence after speech that ends an utterance (and commits it)."""
    pre_endpoint_s: float = 0.12
    """Silence after which the pass that will serve the endpoint commit starts."""
    speech_pad_s: float = 0.3
    """Audio kept before speech starts and after it ends."""
    agreement: int = 2
    """Hypotheses that must agree before words inside an utterance are committed."""
    prompt_chars: int = 200
    """Committed text carried into the prompt."""
    base_prompt: str | None = None
    """Fixed prompt put before the committed text (counter vocabulary)."""
    max_hold_s: float = 6.0
    """Tentative words older than this (relative to the buffer end) are committed by force."""


@dataclass(frozen=True, slots=True)
class _Hypothesis:
    words: tuple[Word, ...]
    audio_end_s: float


def _key(word: Word) -> str:
    """Comparison key: folded, without punctuation."""
    return re.sub(r"[^\w']+", "", fold(word.text))


def _is_number(word: Word) -> bool:
    key = _key(word)
    if any(c.isdigit() for c in word.text):
        return True
    return bool(key) and all(part in _FRENCH_NUMBER_WORDS for part in key.split("-") if part)


def cut_repetition(words: tuple[Word, ...], max_repeats: int = 2) -> tuple[Word, ...]:
    """Cut a hypothesis where an n-gram (n <= 4) repeats more than ``max_repeats``
    times in a row (a decoding loop); keeps the first ``max_repeats`` copies."""
    keys = [_key(w) for w in words]
    n_words = len(keys)
    for i in range(n_words):
        for n in range(1, 5):
            if i + n * (max_repeats + 1) > n_words:
                break
            gram = keys[i : i + n]
            repeats = 1
            j = i + n
            while j + n <= n_words and keys[j : j + n] == gram:
                repeats += 1
                j += n
            if repeats > max_repeats:
                return words[: i + n * max_repeats]
    return words


def agreed_prefix(previous: tuple[Word, ...], current: tuple[Word, ...]) -> int:
    """How many leading words of ``current`` may be committed: the common
    prefix of both hypotheses (folded), minus a trailing number run unless the
    word after it is agreed too (the number may still be growing)."""
    n = 0
    while n < len(previous) and n < len(current) and _key(previous[n]) == _key(current[n]):
        n += 1
    # Hold back a number that is not closed by an agreed non-number word.
    while n > 0 and _is_number(current[n - 1]):
        n -= 1
    return n


class StreamingEngine:
    """Turns a stream of audio into committed segments and tentative text."""

    def __init__(self, transcriber: Transcriber, vad: VoiceDetector,
                 config: EngineConfig | None = None, first_segment_id: int = 0) -> None:
        self.transcriber = transcriber
        self.vad = vad
        self.config = config or EngineConfig()
        self._next_id = first_segment_id
        self._buffer = np.zeros(0, dtype=np.float32)
        self._buffer_start_s = 0.0
        self._stream_end_s = 0.0
        self._probs = np.zeros(0, dtype=np.float32)  # one per VAD window of the buffer
        self._pending = np.zeros(0, dtype=np.float32)  # samples not yet a full VAD window
        self._in_speech = False
        self._speech_seen = False  # speech in the buffer since the last endpoint
        self._speech_end_s = 0.0  # end of the last speech window
        self._utterance_start_s = 0.0  # start of the first speech window of the utterance
        self._silence_s = 0.0
        self._last_pass_end_s = 0.0
        self._hypotheses: list[_Hypothesis] = []
        self._committed_end_s = 0.0
        self._committed_tail = ""
        self._committed_words: tuple[Word, ...] = ()  # last few, for de-duplication
        self._tentative: tuple[Word, ...] = ()
        self.passes = 0
        self.segments_committed = 0

    # ----------------------------------------------------------- inspection
    @property
    def stream_end_s(self) -> float:
        """Stream time of the last inserted sample."""
        return self._stream_end_s

    @property
    def speaking(self) -> bool:
        return self._in_speech

    @property
    def buffer_s(self) -> float:
        return len(self._buffer) / SAMPLE_RATE

    @property
    def committed_end_s(self) -> float:
        return self._committed_end_s

    # --------------------------------------------------------------- input
    def insert_audio(self, chunk: AudioChunk) -> None:
        """Append ``chunk`` (16 kHz mono float32). A chunk that starts after
        the end of the previous one (a pause, a device switch) is a gap: the
        caller should ``finish`` before it; here the buffer restarts."""
        cfg = self.config
        if self._stream_end_s and chunk.start_s > self._stream_end_s + 0.05:
            self._restart_at(chunk.start_s)
        elif not self._stream_end_s and not len(self._buffer):
            self._buffer_start_s = chunk.start_s
            self._committed_end_s = max(self._committed_end_s, chunk.start_s)
        samples = np.asarray(chunk.samples, dtype=np.float32).reshape(-1)
        self._buffer = np.concatenate((self._buffer, samples))
        self._stream_end_s = self._buffer_start_s + len(self._buffer) / SAMPLE_RATE
        # Voice activity, window by window.
        pending = np.concatenate((self._pending, samples))
        n = len(pending) // VAD_WINDOW
        if n:
            windows = pending[: n * VAD_WINDOW].reshape(n, VAD_WINDOW)
            probs = np.asarray(self.vad.probabilities(windows), dtype=np.float32).reshape(-1)
            self._probs = np.concatenate((self._probs, probs))
            window_s = VAD_WINDOW / SAMPLE_RATE
            end_of_new = self._stream_end_s - (len(pending) - n * VAD_WINDOW) / SAMPLE_RATE
            for k, p in enumerate(probs):
                t_end = end_of_new - (n - 1 - k) * window_s
                if p >= cfg.vad_threshold:
                    if not self._speech_seen:
                        self._utterance_start_s = t_end - window_s
                    self._in_speech = True
                    self._speech_seen = True
                    self._speech_end_s = t_end
                    self._silence_s = 0.0
                elif p < cfg.vad_neg_threshold or not self._in_speech:
                    self._silence_s += window_s
                    if self._silence_s >= cfg.endpoint_s:
                        self._in_speech = False
        self._pending = pending[n * VAD_WINDOW :]
        if not self._speech_seen:
            self._trim_silence()

    # ------------------------------------------------------------- decoding
    def process(self) -> TranscriptUpdate | None:
        """Run a pass if one is due; None when nothing changed."""
        cfg = self.config
        if not self._speech_seen:
            return None
        new_audio = self._stream_end_s - self._last_pass_end_s
        if not self._in_speech:
            # Voice activity ended: commit the utterance from a pass that covers it.
            if not self._covers_speech_end():
                self._decode()
            return self._commit_utterance()
        speech_in_buffer = self._speech_end_s - max(self._buffer_start_s, self._committed_end_s)
        if self._silence_s >= cfg.pre_endpoint_s and not self._covers_speech_end():
            self._decode()  # likely the end: this pass will serve the endpoint commit
            return self._update_from_agreement()
        if speech_in_buffer <= 0:
            return None
        if self._hypotheses:
            if new_audio < cfg.min_step_s:
                return None
        elif self._speech_end_s - self._utterance_start_s < cfg.first_step_s:
            return None
        self._decode()
        return self._update_from_agreement()

    def finish(self) -> TranscriptUpdate:
        """Commit everything still pending (end of stream, pause, lost device)."""
        if self._speech_seen and len(self._buffer):
            if not self._covers_speech_end():
                self._decode()
            update = self._commit_utterance()
        else:
            update = self._make_update((), utterance_end=True)
            self._tentative = ()
        self._restart_at(self._stream_end_s)
        return update

    # -------------------------------------------------------------- helpers
    def _covers_speech_end(self) -> bool:
        return bool(self._hypotheses) and (
            self._hypotheses[-1].audio_end_s >= self._speech_end_s + 0.05
            or self._hypotheses[-1].audio_end_s >= self._stream_end_s
        )

    def _prompt(self) -> str | None:
        parts = [p for p in (self.config.base_prompt, self._committed_tail) if p]
        return " ".join(parts) if parts else None

    def _decode(self) -> None:
        """One pass over the buffer; stores the cleaned hypothesis."""
        cfg = self.config
        audio: AudioArray = self._buffer
        self.passes += 1
        segments = self.transcriber.transcribe(audio, self._prompt(), self._buffer_start_s)
        words: list[Word] = []
        for seg in segments:
            if is_hallucination(seg.text, seg.no_speech_prob, seg.avg_logprob):
                continue
            words.extend(seg.words or self._words_of(seg))
        hyp = tuple(w for w in words if w.end > self._committed_end_s - 0.1 and w.text)
        hyp = self._drop_committed_overlap(hyp)
        hyp = tuple(w for w in hyp if self._has_speech(w))
        hyp = cut_repetition(hyp)
        self._hypotheses.append(_Hypothesis(hyp, self._stream_end_s))
        del self._hypotheses[: -max(cfg.agreement, 2)]
        self._last_pass_end_s = self._stream_end_s

    @staticmethod
    def _words_of(seg: Segment) -> tuple[Word, ...]:
        """Words of a segment decoded without word times (spread evenly)."""
        tokens = seg.text.split()
        if not tokens:
            return ()
        span = (seg.end - seg.start) / len(tokens)
        return tuple(
            Word(seg.start + i * span, seg.start + (i + 1) * span, t) for i, t in enumerate(tokens)
        )

    def _drop_committed_overlap(self, hyp: tuple[Word, ...]) -> tuple[Word, ...]:
        """Remove leading words that repeat the end of the committed text."""
        committed = [_key(w) for w in self._committed_words]
        keys = [_key(w) for w in hyp]
        for n in range(min(5, len(committed), len(keys)), 0, -1):
            if committed[-n:] == keys[:n]:
                return hyp[n:]
        return hyp

    def _has_speech(self, word: Word) -> bool:
        """Whether the VAD saw speech under (or right around) ``word``."""
        window_s = VAD_WINDOW / SAMPLE_RATE
        lo = int((word.start - 0.2 - self._buffer_start_s) / window_s)
        hi = int((word.end + 0.2 - self._buffer_start_s) / window_s) + 1
        lo = max(0, lo)
        hi = min(len(self._probs), hi)
        if hi <= lo:
            return True  # beyond what the VAD has seen yet: keep it
        return bool(np.max(self._probs[lo:hi]) >= self.config.vad_neg_threshold)

    def _update_from_agreement(self) -> TranscriptUpdate:
        cfg = self.config
        current = self._hypotheses[-1].words
        n = len(current)
        if len(self._hypotheses) >= cfg.agreement:
            for previous in self._hypotheses[-cfg.agreement : -1]:
                n = min(n, agreed_prefix(previous.words, current))
        else:
            n = 0
        # Words held too long (no agreement while the buffer keeps growing) go anyway.
        while n < len(current) and current[n].end < self._stream_end_s - cfg.max_hold_s:
            n += 1
        committed = self._commit_words(current[:n])
        self._tentative = current[n:]
        # Keep later hypotheses aligned with what is left to agree on.
        self._hypotheses = [
            _Hypothesis(self._strip_committed(h.words, n), h.audio_end_s)
            for h in self._hypotheses
        ]
        self._trim_after_commit(committed)
        return self._make_update(committed)

    def _strip_committed(self, words: tuple[Word, ...], n: int) -> tuple[Word, ...]:
        return words[n:] if n else words

    def _commit_utterance(self) -> TranscriptUpdate:
        current = self._hypotheses[-1].words if self._hypotheses else ()
        committed = self._commit_words(current)
        self._tentative = ()
        # The utterance is done: drop its audio, keep a little silence.
        keep_from = max(self._speech_end_s, self._stream_end_s - self.config.speech_pad_s)
        self._cut_buffer(keep_from)
        self._hypotheses = []
        self._speech_seen = False
        return self._make_update(committed, utterance_end=True)

    def _commit_words(self, words: tuple[Word, ...]) -> tuple[Segment, ...]:
        if not words:
            return ()
        text = " ".join(w.text for w in words)
        segment = Segment(
            id=self._next_id,
            start=words[0].start,
            end=words[-1].end,
            text=text,
            words=words,
            avg_logprob=float(np.mean([np.log(max(w.probability, 1e-6)) for w in words])),
        )
        self._next_id += 1
        self.segments_committed += 1
        self._committed_end_s = max(self._committed_end_s, words[-1].end)
        self._committed_words = (self._committed_words + words)[-8:]
        self._committed_tail = (self._committed_tail + " " + text).strip()[
            -self.config.prompt_chars :
        ]
        return (segment,)

    def _trim_after_commit(self, committed: tuple[Segment, ...]) -> None:
        """Cut the buffer at a committed sentence end, or by force when too long."""
        if not committed:
            if self.buffer_s > self.config.max_buffer_s:
                self._cut_buffer(self._stream_end_s - self.config.max_buffer_s / 2)
            return
        last = committed[-1].words[-1]
        if _SENTENCE_END.search(last.text) or self.buffer_s > self.config.max_buffer_s:
            self._cut_buffer(last.end)
            self._hypotheses = []

    def _cut_buffer(self, at_s: float) -> None:
        drop = round((at_s - self._buffer_start_s) * SAMPLE_RATE)
        drop = max(0, min(drop - drop % VAD_WINDOW, len(self._buffer)))
        if not drop:
            return
        self._buffer = self._buffer[drop:]
        self._probs = self._probs[drop // VAD_WINDOW :]
        self._buffer_start_s += drop / SAMPLE_RATE

    def _trim_silence(self) -> None:
        """Without speech, keep only ``speech_pad_s`` of audio."""
        excess = self.buffer_s - self.config.speech_pad_s
        if excess > 0.5:
            self._cut_buffer(self._buffer_start_s + excess)

    def _restart_at(self, start_s: float) -> None:
        self._buffer = np.zeros(0, dtype=np.float32)
        self._probs = np.zeros(0, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self._buffer_start_s = start_s
        self._stream_end_s = start_s
        self._last_pass_end_s = start_s
        self._committed_end_s = max(self._committed_end_s, start_s)
        self._hypotheses = []
        self._tentative = ()
        self._in_speech = False
        self._speech_seen = False
        self._silence_s = 0.0
        self.vad.reset()

    def _make_update(self, committed: tuple[Segment, ...],
                     utterance_end: bool = False) -> TranscriptUpdate:
        return TranscriptUpdate(
            committed=committed,
            tentative=" ".join(w.text for w in self._tentative),
            tentative_words=self._tentative,
            audio_s=self._stream_end_s,
            utterance_end=utterance_end,
        )
