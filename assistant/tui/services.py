"""The apps' side of the other stages: engine, pipeline, drafter, store, devices.

The one door of both apps (the counter and the dictation): screens call these
methods and never import the store, the capture or the model themselves. Every
store problem becomes a French ``StoreError`` shown as a notification by the
caller; nothing here touches a widget. The methods that block (model loading,
device listing, level monitoring, saving a dictation, re-reading it) run in
worker threads.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.errors import CaptureError
from assistant.settings import Settings
from assistant.tui import strings as S
from assistant.tui.review import EvidenceSpan, ReviewEdit
from assistant.tui.services_sharing import SharingServices

if TYPE_CHECKING:
    from assistant.asr import SpeechModel
    from assistant.identify.choose import Reading
    from assistant.notes.models import CaseNoteDraft, ConfirmedNote, IdentifierKind
    from assistant.store import SessionRecord, SessionStore
    from assistant.streaming.events import AudioLevel, PipelineEvent
    from assistant.streaming.protocols import AudioSource, Transcriber
    from assistant.types import AudioArray, Segment

    SourceFactory = Callable[[str | None], AudioSource]
    """device -> an audio source (a microphone, or a recording replayed)."""

NumberReader = Callable[[float, float, "IdentifierKind", str], "Reading"]
"""(start_s, end_s, kind, words heard) -> the identifier said in that stretch of the
live audio; blocking (seconds): called on a worker thread."""

UTTERANCE_MARGIN_S = (0.5, 0.6)
"""Audio read before and after a committed utterance's word times (they are
Whisper's estimates, and the last words of a number often run past them)."""


@dataclass(frozen=True, slots=True)
class Engine:
    """A loaded recogniser: its display name and what the pipeline decodes with."""

    name: str
    transcriber: SpeechModel | Transcriber
    load_seconds: float = 0.0


if TYPE_CHECKING:
    DictationEngine = SpeechModel | Transcriber | Engine
    """What the dictation decodes with: a Whisper model, or a stand-in in tests."""


@dataclass(frozen=True, slots=True)
class LoadedSession:
    """A stored session reopened for review."""

    session_id: int
    appointment_date: dt.date
    segments: tuple[Segment, ...]
    edits: tuple[ReviewEdit, ...] = ()
    """The agent's decisions recorded so far, oldest first."""
    confirmed: ConfirmedNote | None = None
    """The note the agent already confirmed (reopened from « Fiches du jour »)."""


class PipelineHandle(Protocol):
    """What a session screen controls of a running pipeline."""

    def set_paused(self, paused: bool) -> None: ...

    def switch_device(self, device: str | None) -> None: ...

    def stop(self) -> None: ...

    def audio(self, start_s: float, end_s: float) -> AudioArray:
        """The live audio kept between two stream times (empty if it is gone)."""
        ...


class Drafter(Protocol):
    def add_segment(self, segment: Segment) -> CaseNoteDraft: ...


class DictationHandle(Protocol):
    """What the dictation controls of its running pipeline."""

    def set_paused(self, paused: bool) -> None: ...

    def stop(self) -> None: ...

    def audio(self) -> AudioArray | None:
        """Everything heard so far (None: nothing kept, or too long to keep)."""
        ...


def _evidence_of(recorded: dict[str, Any]) -> tuple[EvidenceSpan, ...]:
    """The evidence an edit was recorded with (a number dictated), if any."""
    spans = recorded.get("evidence")
    if not isinstance(spans, list):
        return ()
    return tuple(EvidenceSpan(int(e["segment_id"]), int(e["start"]), int(e["end"]),
                              str(e.get("quote", ""))) for e in spans if isinstance(e, dict))


def load_whisper(settings: Settings) -> Engine:
    """Load the configured Whisper model (seconds, on a worker thread)."""
    from assistant.asr import load_model

    started = time.monotonic()
    model = load_model(settings)
    # The pipeline wraps the model with the streaming decoding settings itself.
    return Engine(model.name, model, time.monotonic() - started)


