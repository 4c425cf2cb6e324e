"""The threaded live runner, shared by ``assistant stream`` and the TUI.

::

    source thread ──▶ bounded queue ──▶ engine thread ──▶ on_event(PipelineEvent)
    (PortAudio callback,                 (VAD + Whisper +
     or a file replayed)                  commit policy)

``LivePipeline`` owns one worker thread that reads the source, feeds the
pure ``StreamingEngine`` and calls ``on_event`` with frozen events
(``assistant.streaming.events``) from that thread. Control calls (``pause``,
``resume``, ``switch_device``, ``stop``) may come from any thread: they are
queued and carried out by the worker between two engine steps.

Catching up: before each pass the worker takes in all the audio the source
has queued (for a live source), so a slow machine makes larger steps rather
than letting the lag grow.
"""

from __future__ import annotations

import ctypes
import logging
import queue
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from assistant.asr import DecodeOptions, SpeechModel
from assistant.errors import AssistantError, CaptureError
from assistant.identify.second_look import CUE_SEGMENTS, look_segment
from assistant.identify.verify import verify_segment
from assistant.recent import RecentAudio
from assistant.settings import Settings
from assistant.speakers import ChannelLabeller
from assistant.streaming.engine import EngineConfig, StreamingEngine
from assistant.streaming.events import (
    EndEvent,
    EndReason,
    ErrorEvent,
    PipelineEvent,
    PipelineState,
    StatusEvent,
    TranscriptUpdate,
)
from assistant.streaming.protocols import AudioSource, Transcriber, VoiceDetector
from assistant.types import SAMPLE_RATE, AudioArray, AudioChunk, Segment
from assistant.vocabulary import default_prompt

EventCallback = Callable[[PipelineEvent], None]

TOKENS_PER_S = 12
"""Generous ceiling of Whisper tokens per second of French speech (about 6 are usual)."""
SLOW_FACTOR = 1.5
"""Tentative passes are spaced by at least this many times a pass's duration."""
MAX_TOKENS = 220
"""faster-whisper's own limit (448) minus room for the prompt."""

if TYPE_CHECKING:
    from assistant.diarize.labeller import LiveVoiceLabeller

log = logging.getLogger(__name__)


TRIM_EVERY_S = 30.0
"""Least wall time between two returns of freed memory to the system."""


def _malloc_trim() -> Callable[[], object] | None:
    """glibc's ``malloc_trim(0)``: hands the heap pages freed by the decoder's
    passes (buffers of varying sizes with the short encoder window) back to the
    system, so that a long session's memory stays flat instead of drifting with
    fragmentation. None where there is no glibc (Windows, macOS, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return lambda: trim(0)


class WhisperTranscriber:
    """``Transcriber`` over the real model: greedy, one temperature (a fallback
    stalls commits for seconds on silent buffers), word times, no VAD filter
    (the engine gates on voice activity itself), no conditioning."""

    def __init__(self, model: SpeechModel, language: str = "fr", beam_size: int = 1,
                 final_beam_size: int | None = None, short_encoder: bool = True,
                 short_encoder_margin_s: float = 10.0,
                 full_fallback_max_s: float = 30.0) -> None:
        self.model = model
        self.language = language
        self.beam_size = beam_size
        self.final_beam_size = final_beam_size or beam_size
        self.short_encoder = short_encoder
        """Encode only the buffer plus a margin (``SpeechModel.transcribe_short``)."""
        self.short_encoder_margin_s = short_encoder_margin_s
        self.full_fallback_max_s = full_fallback_max_s
        """Longest buffer whose looping short-window pass is decoded again in a
        full window (a longer one keeps its pass: the guards cut the loop)."""

    def transcribe(self, audio: AudioArray, prompt: str | None, offset_s: float,
                   final: bool = False) -> tuple[Segment, ...]:
        options = DecodeOptions(
            language=self.language,
            beam_size=self.final_beam_size if final else self.beam_size,
            temperatures=(0.0,),
            vad_filter=False,
            word_timestamps=True,
            initial_prompt=prompt,
            condition_on_previous_text=False,
            # A decoding loop must not cost seconds: speech is at most a few
            # tokens per second, so cap the tokens by the buffer's length.
            extra={"max_new_tokens": min(MAX_TOKENS, 16 + int(TOKENS_PER_S * len(audio)
                                                               / SAMPLE_RATE))},
        )
        if self.short_encoder:
            return self.model.transcribe_short(
                audio, options, offset_s, margin_s=self.short_encoder_margin_s,
                full_fallback=len(audio) / SAMPLE_RATE <= self.full_fallback_max_s)
        return self.model.transcribe(audio, options, offset_s)


def engine_config(settings: Settings) -> EngineConfig:
    """The engine's knobs from the settings tree."""
    s = settings.streaming
    base_prompt: str | None = None
    if settings.decoding.use_prompt:
        base_prompt = settings.decoding.prompt or default_prompt()
    return EngineConfig(
        min_step_s=s.min_step_s,
        max_buffer_s=s.max_buffer_s,
        endpoint_s=s.endpoint_ms / 1000.0,
        vad_threshold=s.vad_threshold,
        vad_neg_threshold=max(0.01, s.vad_threshold - 0.15),
        commit_after_s=s.commit_after_s,
        context_s=s.context_s,
        max_delay_s=s.max_delay_s,
        deadline_s=s.deadline_s,
        deadline_context_s=s.deadline_context_s,
        deadline_final_beam=s.deadline_final_beam,
        deadline_at_pause=s.deadline_at_pause,
        prompt_before_buffer=s.prompt_before_buffer,
        base_prompt=base_prompt,
    )


