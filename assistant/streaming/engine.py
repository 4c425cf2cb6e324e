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
from difflib import SequenceMatcher

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


@dataclass(frozen=True, slots=True)
class _Hypothesis:
    words: tuple[Word, ...]
    audio_end_s: float


def _key(word: Word) -> str:
    """Comparison key: folded, without punctuation."""
    return re.sub(r"[^\w']+", "", fold(word.text))


def _similar(a: str, b: str) -> bool:
    """Two spellings of one word ("passeport" / "passport")."""
    return bool(a) and bool(b) and SequenceMatcher(None, a, b).ratio() >= 0.75


def _is_number(word: Word) -> bool:
    text = fold(word.text).strip(" .,;:!?…€%")
    if re.fullmatch(r"\d[\d\s.,/h-]*", text):
        return True
    return bool(text) and all(part in _FRENCH_NUMBER_WORDS for part in text.split("-") if part)


STRETCH_S = 0.3
"""How far before the committed end a new word may end (word times move
by a few tenths of a second between two passes over the same audio)."""


_GLUED_PREFIX = ("'", "’", "-")  # "'accord", "-vous": part of the previous word
_NO_SPACE_BEFORE = (",", ".", ")", "]", "…")


def join_words(words: tuple[Word, ...]) -> str:
    """Words back to text: faster-whisper splits "D'accord" into "D" + "'accord"
    and "revenez-vous" into "revenez" + "-vous"; no space goes before those."""
    out = ""
    for w in words:
        text = w.text.strip()
        if not text:
            continue
        glued = text.startswith(_NO_SPACE_BEFORE) or (
            text.startswith(_GLUED_PREFIX) and len(text) > 1
        )
        if out and not glued:
            out += " "
        out += text
    return out


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
        self._started = False
        self._probs = np.zeros(0, dtype=np.float32)  # one per VAD window of the buffer
        self._pending = np.zeros(0, dtype=np.float32)  # samples not yet a full VAD window
        self._in_speech = False  # voice active, its endpoint not reached yet
        self._speech_end_s = 0.0  # end of the last speech window
        self._utterance_start_s = 0.0  # first speech window of the current utterance
        self._silence_s = 0.0
        self._endpoints: list[float] = []  # speech ends whose silence reached endpoint_s
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
        """Append ``chunk`` (16 kHz mono float32) and run voice activity
        detection on it. A chunk that starts after the end of the previous one
        is a gap (a pause, a device switch): call ``finish`` before it, or the
        pending utterance is dropped."""
        cfg = self.config
        if not self._started or chunk.start_s > self._stream_end_s + 0.05:
            self._restart_at(chunk.start_s)
            self._started = True
        samples = np.asarray(chunk.samples, dtype=np.float32).reshape(-1)
        self._buffer = np.concatenate((self._buffer, samples))
        self._stream_end_s = self._buffer_start_s + len(self._buffer) / SAMPLE_RATE
        pending = np.concatenate((self._pending, samples))
        n = len(pending) // VAD_WINDOW
        self._pending = pending[n * VAD_WINDOW :]
        if not n:
            return
        windows = pending[: n * VAD_WINDOW].reshape(n, VAD_WINDOW)
        probs = np.asarray(self.vad.probabilities(windows), dtype=np.float32).reshape(-1)
        self._probs = np.concatenate((self._probs, probs))
        window_s = VAD_WINDOW / SAMPLE_RATE
        end_of_new = self._stream_end_s - len(self._pending) / SAMPLE_RATE
        for k, p in enumerate(probs):
            t_end = end_of_new - (n - 1 - k) * window_s
            if p >= cfg.vad_threshold:
                if not self._in_speech:
                    self._utterance_start_s = t_end - window_s
                    self._in_speech = True
                self._speech_end_s = t_end
                self._silence_s = 0.0
            elif self._in_speech and p < cfg.vad_neg_threshold:
                self._silence_s += window_s
                if self._silence_s >= cfg.endpoint_s:
                    self._in_speech = False
                    self._endpoints.append(self._speech_end_s)
            elif not self._in_speech:
                self._silence_s += window_s
        if not self._in_speech and not self._endpoints and not self._tentative:
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
        ended = bool(self._endpoints)
        while self._endpoints:
            committed.extend(self._commit_utterance(self._endpoints.pop(0)))
        if not self._in_speech:
            return self._make_update(tuple(committed), utterance_end=True) if ended else None
        due = False
        final = False
        if self._silence_s >= cfg.pre_endpoint_s:
            # Probably the end: this pass will serve the endpoint commit.
            due = not self._covers(self._speech_end_s)
            final = True
        elif self._silence_s > 0:
            # A pause has begun: wait to see whether it is the end rather than
            # start a pass that would delay the endpoint commit.
            due = False
        elif self._hypotheses:
            due = self._stream_end_s - self._last_pass_end_s >= min_step_s
        else:
            due = self._speech_end_s - self._utterance_start_s >= cfg.first_step_s
        if not due:
            return self._make_update(tuple(committed), utterance_end=True) if ended else None
        self._hypotheses.append(self._decode(len(self._buffer), final=final))
        del self._hypotheses[: -max(cfg.agreement, 2)]
        self._last_pass_end_s = self._stream_end_s
        update = self._update_from_agreement()
        if committed:
            update = TranscriptUpdate(tuple(committed) + update.committed, update.tentative,
                                      update.tentative_words, update.audio_s, ended)
        return update

    def _agreement_only_step(self) -> TranscriptUpdate | None:
        """The baseline: a pass every step while speech is pending, LocalAgreement."""
        self._endpoints.clear()
        if not (self._in_speech or self._tentative):
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
        while self._endpoints:
            committed.extend(self._commit_utterance(self._endpoints.pop(0)))
        if self._in_speech or self._tentative:
            committed.extend(self._commit_utterance(
                self._stream_end_s if self._in_speech else self._speech_end_s))
        self._tentative = ()
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

    def _decode(self, n_samples: int, final: bool = False, prompt: bool = True) -> _Hypothesis:
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
                continue
            key = " ".join(_key(Word(0.0, 0.0, t)) for t in seg.text.split())
            if key and key == previous:
                continue  # the same sentence twice in a row: a loop, not speech
            previous = key
            words.extend(seg.words or self._words_of(seg))
        # The buffer may still hold committed audio (kept as context): only the
        # words after the committed end are new; a word cut in two at the
        # boundary can come back, and the overlap check removes it.
        hyp = self._after_committed(tuple(w for w in words if w.text))
        hyp = self._drop_committed_overlap(hyp)
        hyp = tuple(w for w in hyp if self._has_speech(w))
        hyp = cut_repetition(hyp)
        return _Hypothesis(hyp, self._buffer_start_s + len(audio) / SAMPLE_RATE)

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

    def _after_committed(self, words: tuple[Word, ...]) -> tuple[Word, ...]:
        """The words of a pass that come after the committed text, when the
        buffer still holds committed audio. By text first: where the pass
        wrote the committed words again, what follows them is new. Otherwise by
        time, leniently: Whisper often stretches the last committed word over
        the pause, so the first new word ("Il" after "papier.") can begin
        before the committed end, and the pass that committed it may have
        timed it later than this one does: a word is new once it ends after
        the committed end minus ``STRETCH_S`` (a committed word written again
        is then removed by ``_drop_committed_overlap``)."""
        end_s = self._committed_end_s
        if end_s <= self._buffer_start_s + 0.05:
            return words
        keys = [_key(w) for w in words]
        tail = [_key(w) for w in self._committed_words]
        for n in range(min(4, len(tail)), 0, -1):
            if n == 1 and len(tail[-1]) < 4:
                break  # one short word is too weak an anchor
            for i in range(len(keys) - n, -1, -1):
                if keys[i : i + n] == tail[-n:] and abs(words[i + n - 1].end - end_s) < 1.5:
                    return words[i + n :]
        first = next((i for i, w in enumerate(words) if w.end > end_s - STRETCH_S), len(words))
        # After a skip, Whisper may time the first new word at the start of
        # the buffer: words just before the first kept one that begin the
        # previous pass's uncommitted text are new too.
        pending = [_key(w) for w in self._tentative]
        for k in range(min(first, len(pending)), 0, -1):
            if keys[first - k : first] == pending[:k]:
                first -= k
                break
        return words[first:]

    def _drop_committed_overlap(self, hyp: tuple[Word, ...]) -> tuple[Word, ...]:
        """Remove leading words that repeat the end of the committed text."""
        committed = [_key(w) for w in self._committed_words]
        keys = [_key(w) for w in hyp]
        for n in range(min(3, len(committed), len(keys)), 0, -1):
            if committed[-n:] == keys[:n] and hyp[0].start < self._boundary_s() + 0.3:
                return hyp[n:]
        if (hyp and committed and hyp[0].end <= self._committed_end_s + STRETCH_S
                and _similar(keys[0], committed[-1])):
            return hyp[1:]  # the last committed word again, spelt another way
        return hyp

    def _has_speech(self, word: Word) -> bool:
        """Whether the VAD saw speech under (or right around) ``word``."""
        window_s = VAD_WINDOW / SAMPLE_RATE
        lo = max(0, int((word.start - 0.2 - self._buffer_start_s) / window_s))
        hi = min(len(self._probs), int((word.end + 0.2 - self._buffer_start_s) / window_s) + 1)
        if hi <= lo:
            return True  # beyond what the VAD has seen yet: keep it
        return bool(np.max(self._probs[lo:hi]) >= self.config.vad_neg_threshold)

    def _speech_before(self, words: tuple[Word, ...], up_to_s: float | None = None) -> float:
        """Seconds of VAD speech in the buffer before the first word (or before
        ``up_to_s`` when there is no word): speech a pass has skipped."""
        end_s = words[0].start - 0.3 if words else (up_to_s or self._stream_end_s)
        window_s = VAD_WINDOW / SAMPLE_RATE
        lo = max(0, int((self._boundary_s() + 0.1 - self._buffer_start_s) / window_s))
        n = int((end_s - self._buffer_start_s) / window_s)
        if n <= lo:
            return 0.0
        return float(np.sum(self._probs[lo:n] >= self.config.vad_threshold)) * window_s

    def _update_from_agreement(self) -> TranscriptUpdate:
        """Inside an utterance: commit agreed words only once the buffer is long
        (short utterances are committed whole at their end, from a pass that
        saw all of them), and never the last ``tail_guard_s`` of the buffer."""
        cfg = self.config
        current = self._hypotheses[-1].words
        n = 0
        utterance_s = self._stream_end_s - self._boundary_s()
        if utterance_s >= cfg.commit_after_s and len(self._hypotheses) >= cfg.agreement:
            n = len(current)
            for previous in self._hypotheses[-cfg.agreement : -1]:
                n = min(n, agreed_prefix(previous.words, current))
        if n and self._speech_before(current) > SKIPPED_SPEECH_S:
            n = 0  # the pass skipped the start of the buffer: cutting would lose it
        horizon = self._stream_end_s - cfg.tail_guard_s
        while n > 0 and current[n - 1].end > horizon:
            n -= 1
        if cfg.endpoint_commit and self.buffer_s < cfg.max_buffer_s:
            # Cut only at an agreed sentence end: Whisper decodes a buffer that
            # starts mid-sentence much worse than one that starts a sentence.
            while n > 0 and not _SENTENCE_END.search(current[n - 1].text):
                n -= 1
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
            self._hypotheses = [_Hypothesis(self._after_committed(h.words), h.audio_end_s)
                                for h in self._hypotheses]
        elif self.buffer_s > cfg.max_buffer_s + cfg.commit_after_s:
            # Nothing committable at all (no words): keep the cost bounded.
            self._cut_buffer(self._stream_end_s - cfg.commit_after_s)
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
        if self._in_speech:
            self._utterance_start_s = max(self._utterance_start_s, cut_s)
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
        self._committed_tail = (self._committed_tail + " " + text).strip()[
            -self.config.prompt_chars :
        ]
        return (segment,)

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
        excess = self.buffer_s - self.config.speech_pad_s - self.config.context_s
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
        self._endpoints = []
        self._silence_s = 0.0
        self.vad.reset()

    def _make_update(self, committed: tuple[Segment, ...],
                     utterance_end: bool = False) -> TranscriptUpdate:
        return TranscriptUpdate(
            committed=committed,
            tentative=join_words(self._tentative),
            tentative_words=self._tentative,
            audio_s=self._stream_end_s,
            utterance_end=utterance_end,
        )
