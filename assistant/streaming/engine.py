"""The streaming engine: pure, clock-free, driven by explicit calls.

``insert_audio`` appends captured audio and runs voice activity detection on
it; ``process`` decides whether a decoding pass is due, runs it and turns the
hypotheses into committed and tentative text; ``finish`` commits whatever is
left. No thread, no clock, no I/O: the caller (``assistant.pipeline``) owns
time and the speed of the feed.

Its parts: ``streaming.vadgate`` (voice activity over the buffer, utterance
ends), ``streaming.schedule`` (whether a pass is due now, at which beam),
``streaming.passes`` (one pass's segments made a hypothesis by the guards),
``streaming.hypotheses`` (words compared across passes, LocalAgreement,
loops, overlap with the committed text), ``streaming.policy`` (which words
of a pass settle, and why) and ``streaming.config`` (the knobs); this module
holds the buffer and the state, calls the recogniser and commits.

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
5. **Delay bound** (``deadline_s``). A word left uncommitted that long makes
   the next pass due at once, at the final beam, and it commits what it
   heard up to ``deadline_context_s`` before the newest audio, agreed or not
   (``streaming.policy``).
6. **Bounded cost.** The buffer is cut after each endpoint and at committed
   sentence ends; a buffer that reaches ``max_buffer_s`` without agreement has
   its oldest words committed by force. The caller feeds all pending audio
   before each pass, so a slow machine takes larger steps instead of lagging.
"""

from __future__ import annotations

import numpy as np

from assistant.streaming.config import EngineConfig
from assistant.streaming.events import TranscriptUpdate
from assistant.streaming.hypotheses import Hypothesis, agreed_prefix, echoes, join_words
from assistant.streaming.ledger import CommitReason, DroppedSpeech, DropReason, SpeechLedger
from assistant.streaming.passes import PassContext, clean_pass, new_words
from assistant.streaming.policy import SKIPPED_SPEECH_S, PassView, decide
from assistant.streaming.protocols import VAD_WINDOW, Transcriber, VoiceDetector
from assistant.streaming.schedule import ScheduleView, plan
from assistant.streaming.vadgate import WINDOW_S, VadGate
from assistant.types import SAMPLE_RATE, AudioArray, AudioChunk, Segment, Word