def speech_model(engine: Engine) -> SpeechModel | None:
    """The Whisper model behind ``engine``, if it has one (the number dictation
    decodes with it; a scripted transcriber has none)."""
    from assistant.asr import SpeechModel

    transcriber: object = engine.transcriber
    model = transcriber if isinstance(transcriber, SpeechModel) else getattr(
        transcriber, "model", None)
    return model if isinstance(model, SpeechModel) else None


class _Running:
    """A started ``LivePipeline``, as a screen controls it."""

    def __init__(self, pipeline: Any) -> None:
        self._pipeline = pipeline

    def set_paused(self, paused: bool) -> None:
        if paused:
            self._pipeline.pause()
        else:
            self._pipeline.resume()

    def stop(self) -> None:
        self._pipeline.stop(timeout=30.0)


class _Pipeline(_Running):
    def audio(self, start_s: float, end_s: float) -> AudioArray:
        audio: AudioArray = self._pipeline.audio(start_s, end_s)
        return audio

    def switch_device(self, device: str | None) -> None:
        self._pipeline.switch_device(int(device) if device and device.isdigit() else device)


def source_factory_for(settings: Settings, replay: Path | None,
                   realtime: bool = True) -> SourceFactory:
    """The replayed recording ``replay`` (at the pace of speech when ``realtime``),
    or the microphone chosen (None: the configured one)."""

    def make(device: str | None) -> AudioSource:
        capture = settings.capture
        if replay is not None:
            from assistant.replay import FileSource

            return FileSource.from_file(replay, realtime=realtime, block_ms=capture.block_ms,
                                        queue_seconds=capture.queue_seconds,
                                        channels=len(capture.channels))
        from assistant.capture import MicrophoneSource

        return MicrophoneSource(device if device is not None else capture.device,
                                block_ms=capture.block_ms, queue_seconds=capture.queue_seconds,
                                channels=len(capture.channels))

    return make


class _Dictation(_Running):
    def __init__(self, pipeline: Any, kept: Any) -> None:
        super().__init__(pipeline)
        self._kept = kept

    def audio(self) -> AudioArray | None:
        audio: AudioArray | None = self._kept.audio()
        return audio