def transcriber_for(model: SpeechModel, settings: Settings) -> WhisperTranscriber:
    s = settings.streaming
    return WhisperTranscriber(model, settings.decoding.language, s.beam_size, s.final_beam_size,
                              short_encoder=s.short_encoder,
                              short_encoder_margin_s=s.short_encoder_margin_s,
                              full_fallback_max_s=s.full_fallback_max_s)


@dataclass(frozen=True, slots=True)
class _Command:
    kind: Literal["pause", "resume", "switch", "stop"]
    device: str | int | None = None


class LivePipeline:
    """Source → engine → events, on one worker thread.

    ``model`` is the loaded ``SpeechModel`` (or any ``Transcriber``);
    ``on_event`` is called from the worker thread for every event.
    """

    def __init__(self, source: AudioSource, model: SpeechModel | Transcriber,
                 settings: Settings, on_event: EventCallback, *,
                 vad: VoiceDetector | None = None, status_interval_s: float = 0.25,
                 first_segment_id: int = 0) -> None:
        self.source = source
        self.settings = settings
        self.on_event = on_event
        self.status_interval_s = status_interval_s
        transcriber: Transcriber = (
            transcriber_for(model, settings) if isinstance(model, SpeechModel) else model
        )
        if vad is None:
            from assistant.vad import SileroVad

            vad = SileroVad()
        self.engine = StreamingEngine(transcriber, vad, engine_config(settings),
                                      first_segment_id=first_segment_id)
        self._commands: queue.Queue[_Command] = queue.Queue(maxsize=32)
        self._thread: threading.Thread | None = None
        self._state: PipelineState = "starting"
        self._ended = threading.Event()
        self._last_status = 0.0
        self.decode_seconds = 0.0
        """Wall time spent in engine passes (for benchmarks)."""
        self._pass_s = 0.0  # moving average of a pass's wall time
        self._trim = _malloc_trim()
        self._trimmed_at = time.monotonic()
        self.recent = RecentAudio()
        """The last minute of audio fed to the engine (the second look, the number
        dictation)."""
        self._look_model = model if (isinstance(model, SpeechModel) and (
            settings.identify.second_look or settings.identify.verify_live)) else None
        self._earlier: deque[Segment] = deque(maxlen=CUE_SEGMENTS)
        self.look_seconds: list[float] = []
        """Wall time the second look or the check added to each commit it ran on
        (for benchmarks)."""
        self.speakers: ChannelLabeller | LiveVoiceLabeller | None = None
        """Who said each segment: from the source's channels (``assistant.speakers``),
        or by voice on one microphone (``assistant.diarize``, speakers.mode = voice)."""
        self._by_voice = False
        if settings.speakers.mode == "channels" and settings.capture.channels:
            self.speakers = ChannelLabeller(settings.capture.channels)
        elif settings.speakers.mode == "voice":
            from assistant.diarize.enroll import load_voice, load_voice_models, voice_file
            from assistant.diarize.labeller import LiveVoiceLabeller

            self.speakers = LiveVoiceLabeller(load_voice_models(settings),
                                              load_voice(voice_file(settings)))
            self._by_voice = True

    # ------------------------------------------------------------ control
    @property
    def state(self) -> PipelineState:
        return self._state

    @property
    def lag_s(self) -> float:
        """Captured audio the engine has not taken in yet (seconds)."""
        return max(0.0, self.source.captured_s - self.engine.stream_end_s)

    def start(self) -> None:
        """Open the source and start the worker thread (returns at once)."""
        if self._thread is not None:
            raise RuntimeError("LivePipeline.start() called twice")
        self._thread = threading.Thread(target=self._run, name="assistant-pipeline", daemon=True)
        self._thread.start()

    def pause(self) -> None:
        """Stop listening: pending speech is committed, new audio is discarded."""
        self._send(_Command("pause"))

    def resume(self) -> None:
        self._send(_Command("resume"))

    def switch_device(self, device: str | int | None) -> None:
        """Capture from another input device (index, part of its name, or the default)."""
        self._send(_Command("switch", device))

    def stop(self, timeout: float | None = 30.0) -> None:
        """Commit what is pending, emit ``EndEvent`` and wait for the worker."""
        if self._thread is None:
            return
        if not self._ended.is_set():
            self._send(_Command("stop"))
        self._thread.join(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the pipeline has ended (end of a recording, stop, fatal error)."""
        return self._ended.wait(timeout)

    def _send(self, command: _Command) -> None:
        try:
            self._commands.put(command, timeout=5.0)
        except queue.Full:  # pragma: no cover - the worker is stuck
            raise CaptureError("La transcription en direct ne répond plus.",
                               "Arrêtez puis relancez la session.") from None

    # ------------------------------------------------------------- worker
    def _emit(self, event: PipelineEvent) -> None:
        self.on_event(event)

    def audio(self, start_s: float, end_s: float) -> AudioArray:
        """A copy of the audio fed between two stream times (empty once it is gone)."""
        return self.recent.between(start_s, end_s)

    def _emit_update(self, update: TranscriptUpdate | None) -> None:
        if update is None:
            return
        for dropped in update.dropped:
            log.warning("speech %.1f-%.1f s left without text (%s)",
                        dropped.start_s, dropped.end_s, dropped.reason)
        if update.committed and self._look_model is not None:
            update = replace(update, committed=self._looked(update.committed))
        if self.speakers is not None:  # committed: labelled now, once and for all
            update = replace(update, committed=tuple(map(self.speakers.label, update.committed)),
                             tentative_speaker=self.speakers.speaker(
                                 update.tentative_start or 0.0, update.tentative_end or 0.0,
                                 update.tentative_words) if update.tentative_words else None)
        self._emit(update)

    def _looked(self, committed: tuple[Segment, ...]) -> tuple[Segment, ...]:
        """Committed segments with their numbers read again from the recent audio
        (``assistant.identify.second_look``) or checked against their neighbours
        (``assistant.identify.verify``), before anyone sees them."""
        assert self._look_model is not None
        out: list[Segment] = []
        for seg in committed:
            if seg.words:
                started = time.monotonic()
                lo = max(0.0, seg.start - 2.0)
                audio = self.recent.between(lo, seg.end + 1.0)
                looks: Sequence[object]
                if self.settings.identify.second_look:
                    seg, looks = look_segment(self._look_model, audio, seg,
                                              [s.text for s in self._earlier],
                                              self.settings.identify.keep_confidence,
                                              offset_s=lo)
                else:
                    seg, looks = verify_segment(self._look_model, audio, seg,
                                                list(self._earlier), offset_s=lo,
                                                amounts=self.settings.identify.verify_amounts)
                if looks:
                    self.look_seconds.append(time.monotonic() - started)
            self._earlier.append(seg)
            out.append(seg)
        return tuple(out)

    def _status(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_status < self.status_interval_s:
            return
        self._last_status = now
        self._emit(StatusEvent(
            state=self._state,
            audio_s=max(self.source.captured_s, self.engine.stream_end_s),
            processed_s=self.engine.stream_end_s,
            level=self.source.level(),
            speaking=self.engine.speaking,
            overflows=self.source.overflows,
            device=self.source.name,
        ))

    def _run(self) -> None:
        reason: EndReason = "stopped"
        try:
            try:
                self.source.start()
            except AssistantError as exc:
                self._emit(ErrorEvent(exc, recoverable=False))
                reason = "error"
                return
            self._state = "running"
            self._status(force=True)
            reason = self._loop()
        except AssistantError as exc:
            self._emit(ErrorEvent(exc, recoverable=False))
            reason = "error"
        finally:
            try:
                self.source.stop()
            finally:
                self._state = "stopped"
                try:
                    self._status(force=True)
                    self._emit(EndEvent(reason, self.engine.stream_end_s,
                                        self.engine.segments_committed))
                finally:
                    self._ended.set()

    def _handle_commands(self) -> bool:
        """Carry out queued control calls; False when asked to stop."""
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return True
            if command.kind == "stop":
                self._emit_update(self.engine.finish())
                return False
            if command.kind == "pause" and self._state == "running":
                self.source.set_paused(True)
                self._emit_update(self.engine.finish())
                self._state = "paused"
            elif command.kind == "resume" and self._state == "paused":
                self.source.set_paused(False)
                self._state = "running"
            elif command.kind == "switch":
                try:
                    self.source.switch_device(command.device)
                except AssistantError as exc:
                    self._emit(ErrorEvent(exc, recoverable=True))
                    continue
                if self._state == "waiting_device":
                    self._state = "running"
            self._status(force=True)

    def _take(self, timeout: float) -> bool:
        """Feed the engine with what the source has; False if nothing came."""
        paced = self.source.paced
        chunk = self.source.read(timeout)
        if chunk is None:
            return False
        self._feed(chunk)
        # Live: take everything queued (catch up with one larger step).
        # As fast as possible: take one step's worth, as a live feed would.
        budget = None if paced else self.engine.config.min_step_s
        taken = chunk.duration_s
        while budget is None or taken < budget:
            more = self.source.read(0.0)
            if more is None:
                break
            self._feed(more)
            taken += more.duration_s
        return True

    def _step_s(self) -> float | None:
        """Step between tentative passes on a live source: at least
        ``SLOW_FACTOR`` times a pass, so a slow machine keeps time for the
        passes that commit."""
        if not self.source.paced or not self._pass_s:
            return None
        return SLOW_FACTOR * self._pass_s

    def _feed(self, chunk: AudioChunk) -> None:
        self.recent.add(chunk)
        if self.speakers is not None:
            self.speakers.add(chunk.start_s, chunk.samples if self._by_voice else chunk.channels)
        if chunk.start_s > self.engine.stream_end_s + 0.05 and self.engine.stream_end_s:
            # A gap (pause, device switch): close the utterance before it.
            self._emit_update(self.engine.finish())
        self.engine.insert_audio(chunk)

    def _release_memory(self) -> None:
        """After an utterance is committed (the voice has stopped, so the
        worker has a moment), at most every ``TRIM_EVERY_S``."""
        now = time.monotonic()
        if self._trim is not None and now - self._trimmed_at >= TRIM_EVERY_S:
            self._trim()
            self._trimmed_at = now

    def _loop(self) -> EndReason:
        while True:
            if not self._handle_commands():
                return "stopped"
            if self._state == "paused":
                self.source.read(0.05)  # a microphone keeps capturing: discard
                self._status()
                continue
            if self._state == "waiting_device":
                self._status()
                time.sleep(0.05)
                continue
            try:
                got = self._take(timeout=0.05)
            except CaptureError as exc:
                # Device lost: keep what was said, wait for another device.
                self._emit_update(self.engine.finish())
                self._state = "waiting_device"
                self._emit(ErrorEvent(exc, recoverable=True))
                self._status(force=True)
                continue
            if got:
                started = time.monotonic()
                passes = self.engine.passes
                update = self.engine.process(
                    self._step_s(), self._pass_s if self.source.paced else None)
                self._emit_update(update)
                if update is not None and update.utterance_end:
                    self._release_memory()
                spent = time.monotonic() - started
                self.decode_seconds += spent
                if self.engine.passes > passes:
                    self._pass_s = spent if not self._pass_s else 0.7 * self._pass_s + 0.3 * spent
            elif self.source.finished:
                self._emit_update(self.engine.finish())
                return "eof"
            self._status()