__all__ = ["EngineConfig", "StreamingEngine"]


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
        self._committed_log: tuple[Word, ...] = ()  # last committed words, for the prompt
        self._committed_words: tuple[Word, ...] = ()  # last few, for de-duplication
        self._tentative: tuple[Word, ...] = ()
        self._ledger = SpeechLedger()
        self._dropped: list[DroppedSpeech] = []
        self._reasons: list[CommitReason] = []  # of the segments not yet in an update
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

    @property
    def words_by_reason(self) -> dict[CommitReason, int]:
        """Committed words so far by the reason they were committed for."""
        return dict(self._ledger.words_by_reason)

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
    def process(self, step_s: float | None = None,
                pass_s: float | None = None) -> TranscriptUpdate | None:
        """Run what is due: endpoint commits, then a pass if the step is reached.
        ``step_s`` widens ``min_step_s`` when the caller finds passes slow (the
        engine has no clock): tentative passes thin out, endpoint commits do
        not. ``pass_s``: the caller's estimate of how long a pass takes (audio
        goes on meanwhile): a deadline pass starts that much before a word
        reaches ``deadline_s``, so that its commit lands within the bound.
        None when nothing changed."""
        cfg = self.config
        min_step_s = max(cfg.min_step_s, step_s or 0.0)
        # Stream time by which this pass's words will be committed.
        ready_s = self._stream_end_s + min(pass_s or 0.0, cfg.deadline_s / 2)
        if not cfg.endpoint_commit:
            return self._agreement_only_step()
        committed: list[Segment] = []
        ended = bool(self._gate.endpoints)
        while self._gate.endpoints:
            committed.extend(self._commit_utterance(self._gate.endpoints.pop(0)))
        if not self._gate.in_speech:
            return self._make_update(tuple(committed), utterance_end=True) if ended else None
        planned = plan(ScheduleView(
            stream_end_s=self._stream_end_s, silence_s=self._gate.silence_s,
            speech_end_s=self._gate.speech_end_s,
            utterance_start_s=self._gate.utterance_start_s,
            last_pass_end_s=self._last_pass_end_s,
            heard_until_s=self._hypotheses[-1].audio_end_s if self._hypotheses else None,
            tentative=self._tentative, boundary_s=self._boundary_s(),
            min_step_s=min_step_s, ready_s=ready_s), cfg)
        if not planned.due:
            return self._make_update(tuple(committed), utterance_end=True) if ended else None
        hyp = self._decode(len(self._buffer), final=planned.final)
        if planned.deadline and echoes(hyp.words, self._committed_tail):
            # Whisper wrote its prompt again over the start of the buffer: decode
            # once more without it rather than commit the echo (or wait).
            hyp = self._decode(len(self._buffer), final=planned.final, prompt=False)
        self._hypotheses.append(hyp)
        del self._hypotheses[: -max(cfg.agreement, 2)]
        self._last_pass_end_s = self._stream_end_s
        update = self._update_from_agreement(planned.deadline, ready_s - cfg.deadline_s)
        if committed:
            update = TranscriptUpdate(tuple(committed) + update.committed, update.tentative,
                                      update.tentative_words, update.audio_s, ended,
                                      update.dropped, update.reasons)
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
                self._stream_end_s if self._gate.in_speech else self._gate.speech_end_s,
                "end_of_stream"))
        self._tentative = ()
        self._settle(self._stream_end_s, "not_recognised")
        update = self._make_update(tuple(committed), utterance_end=True)
        self._restart_at(self._stream_end_s)
        return update

    # -------------------------------------------------------------- helpers
    def _prompt(self) -> str | None:
        parts = [p for p in (self.config.base_prompt, self._prompt_tail()) if p]
        return " ".join(parts) if parts else None

    def _prompt_tail(self) -> str:
        """The committed text the prompt carries (see ``prompt_before_buffer``)."""
        if not self.config.prompt_before_buffer:
            return self._committed_tail
        before = tuple(w for w in self._committed_log if w.end <= self._buffer_start_s + 0.05)
        return join_words(before)[-self.config.prompt_chars :]

    def _decode(self, n_samples: int, final: bool = False, prompt: bool = True) -> Hypothesis:
        """One pass over the first ``n_samples`` of the buffer, cleaned by the guards.
        ``final``: the pass whose words are committed at once (an endpoint)."""
        audio: AudioArray = self._buffer[:n_samples]
        self.passes += 1
        segments = self.transcriber.transcribe(audio, self._prompt() if prompt else None,
                                               self._buffer_start_s, final=final)
        cleaned = clean_pass(segments, self._pass_context())
        self._guarded = self._guarded or cleaned.guarded
        return Hypothesis(cleaned.words, self._buffer_start_s + len(audio) / SAMPLE_RATE)

    def _pass_context(self) -> PassContext:
        """What ``streaming.passes`` needs of the state to clean a pass."""
        return PassContext(
            buffer_start_s=self._buffer_start_s, committed_end_s=self._committed_end_s,
            committed_words=self._committed_words, tentative=self._tentative,
            speech_probs=self._gate.probs, neg_threshold=self._gate.neg_threshold,
            monotonic=bool(self.config.deadline_s))

    def _boundary_s(self) -> float:
        """Where new (uncommitted) audio starts in the buffer."""
        return max(self._buffer_start_s, self._committed_end_s)

    def _new_words(self, words: tuple[Word, ...]) -> tuple[Word, ...]:
        """``words`` after the committed text (the buffer may still hold it)."""
        return new_words(words, self._pass_context())

    def _speech_before(self, words: tuple[Word, ...], up_to_s: float | None = None) -> float:
        """Seconds of VAD speech in the buffer before the first word (or before
        ``up_to_s`` when there is no word): speech a pass has skipped."""
        end_s = words[0].start - 0.3 if words else (up_to_s or self._stream_end_s)
        return self._gate.speech_s(self._boundary_s() + 0.1, end_s, self._buffer_start_s)

    def _update_from_agreement(self, deadline: bool = False,
                               due_before_s: float = 0.0) -> TranscriptUpdate:
        """Commit what the policy settles after a pass inside an utterance
        (``streaming.policy.decide``), then cut the buffer or keep the
        committed audio as context. ``deadline``: the pass ran at the final
        beam for a word at (or about to reach) ``deadline_s``."""
        cfg = self.config
        current = self._hypotheses[-1].words
        agreed = 0
        if len(self._hypotheses) >= cfg.agreement:
            agreed = len(current)
            for previous in self._hypotheses[-cfg.agreement : -1]:
                agreed = min(agreed, agreed_prefix(previous.words, current))
        decision = decide(PassView(
            words=current, agreed=agreed, stream_end_s=self._stream_end_s,
            uncommitted_s=self._stream_end_s - self._boundary_s(), buffer_s=self.buffer_s,
            skipped_speech_s=self._speech_before(current) if current else 0.0,
            echo=echoes(current, self._committed_tail),
            due_before_s=due_before_s, deadline=deadline), cfg)
        n = decision.n
        committed = self._commit_words(current[:n], decision.reason or "sentence")
        if current or not (cfg.deadline_s and self._gate.in_speech):
            self._tentative = current[n:]
        # else: a pass that wrote nothing (its text guarded away) keeps the
        # previous tentative words, whose age still calls the deadline pass.
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

    def _commit_utterance(self, speech_end_s: float,
                          reason: CommitReason = "endpoint") -> tuple[Segment, ...]:
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
        committed = self._commit_words(words, reason)
        self._tentative = ()
        self._hypotheses = []
        self._cut_buffer(cut_s - cfg.context_s)
        # Speech after the cut (a new utterance in the same feed) stays pending.
        if self._gate.in_speech:
            self._gate.utterance_start_s = max(self._gate.utterance_start_s, cut_s)
        return committed

    def _commit_words(self, words: tuple[Word, ...],
                      reason: CommitReason) -> tuple[Segment, ...]:
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
        self._committed_log = (self._committed_log + words)[-80:]
        self._ledger.committed(words, reason)
        self._reasons.append(reason)
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
        reasons, self._reasons = tuple(self._reasons), []
        return TranscriptUpdate(
            committed=committed,
            tentative=join_words(self._tentative),
            tentative_words=self._tentative,
            audio_s=self._stream_end_s,
            utterance_end=utterance_end,
            dropped=dropped,
            reasons=reasons,
        )