class Services(SharingServices):
    """Everything the screens need from outside the UI, behind one small surface."""

    def __init__(self, settings: Settings, source_factory: SourceFactory,
                 store_path: Path | None = None, agent: str | None = None) -> None:
        self.settings = settings
        self.source_factory = source_factory
        self.agent = agent
        self._store_path = store_path
        self._store: SessionStore | None = None
        self._lock = threading.Lock()

    # --- store ------------------------------------------------------------------------
    @property
    def store(self) -> SessionStore:
        with self._lock:
            if self._store is None:
                from assistant.store import SessionStore, open_store

                if self._store_path is not None:
                    self._store = SessionStore.open(self._store_path, actor=self.agent)
                else:
                    self._store = open_store(self.settings)
            return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def recent_sessions(self, limit: int = 8) -> list[SessionRecord]:
        from assistant.store import SessionStatus

        sessions = [s for s in self.store.sessions()
                    if s.status is not SessionStatus.CONFIRMED and s.segment_count > 0]
        return sorted(sessions, key=lambda s: s.started_at, reverse=True)[:limit]

    def start_session(self, appointment_date: dt.date, source: str) -> int:
        return int(self.store.start_session(source=source, appointment_date=appointment_date).id)

    def add_segment(self, session_id: int, segment: Segment) -> None:
        from assistant.store import SessionId

        self.store.add_segment(SessionId(session_id), segment)

    def save_draft(self, session_id: int, draft: CaseNoteDraft) -> None:
        from assistant.store import SessionId

        self.store.save_draft(SessionId(session_id), draft)

    def record_edit(self, session_id: int, edit: ReviewEdit) -> None:
        from assistant.store import SessionId

        new: dict[str, object] = {"action": edit.action, "value": edit.new}
        if edit.evidence:
            new["evidence"] = [{"segment_id": e.segment_id, "start": e.start, "end": e.end,
                                "quote": e.quote} for e in edit.evidence]
        self.store.record_edit(SessionId(session_id), edit.field,
                               {"action": edit.action, "value": edit.old}, new)

    def record_reveal(self, session_id: int, what: str) -> None:
        from assistant.store import SessionId

        self.store.record_reveal(SessionId(session_id), what)

    def confirm(self, session_id: int, note: ConfirmedNote) -> None:
        from assistant.store import SessionId

        self.store.confirm(SessionId(session_id), note)

    def end_session(self, session_id: int) -> None:
        from assistant.store import SessionId

        self.store.end_session(SessionId(session_id))

    def load_session(self, session_id: int) -> LoadedSession:
        from assistant.store import SessionId

        sid = SessionId(session_id)
        record = self.store.session(sid)
        edits = []
        for e in self.store.edits(sid):
            old, new = json.loads(e.old_json), json.loads(e.new_json)
            if isinstance(old, dict) and isinstance(new, dict) and "action" in old:
                edits.append(ReviewEdit(e.field, str(old["action"]), old.get("value"),
                                        new.get("value"), _evidence_of(new)))
        from assistant.notes.models import ConfirmedNote

        stored = self.store.note(sid)
        confirmed = ConfirmedNote.model_validate_json(stored.json) if stored else None
        return LoadedSession(session_id, record.appointment_date, self.store.segments(sid),
                             tuple(edits), confirmed)

    # --- drafter ----------------------------------------------------------------------------
    def new_drafter(self, appointment_date: dt.date) -> Drafter:
        from assistant.notes.drafter import Drafter

        drafter: Drafter = Drafter(appointment_date)
        return drafter

    # --- live pipeline ------------------------------------------------------------------------
    def start_pipeline(self, engine: Engine, device: str | None,
                       on_event: Callable[[PipelineEvent], None], *, session_id: int,
                       first_segment_id: int = 0) -> PipelineHandle:
        """Start listening for ``session_id``. Committed segments are written to the
        store on the pipeline's thread before the screen hears of them."""
        from assistant.errors import StoreError
        from assistant.pipeline import LivePipeline
        from assistant.store import SessionId
        from assistant.store.recorder import SessionRecorder
        from assistant.streaming.events import ErrorEvent

        sid = SessionId(session_id)
        keeper = None
        if self.settings.store.keep_audio and first_segment_id == 0:
            keeper = self.store.keep_audio(sid)
        recorder = SessionRecorder(self.store, sid, keeper)

        def record_then_show(event: PipelineEvent) -> None:
            try:
                recorder.on_event(event)
            except StoreError as exc:  # the disk failed: say so, keep transcribing
                on_event(ErrorEvent(exc, recoverable=True))
            on_event(event)

        source = recorder.wrap_source(self.source_factory(device))
        pipeline = LivePipeline(source, engine.transcriber, self.settings, record_then_show,
                                first_segment_id=first_segment_id)
        pipeline.start()
        return _Pipeline(pipeline)

    # --- number dictation --------------------------------------------------------------------
    def number_reader(self, engine: Engine, pipeline: PipelineHandle) -> NumberReader | None:
        """What reads an identifier again from ``pipeline``'s recent audio (None
        when ``engine`` has no Whisper model to decode with)."""
        model = speech_model(engine)
        if model is None:
            return None
        # Loaded on first use, not at start-up (numpy, the recogniser's side).
        from assistant.identify.reader import read_identifier
        from assistant.types import SAMPLE_RATE

        before, after = UTTERANCE_MARGIN_S
        rescore = self.settings.identify.score_neighbours
        verify = self.settings.identify.verify_capture

        def read(start_s: float, end_s: float, kind: IdentifierKind, words: str) -> Reading:
            audio = pipeline.audio(max(0.0, start_s - before), end_s + after)
            if len(audio) < int(0.2 * SAMPLE_RATE):
                raise CaptureError(S.NUMBER_NO_AUDIO.format(text=words), S.NUMBER_NO_AUDIO_HINT)
            return read_identifier(model, audio, kind, rescore=rescore, verify=verify)

        return read

    # --- devices ---------------------------------------------------------------------------------
    def input_devices(self) -> list[tuple[str, str]]:
        """(label, value) for each input device, for the start screen's choice."""
        from assistant.capture import list_input_devices

        return [(f"{d.index}: {d.name}", str(d.index)) for d in list_input_devices()]

    def monitor_level(self, device: str | None,
                      report: Callable[[AudioLevel], bool]) -> None:
        """Read levels of ``device`` until ``report`` returns False (worker thread)."""
        source = self.source_factory(device)
        source.start()
        try:
            while True:
                source.read(0.1)
                if not report(source.level()):
                    return
        finally:
            source.stop()

    def enroll_voice(self, device: str | None) -> float:
        """« Enregistrer ma voix » (worker): 10 s on ``device``; the speech heard (s)."""
        from assistant.diarize import enroll

        models = enroll.load_voice_models(self.settings)  # missing: said before recording
        audio = enroll.record_voice(self.source_factory(device))
        return enroll.enroll_and_keep(self.settings, audio, models)

    # --- dictation ------------------------------------------------------------------------
    def start_dictation(self, engine: DictationEngine, device: str | None,
                        on_event: Callable[[PipelineEvent], None],
                        keep_s: float) -> DictationHandle:
        """Start listening for a dictation; what is heard (not during pauses, up to
        ``keep_s`` seconds) is kept in memory for the re-reading at the end."""
        from assistant.pipeline import LivePipeline
        from assistant.tui.keptaudio import KeptAudio

        transcriber = engine.transcriber if isinstance(engine, Engine) else engine
        kept = KeptAudio(self.source_factory(device), keep_s)
        pipeline = LivePipeline(kept, transcriber, self.settings, on_event)
        pipeline.start()
        return _Dictation(pipeline, kept)

    def reread(self, engine: DictationEngine, audio: AudioArray) -> str:
        """The whole dictation transcribed again by the batch decoder (wide beam,
        whole context): Whisper's raw text (seconds: on a worker thread)."""
        from assistant.asr import DecodeOptions, SpeechModel
        from assistant.dictation.prompt import DICTATION_PROMPT

        prompt = DICTATION_PROMPT if self.settings.dictation.use_prompt else None
        model = engine.transcriber if isinstance(engine, Engine) else engine
        if isinstance(model, SpeechModel):
            options = DecodeOptions.from_settings(self.settings)
            segments = model.transcribe(audio, replace(options, initial_prompt=prompt,
                                                       prompt_min_s=0.0))
        else:
            segments = model.transcribe(audio, prompt, 0.0)
        return " ".join(seg.text for seg in segments)

    def save_dictation(self, text: str, day: dt.date, source: str) -> int:
        """Store a dictated text as a session (one segment per line) with the case
        note the drafter fills from it; the agent reviews it in the counter app.
        Its own connection, opened without purging (worker thread)."""
        from assistant.notes.drafter import Drafter, segments_from_text
        from assistant.store import SessionId, SessionStore, open_store

        if self._store_path is not None:
            store = SessionStore.open(self._store_path, actor=self.agent)
        else:
            store = open_store(self.settings, purge=False)
        try:
            record = store.start_session(source=source, appointment_date=day)
            sid = SessionId(int(record.id))
            drafter = Drafter(day)
            draft = None
            for segment in segments_from_text(text):
                store.add_segment(sid, segment)
                draft = drafter.add_segment(segment)
            if draft is not None:
                store.save_draft(sid, draft)
            store.end_session(sid)
        finally:
            store.close()
        return int(sid)
