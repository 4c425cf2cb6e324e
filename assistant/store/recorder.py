"""Recording a live session into the store as the pipeline reports it.

``SessionRecorder.on_event`` is chained onto ``LivePipeline``'s event
callback (it runs on the pipeline's worker thread): every committed segment
is written at once, the session is ended with the pipeline. With
``store.keep_audio`` set, ``wrap_source`` copies the audio the engine reads
into the session's FLAC file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from assistant.settings import Settings
from assistant.store.audio import AudioKeeper
from assistant.store.db import SessionStore
from assistant.store.records import SessionId, SessionRecord
from assistant.streaming.events import AudioLevel, EndEvent, PipelineEvent, TranscriptUpdate
from assistant.streaming.protocols import AudioSource
from assistant.types import AudioChunk

if TYPE_CHECKING:
    from assistant.pipeline import LivePipeline

EventCallback = Callable[[PipelineEvent], None]


class KeepingSource:
    """An ``AudioSource`` that hands every chunk it yields to an ``AudioKeeper``."""

    def __init__(self, inner: AudioSource, keeper: AudioKeeper) -> None:
        self.inner = inner
        self.keeper = keeper

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def finished(self) -> bool:
        return self.inner.finished

    @property
    def overflows(self) -> int:
        return self.inner.overflows

    @property
    def paced(self) -> bool:
        return self.inner.paced

    @property
    def captured_s(self) -> float:
        return self.inner.captured_s

    def level(self) -> AudioLevel:
        return self.inner.level()

    def start(self) -> None:
        self.inner.start()

    def read(self, timeout: float) -> AudioChunk | None:
        chunk = self.inner.read(timeout)
        if chunk is not None:
            self.keeper.write(chunk.samples)
        return chunk

    def set_paused(self, paused: bool) -> None:
        self.inner.set_paused(paused)

    def switch_device(self, device: str | int | None) -> None:
        self.inner.switch_device(device)

    def stop(self) -> None:
        self.inner.stop()


class SessionRecorder:
    """Writes one live session: segments as they commit, then its end."""

    def __init__(self, store: SessionStore, session_id: SessionId,
                 keeper: AudioKeeper | None = None) -> None:
        self.store = store
        self.session_id = session_id
        self.keeper = keeper
        self.segments_written = 0
        self._finished = False

    @classmethod
    def begin(cls, store: SessionStore, settings: Settings, *, source: str = "",
              appointment_date: date | None = None) -> SessionRecorder:
        record = store.start_session(source=source, appointment_date=appointment_date)
        keeper = store.keep_audio(record.id) if settings.store.keep_audio else None
        return cls(store, record.id, keeper)

    def wrap_source(self, source: AudioSource) -> AudioSource:
        return source if self.keeper is None else KeepingSource(source, self.keeper)

    def on_event(self, event: PipelineEvent) -> None:
        if isinstance(event, TranscriptUpdate):
            for segment in event.committed:
                self.store.add_segment(self.session_id, segment)
                self.segments_written += 1
        elif isinstance(event, EndEvent):
            self.finish()

    def chain(self, forward: EventCallback) -> EventCallback:
        """A callback that records an event, then hands it on: whatever
        ``forward`` shows as committed is already on disk."""

        def listener(event: PipelineEvent) -> None:
            self.on_event(event)
            forward(event)

        return listener

    def finish(self) -> SessionRecord:
        """End the session (idempotent) and close its audio file."""
        if not self._finished:
            self._finished = True
            if self.keeper is not None:
                self.keeper.close()
            return self.store.end_session(self.session_id)
        return self.store.session(self.session_id)


def attach_recorder(pipeline: LivePipeline, settings: Settings, *,
                    source: str = "") -> SessionRecorder:
    """Record ``pipeline`` (not started yet) into the configured store.

    The caller closes ``recorder.store`` when the pipeline is over. If the
    process dies first, the session stays open and is listed as interrupted.
    """
    from assistant.store import open_store

    store = open_store(settings)
    try:
        recorder = SessionRecorder.begin(store, settings, source=source)
    except BaseException:
        store.close()
        raise
    pipeline.source = recorder.wrap_source(pipeline.source)
    pipeline.on_event = recorder.chain(pipeline.on_event)
    return recorder
