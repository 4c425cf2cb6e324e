"""The streaming engine: pure, clock-free, driven by explicit calls.

``insert_audio`` appends captured audio and runs voice activity detection on
it; ``process`` decides whether a decoding pass is due, runs it and turns the
hypotheses into committed and tentative text; ``finish`` commits whatever is
left. No thread, no clock, no I/O: the caller (``assistant.pipeline``) owns
time and the speed of the feed.

Its parts: ``streaming.vadgate`` (voice activity over the buffer, utterance
ends) and ``streaming.hypotheses`` (words compared across passes,
LocalAgreement, loops, overlap with the committed text); this module holds
the buffer, the passes and the commit policy.

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

from assistant.guards import is_hallucination
from assistant.streaming.events import TranscriptUpdate
from assistant.streaming.hypotheses import (
    Hypothesis,
    after_committed,
    agreed_prefix,
    cut_repetition,
    drop_committed_overlap,
    join_words,
    word_key,
)
from assistant.streaming.ledger import DroppedSpeech, DropReason, SpeechLedger
from assistant.streaming.protocols import VAD_WINDOW, Transcriber, VoiceDetector
from assistant.streaming.vadgate import WINDOW_S, VadGate
from assistant.types import SAMPLE_RATE, AudioArray, AudioChunk, Segment, Word

_SENTENCE_END = re.compile(r"[.!?…]$")


SKIPPED_SPEECH_S = 1.0
"""Speech before a hypothesis's first word beyond which the pass is taken to
have skipped it (Whisper does, now and then, after a prompt)."""


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
    endpoint_commit: bool = True
    """Commit an utterance whole when voice activity ends. False gives the plain
    LocalAgreement baseline (passes go on every step until two agree)."""
    commit_after_s: float = 6.0
    """Buffer length before words are committed inside an utterance (LocalAgreement)."""
    context_s: float = 0.0
    """Audio of the previous (committed) utterance kept before the next one, so
    that a short turn is decoded with what was said before it."""
    keep_context_s: float = 12.0
    """After a commit inside an utterance, the buffer is cut only once it is
    this long: until then the committed audio stays as context (the end of
    the utterance is decoded better with its beginning)."""
    tail_guard_s: float = 0.8
    """Words ending this close to the buffer end are never committed by agreement."""
    max_delay_s: float = 3.0
    """Once the buffer holds ``commit_after_s`` of uncommitted speech, agreed
    words that ended this long before the newest audio are committed at the
    next pass even in the middle of a sentence: in a long turn without a full
    stop, text settles as it goes instead of at the ``max_buffer_s`` bound.
    (Words the passes do not agree on wait for the end of the utterance or for
    ``max_buffer_s``: committing them by age committed a number twice, once in
    groups and once glued, when the passes flipped between the two.)"""


class StreamingEngine:
    """Turns a stream of audio into committed segments and tentative text."""

    def __init__(self, transcriber: Transcriber, vad: VoiceDetector,
                 config: EngineConfig | None = None, first_segment_id: int = 0) -> None:
        self.transcriber = transcriber
        self.vad = vad
        self._config = config or EngineConfig()
        self._next_id = first_segment_id
        self._buffer = np.zeros(0, dtype=np.float32)
        self._buffer_start_s = 0.0
        self._stream_end_s = 0.0
        self._started = False
        self._gate = VadGate(vad, self._config.vad_threshold, self._config.vad_neg_threshold,
                             self._config.endpoint_s)
        self._last_pass_end_s = 0.0
        self._hypotheses: list[Hypothesis] = []
        self._committed_end_s = 0.0
        self._committed_tail = ""
        self._committed_words: tuple[Word, ...] = ()  # last few, for de-duplication
        self._tentative: tuple[Word, ...] = ()
        self._ledger = SpeechLedger()
        self._dropped: list[DroppedSpeech] = []
        self._guarded = False  # a pass since the last settling dropped text
        self.passes = 0
        self.segments_committed = 0

    # ----------------------------------------------------------- inspection
    @property
    def config(self) -> EngineConfig:
        """The commit policy's knobs; replacing them retunes the VAD gate too."""
        return self._config

    @config.setter
    def config(self, config: EngineConfig) -> None:
        self._config = config
        self._gate.threshold = config.vad_threshold
        self._gate.neg_threshold = config.vad_neg_threshold
        self._gate.endpoint_s = config.endpoint_s

    @property
    def stream_end_s(self) -> float:
        """Stream time of the last inserted sample."""
        return self._stream_end_s

    @property
    def speaking(self) -> bool:
        return self._gate.in_speech

    @property
    def buffer_s(self) -> float:
        return len(self._buffer) / SAMPLE_RATE

    @property
    def committed_end_s(self) -> float:
        return self._committed_end_s

    # --------------------------------------------------------------- input
    def insert_audio(self, chunk: AudioChunk) -> None:
        """Append ``chunk`` (16 kHz mono float32) and run voice activity
        detection on it. A chunk that starts after the end of the previous one
        is a gap (a pause, a device switch): call ``finish`` before it, or the
        pending utterance is dropped."""
        if not self._started or chunk.start_s > self._stream_end_s + 0.05:
            if self._started:
                self._settle(self._stream_end_s, "stream_gap")
            self._restart_at(chunk.start_s)
            self._started = True
        samples = np.asarray(chunk.samples, dtype=np.float32).reshape(-1)
        self._buffer = np.concatenate((self._buffer, samples))
        self._stream_end_s = self._buffer_start_s + len(self._buffer) / SAMPLE_RATE
        if not self._gate.feed(samples, self._stream_end_s):
            return
        if not self._gate.in_speech and not self._gate.endpoints and not self._tentative:
            self._trim_silence()

    # ------------------------------------------------------------- decoding
    def process(self, step_s: float | None = None) -> TranscriptUpdate | None:
        """Run what is due: endpoint commits, then a pass if the step is reached.
        ``step_s`` widens ``min_step_s`` when the caller finds passes slow (the
        engine has no clock): tentative passes thin out, endpoint commits do
        not. None when nothing changed."""
        cfg = self.config
        min_step_s = max(cfg.min_step_s, step_s or 0.0)
        if not cfg.endpoint_commit:
            return self._agreement_only_step()
        committed: list[Segment] = []
        ended = bool(self._gate.endpoints)
        while self._gate.endpoints:
            committed.extend(self._commit_utterance(self._gate.endpoints.pop(0)))
        if not self._gate.in_speech:
            return self._make_update(tuple(committed), utterance_end=True) if ended else None
        due = False
        final = False
        if self._gate.silence_s >= cfg.pre_endpoint_s:
            # Probably the end: this pass will serve the endpoint commit.
            due = not self._covers(self._gate.speech_end_s)
            final = True
        elif self._gate.silence_s > 0:
            # A pause has begun: wait to see whether it is the end rather than
            # start a pass that would delay the endpoint commit.
            due = False
        elif self._hypotheses:
            due = self._stream_end_s - self._last_pass_end_s >= min_step_s
            # Words old enough to be committed by age come from a pass at the
            # final beam, as an utterance's words do at its end.
            final = bool(self._tentative) and self._tentative[0].end <= (
                self._stream_end_s - cfg.max_delay_s) and (
                self._stream_end_s - self._boundary_s() >= cfg.commit_after_s)
        else:
            due = self._gate.speech_end_s - self._gate.utterance_start_s >= cfg.first_step_s
        if not due:
            return self._make_update(tuple(committed), utterance_end=True) if ended else None
        self._hypotheses.append(self._decode(len(self._buffer), final=final))
        del self._hypotheses[: -max(cfg.agreement, 2)]
        self._last_pass_end_s = self._stream_end_s
        update = self._update_from_agreement()
        if committed:
            update = TranscriptUpdate(tuple(committed) + update.committed, update.tentative,
                                      update.tentative_words, update.audio_s, ended,
                                      update.dropped)
        return update

    def _agreement_only_step(self) -> TranscriptUpdate | None:
        """The baseline: a pass every step while speech is pending, LocalAgreement."""
        self._gate.endpoints.clear()
        if not (self._gate.in_speech or self._tentative):
            return None
        if self._stream_end_s - self._last_pass_end_s < self.config.min_step_s:
            return None
        self._hypotheses.append(self._decode(len(self._buffer)))
        del self._hypotheses[: -max(self.config.agreement, 2)]
        self._last_pass_end_s = self._stream_end_s
        return self._update_from_agreement()

    def finish(self) -> TranscriptUpdate:
        """Commit everything still pending (end of stream, pause, lost device)."""
        committed: list[Segment] = []
        while self._gate.endpoints:
            committed.extend(self._commit_utterance(self._gate.endpoints.pop(0)))
        if self._gate.in_speech or self._tentative:
            committed.extend(self._commit_utterance(
                self._stream_end_s if self._gate.in_speech else self._gate.speech_end_s))
        self._tentative = ()
        self._settle(self._stream_end_s, "not_recognised")
        update = self._make_update(tuple(committed), utterance_end=True)
        self._restart_at(self._stream_end_s)
        return update

    # -------------------------------------------------------------- helpers
    def _covers(self, speech_end_s: float) -> bool:
        """Whether the last pass heard the speech up to ``speech_end_s``."""
        return bool(self._hypotheses) and (
            self._hypotheses[-1].audio_end_s >= min(speech_end_s + 0.05, self._stream_end_s)
        )

    def _prompt(self) -> str | None:
        parts = [p for p in (self.config.base_prompt, self._committed_tail) if p]
        return " ".join(parts) if parts else None

    def _decode(self, n_samples: int, final: bool = False, prompt: bool = True) -> Hypothesis:
        """One pass over the first ``n_samples`` of the buffer, cleaned by the guards.
        ``final``: the pass whose words are committed at once (an endpoint)."""
        audio: AudioArray = self._buffer[:n_samples]
        self.passes += 1
        segments = self.transcriber.transcribe(audio, self._prompt() if prompt else None,
                                               self._buffer_start_s, final=final)
        words: list[Word] = []
        previous = ""
        for seg in segments:
            if is_hallucination(seg.text, seg.no_speech_prob, seg.avg_logprob):
                self._guarded = True
                continue
            key = " ".join(word_key(Word(0.0, 0.0, t)) for t in seg.text.split())
            if key and key == previous:
                self._guarded = True
                continue  # the same sentence twice in a row: a loop, not speech
            previous = key
            words.extend(seg.words or self._words_of(seg))
        # The buffer may still hold committed audio (kept as context): only the
        # words after the committed end are new; a word cut in two at the
        # boundary can come back, and the overlap check removes it.
        hyp = self._new_words(tuple(w for w in words if w.text))
        hyp = tuple(w for w in hyp
                    if self._gate.has_speech(w.start, w.end, self._buffer_start_s))
        kept = cut_repetition(hyp)
        self._guarded = self._guarded or len(kept) < len(hyp)
        hyp = kept
        return Hypothesis(hyp, self._buffer_start_s + len(audio) / SAMPLE_RATE)

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

    def _boundary_s(self) -> float:
        """Where new (uncommitted) audio starts in the buffer."""
        return max(self._buffer_start_s, self._committed_end_s)

    def _new_words(self, words: tuple[Word, ...]) -> tuple[Word, ...]:
        """``words`` after the committed text (the buffer may still hold it)."""
        words = after_committed(words, self._committed_words, self._committed_end_s,
                                self._buffer_start_s, self._tentative)
        return drop_committed_overlap(words, self._committed_words, self._committed_end_s,
                                      self._boundary_s())

    def _speech_before(self, words: tuple[Word, ...], up_to_s: float | None = None) -> float:
        """Seconds of VAD speech in the buffer before the first word (or before
        ``up_to_s`` when there is no word): speech a pass has skipped."""
        end_s = words[0].start - 0.3 if words else (up_to_s or self._stream_end_s)
        return self._gate.speech_s(self._boundary_s() + 0.1, end_s, self._buffer_start_s)

    def _update_from_agreement(self) -> TranscriptUpdate:
        """Inside an utterance: commit agreed words only once the buffer is long
        (short utterances are committed whole at their end, from a pass that
        saw all of them), and never the last ``tail_guard_s`` of the buffer."""
        cfg = self.config
        current = self._hypotheses[-1].words
        agreed = 0
        if len(self._hypotheses) >= cfg.agreement:
            agreed = len(current)
            for previous in self._hypotheses[-cfg.agreement : -1]:
                agreed = min(agreed, agreed_prefix(previous.words, current))
        utterance_s = self._stream_end_s - self._boundary_s()
        n = agreed if utterance_s >= cfg.commit_after_s else 0
        horizon = self._stream_end_s - cfg.tail_guard_s
        while n > 0 and current[n - 1].end > horizon:
            n -= 1
        if cfg.endpoint_commit and self.buffer_s < cfg.max_buffer_s:
            # Commit at an agreed sentence end: the buffer may be cut there, and
            # Whisper decodes a buffer that starts mid-sentence much worse.
            while n > 0 and not _SENTENCE_END.search(current[n - 1].text):
                n -= 1
        if cfg.endpoint_commit and utterance_s >= cfg.commit_after_s:
            # Past commit_after_s of uncommitted speech, old agreed words settle
            # whatever the sentence (not sooner: committing inside shorter turns
            # cost 1.3 to 2.3 points of WER on the appointments, docs/streaming.md).
            n = max(n, _ended_before(current[:agreed], self._stream_end_s - cfg.max_delay_s))
        if n and self._speech_before(current) > SKIPPED_SPEECH_S:
            n = 0  # the pass skipped the start of the buffer: cutting would lose it
        if self.buffer_s >= cfg.max_buffer_s:
            # No agreement while the buffer keeps growing: commit its older words anyway.
            while n < len(current) and current[n].end <= horizon:
                n += 1
        committed = self._commit_words(current[:n])
        self._tentative = current[n:]
        keep_s = min(cfg.keep_context_s, cfg.max_buffer_s)
        if committed and (self.buffer_s >= keep_s or not cfg.endpoint_commit):
            # Cut between the last committed word and the next one: later passes
            # only see new audio, and the prompt carries the committed text.
            end = current[n - 1].end
            nxt = current[n].start if n < len(current) else end
            self._cut_buffer((end + max(end, nxt)) / 2)
            self._hypotheses = []
        elif committed:
            # Keep the committed sentence's audio as context for the rest of
            # the utterance; hypotheses now start after it.
            self._hypotheses = [Hypothesis(self._new_words(h.words), h.audio_end_s)
                                for h in self._hypotheses]
        elif self.buffer_s > cfg.max_buffer_s + cfg.commit_after_s:
            # Nothing committable at all (no words): keep the cost bounded.
            self._cut_buffer(self._stream_end_s - cfg.commit_after_s, "no_agreement")
            self._hypotheses = []
        return self._make_update(committed)

    def _commit_utterance(self, speech_end_s: float) -> tuple[Segment, ...]:
        """Commit the utterance that ended at ``speech_end_s`` and cut it off."""
        cfg = self.config
        cut_s = min(speech_end_s + cfg.speech_pad_s, self._stream_end_s)
        last = self._hypotheses[-1] if self._hypotheses else None
        if last is None or not (speech_end_s + 0.05 <= last.audio_end_s
                                <= speech_end_s + cfg.endpoint_s + 0.35):
            n = round((cut_s - self._buffer_start_s) * SAMPLE_RATE)
            last = self._decode(max(0, n), final=True) if n > VAD_WINDOW else None
        if last is not None and self._speech_before(last.words, speech_end_s) > SKIPPED_SPEECH_S:
            # Whisper sometimes skips the start of a buffer after a prompt: decode
            # once more without it rather than lose what was said.
            n = round((cut_s - self._buffer_start_s) * SAMPLE_RATE)
            retry = self._decode(max(0, n), final=True, prompt=False)
            if len(retry.words) > len(last.words):
                last = retry
        words = tuple(w for w in last.words if w.start < speech_end_s + 0.1) if last else ()
        committed = self._commit_words(words)
        self._tentative = ()
        self._hypotheses = []
        self._cut_buffer(cut_s - cfg.context_s)
        # Speech after the cut (a new utterance in the same feed) stays pending.
        if self._gate.in_speech:
            self._gate.utterance_start_s = max(self._gate.utterance_start_s, cut_s)
        return committed

    def _commit_words(self, words: tuple[Word, ...]) -> tuple[Segment, ...]:
        if not words:
            return ()
        text = join_words(words)
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
        self._ledger.committed(words)
        self._committed_tail = (self._committed_tail + " " + text).strip()[
            -self.config.prompt_chars :
        ]
        return (segment,)

    def _cut_buffer(self, at_s: float, reason: DropReason = "not_recognised") -> None:
        drop = round((at_s - self._buffer_start_s) * SAMPLE_RATE)
        drop = max(0, min(drop - drop % VAD_WINDOW, len(self._buffer)))
        if not drop:
            return
        self._settle(self._buffer_start_s + drop / SAMPLE_RATE, reason)
        self._buffer = self._buffer[drop:]
        self._gate.drop_windows(drop // VAD_WINDOW)
        self._buffer_start_s += drop / SAMPLE_RATE

    def _settle(self, until_s: float, reason: DropReason) -> None:
        """Account for the speech before ``until_s``: committed, or dropped with a reason."""
        speech = self._gate.probs >= self._gate.threshold
        found = self._ledger.settle(speech, WINDOW_S, self._buffer_start_s, until_s,
                                    "guarded" if self._guarded else reason)
        self._dropped.extend(found)
        self._guarded = False

    def _trim_silence(self) -> None:
        """Without speech, keep only ``speech_pad_s`` of audio."""
        excess = self.buffer_s - self.config.speech_pad_s - self.config.context_s
        if excess > 0.5:
            self._cut_buffer(self._buffer_start_s + excess)

    def _restart_at(self, start_s: float) -> None:
        self._buffer = np.zeros(0, dtype=np.float32)
        self._buffer_start_s = start_s
        self._stream_end_s = start_s
        self._last_pass_end_s = start_s
        self._committed_end_s = max(self._committed_end_s, start_s)
        self._ledger.restart_at(start_s)
        self._hypotheses = []
        self._tentative = ()
        self._gate.restart()

    def _make_update(self, committed: tuple[Segment, ...],
                     utterance_end: bool = False) -> TranscriptUpdate:
        dropped, self._dropped = tuple(self._dropped), []
        return TranscriptUpdate(
            committed=committed,
            tentative=join_words(self._tentative),
            tentative_words=self._tentative,
            audio_s=self._stream_end_s,
            utterance_end=utterance_end,
            dropped=dropped,
        )


def _ended_before(words: tuple[Word, ...], limit_s: float) -> int:
    """How many leading ``words`` end before ``limit_s``."""
    n = 0
    while n < len(words) and words[n].end <= limit_s:
        n += 1
    return n
