"""The dictation app's screen: dictate, correct by keyboard, then save as a
note, export or copy.

Threads: the model loads, the note is saved and the recording is re-read in
worker threads, through ``assistant.tui.services``; the live pipeline runs its
own thread and reaches the UI only through ``PipelineMessage``; only the
handlers here touch widgets. The voice commands are applied by the pure
``assistant.dictation`` session.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Static, TextArea

from assistant.dictation import DictationSession
from assistant.dictation.export import ExportFormat, export_name, render_export
from assistant.errors import AssistantError, InputError
from assistant.streaming.events import EndEvent, ErrorEvent, StatusEvent, TranscriptUpdate
from assistant.tui.dictate import strings as D
from assistant.tui.dictate.config import DictationConfig, dictation_settings
from assistant.tui.messages import (
    DictationSaved,
    ModelFailed,
    ModelLoaded,
    PipelineMessage,
    RereadDone,
    WorkerFailed,
)
from assistant.tui.services import Services, source_factory_for
from assistant.tui.viewmodel import error_text
from assistant.types import SAMPLE_RATE

if TYPE_CHECKING:
    from assistant.streaming.events import PipelineEvent
    from assistant.tui.services import DictationEngine, DictationHandle
    from assistant.types import AudioArray


class DictationApp(App[None]):
    """Dictate, correct, then save as a note, export or copy."""

    TITLE = D.TITLE
    SUB_TITLE = D.SUBTITLE
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    #status { height: auto; padding: 0 1; background: $boost; }
    #text { height: 1fr; }
    #pending { height: auto; min-height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "toggle_pause", D.KEY_PAUSE, priority=True),
        Binding("f3", "end_dictation", D.KEY_END, priority=True),
        Binding("f7", "reread", D.KEY_REREAD, priority=True),
        Binding("f8", "restore", D.KEY_RESTORE, priority=True),
        Binding("ctrl+s", "save_note", D.KEY_SAVE, priority=True),
        Binding("f4", "export('txt')", D.KEY_TXT, priority=True),
        Binding("f5", "export('md')", D.KEY_MD, priority=True),
        Binding("f6", "copy_text", D.KEY_COPY, priority=True),
        Binding("ctrl+q", "quit_app", D.KEY_QUIT, priority=True),
    ]

    def __init__(self, config: DictationConfig, services: Services | None = None) -> None:
        super().__init__()
        self.config = config
        self.settings = dictation_settings(config.settings)
        self.services = services or Services(
            self.settings, source_factory_for(self.settings, config.replay, config.realtime))
        self.session = DictationSession(self.settings.dictation.keep_whisper_marks)
        self.pipeline: DictationHandle | None = None
        self.engine: DictationEngine | None = None
        self.paused = False
        self.ended = False
        self.saved_session: int | None = None
        self.exported: list[Path] = []
        self.rereads = 0
        self.before_reread: str | None = None
        """The text as it was before the last re-reading replaced it (F8 swaps back)."""
        self._shown = ""
        self._generation = 0

    # --- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(D.LOADING.format(name=self._model_name()), id="status")
        yield TextArea("", id="text", soft_wrap=True, show_line_numbers=False)
        yield Static("", id="pending")
        yield Footer()

    def _model_name(self) -> str:
        path = self.settings.model.path
        return path.name if path is not None else "whisper-base"

    @property
    def source_label(self) -> str:
        if self.config.replay is not None:
            return D.SOURCE_REPLAY.format(name=self.config.replay.name)
        device = self.config.device or self.settings.capture.device
        return D.SOURCE_MIC.format(device=device) if device else D.SOURCE_DEFAULT_MIC

    @property
    def text(self) -> str:
        """What the agent sees and will save: the editor's content."""
        return self.query_one("#text", TextArea).text

    def on_mount(self) -> None:
        self.query_one("#text", TextArea).focus()
        self.call_after_refresh(self._load_engine)

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    # --- model and pipeline (threads) ---------------------------------------------------------
    @work(thread=True, exclusive=True, group="model", exit_on_error=False)
    def _load_engine(self) -> None:
        try:
            started = time.monotonic()
            engine = self.config.load_engine(self.settings)
            self.post_message(ModelLoaded(engine, time.monotonic() - started))  # type: ignore[arg-type]
        except Exception as exc:  # any failure must reach the agent, in French
            self.post_message(ModelFailed(error_text(exc)))

    def on_model_failed(self, message: ModelFailed) -> None:
        self._status(message.text)
        self.notify(message.text, title=D.ERROR_TITLE, severity="error", timeout=30)

    def on_model_loaded(self, message: ModelLoaded) -> None:
        engine: DictationEngine = message.model
        self.engine = engine
        self._generation += 1
        generation = self._generation

        def forward(event: PipelineEvent) -> None:  # called on the pipeline's thread
            self.post_message(PipelineMessage(event, generation))

        try:
            self.pipeline = self.services.start_dictation(
                engine, self.config.device or None, forward,
                self.settings.dictation.reread_max_minutes * 60)
        except AssistantError as exc:
            self._status(str(exc))
            self.notify(str(exc), title=D.ERROR_TITLE, severity="error", timeout=30)
            return
        self._status(D.LISTENING.format(source=self.source_label))

    def on_pipeline_message(self, message: PipelineMessage) -> None:
        if message.generation != self._generation:
            return
        event = message.event
        if isinstance(event, TranscriptUpdate):
            self._absorb_hand_edits()
            for segment in event.committed:
                # the engine's word probabilities weigh commands read by sound
                self.session.feed(segment.text, segment.words)
            self._show(event.tentative)
        elif isinstance(event, EndEvent):
            self._absorb_hand_edits()
            self.session.finish()
            self._show("")
            self.ended = True
            self._status(D.ENDED)
            if self.settings.dictation.reread_at_end:
                self._start_reread(quiet=True)
        elif isinstance(event, ErrorEvent):
            self.notify(str(event.error), title=D.ERROR_TITLE, severity="error", timeout=20)
        elif (isinstance(event, StatusEvent) and not self.ended
              and event.state == "waiting_device"):
            self._status(D.WAITING_DEVICE)

    # --- the text ----------------------------------------------------------------------------
    def _absorb_hand_edits(self) -> None:
        """The agent typed since the last update: the editor's text becomes the
        document that the next voice commands apply to."""
        current = self.text
        if current != self._shown:
            self.session.load_text(current)
            self._shown = current

    def _show(self, tentative: str) -> None:
        view = self.session.preview(tentative)
        self._replace_tail(view.text)
        pending = view.preview[len(view.text):].strip() if view.preview.startswith(
            view.text) else view.preview
        self.query_one("#pending", Static).update(
            D.PENDING.format(text=pending) if pending else "")

    def _replace_tail(self, new: str) -> None:
        """Put ``new`` in the editor by changing only what differs at its end,
        so that the cursor and the agent's edits above stay where they are."""
        area = self.query_one("#text", TextArea)
        old = area.text
        if new == old:
            self._shown = new
            return
        common = 0
        for a, b in zip(old, new, strict=False):
            if a != b:
                break
            common += 1
        area.replace(new[common:], _location(old, common), _location(old, len(old)))
        self._shown = new

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        # Programmatic changes leave the text equal to what was shown; a hand
        # edit is taken in before the next dictated words.
        if event.text_area.text != self._shown:
            self._absorb_hand_edits()

    # --- listening -----------------------------------------------------------------------------
    def action_toggle_pause(self) -> None:
        if self.pipeline is None or self.ended:
            return
        self.paused = not self.paused
        self.pipeline.set_paused(self.paused)
        self._status(D.PAUSED if self.paused
                     else D.LISTENING.format(source=self.source_label))

    def action_end_dictation(self) -> None:
        """Stop listening for good: what is pending is committed, then the end."""
        if self.pipeline is None or self.ended:
            return
        self._status(D.STOPPING)
        self._stop_pipeline(self.pipeline)

    @work(thread=True, group="stop", exit_on_error=False)
    def _stop_pipeline(self, pipeline: DictationHandle) -> None:
        pipeline.stop()  # its EndEvent reaches on_pipeline_message

    # --- re-reading ------------------------------------------------------------------------------
    def action_reread(self) -> None:
        """Transcribe the whole kept recording again with the batch decoder
        (wide beam, whole context) and rebuild the text from it."""
        if not self.ended:
            self.notify(f"{D.REREAD_NOT_YET}\n  → {D.REREAD_NOT_YET_HINT}", severity="warning")
            return
        self._start_reread(quiet=False)

    def _start_reread(self, quiet: bool) -> None:
        """Re-read the kept recording (``quiet``: the automatic one at the end,
        which says nothing when there is no recording to re-read)."""
        audio = self.pipeline.audio() if self.pipeline is not None else None
        if audio is None or self.engine is None:
            if not quiet:
                self.notify(f"{D.REREAD_NO_AUDIO}\n  → {D.REREAD_NO_AUDIO_HINT}",
                            severity="warning")
            return
        self._status(D.REREAD_RUNNING.format(seconds=len(audio) / SAMPLE_RATE))
        self._reread(self.engine, audio, self.text)

    @work(thread=True, exclusive=True, group="reread", exit_on_error=False)
    def _reread(self, engine: DictationEngine, audio: AudioArray, before: str) -> None:
        try:
            self.post_message(RereadDone(self.services.reread(engine, audio), before))
        except Exception as exc:  # any failure must reach the agent, in French
            self.post_message(WorkerFailed(error_text(exc)))

    def on_reread_done(self, message: RereadDone) -> None:
        if self.text != message.before:
            # The agent typed while it ran: their text wins, nothing is replaced.
            self._status(D.REREAD_EDITED)
            self.notify(D.REREAD_EDITED, severity="warning", timeout=15)
            return
        session = DictationSession(self.settings.dictation.keep_whisper_marks)
        session.feed(message.raw)
        session.finish()
        self.session = session
        self.before_reread = message.before
        self._replace_tail(session.text)
        self.query_one("#pending", Static).update("")
        self._status(D.REREAD_DONE)
        self.rereads += 1

    def action_restore(self) -> None:
        """Swap the text back to what it was before the last re-reading (and
        again to the re-read text): nothing the agent saw is lost."""
        if self.before_reread is None:
            self.notify(f"{D.RESTORE_NOTHING}\n  → {D.RESTORE_NOTHING_HINT}",
                        severity="warning")
            return
        current, wanted = self.text, self.before_reread
        self.session.load_text(wanted)
        self._replace_tail(wanted)
        self.before_reread = current
        self._status(D.RESTORED)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        self._status(message.text)
        self.notify(message.text, title=D.ERROR_TITLE, severity="error", timeout=20)

    # --- copy, export, save ----------------------------------------------------------------------
    def action_copy_text(self) -> None:
        self.copy_to_clipboard(self.text)
        self.notify(D.COPIED)

    def action_export(self, fmt: ExportFormat) -> None:
        try:
            path = self.export(fmt)
        except AssistantError as exc:
            self.notify(str(exc), title=D.ERROR_TITLE, severity="error", timeout=20)
            return
        self.notify(D.EXPORTED.format(path=path))

    def export(self, fmt: ExportFormat) -> Path:
        """Write the text as ``dictee-<date>.<fmt>`` in the export folder."""
        moment = self.config.now()
        folder = self.settings.dictation.export_dir or Path.cwd()
        path = folder / export_name(moment, fmt)
        title = D.MD_TITLE.format(date=f"{moment:%d/%m/%Y %H:%M}")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(render_export(self.text, fmt, title), encoding="utf-8")
        except OSError as exc:
            raise InputError(D.EXPORT_FAILED.format(path=path, error=exc.strerror or exc),
                             D.EXPORT_HINT) from None
        self.exported.append(path)
        return path

    def action_save_note(self) -> None:
        """Store the text as a session with the case note the drafter fills from
        it (on a worker thread); the agent reviews it in the counter app."""
        text = self.text
        if not text.strip():
            self.notify(str(InputError(D.EMPTY, D.EMPTY_HINT)), title=D.ERROR_TITLE,
                        severity="error", timeout=20)
            return
        self._save(text, self.config.now().date(), f"dictee:{self.source_label}")

    @work(thread=True, group="store", exit_on_error=False)
    def _save(self, text: str, day: dt.date, source: str) -> int | None:
        try:
            session_id = self.services.save_dictation(text, day, source)
        except AssistantError as exc:
            self.call_from_thread(self.notify, str(exc), title=D.ERROR_TITLE,
                                  severity="error", timeout=20)
            return None
        self.post_message(DictationSaved(session_id))
        return session_id

    def on_dictation_saved(self, message: DictationSaved) -> None:
        self.saved_session = message.session_id
        self.notify(D.SAVED.format(session=message.session_id))

    # --- quitting ------------------------------------------------------------------------------
    async def action_quit_app(self) -> None:
        # A note being saved is written before the app closes, and reported.
        saving = [w for w in self.workers if w.group == "store"]
        await self.workers.wait_for_complete(saving)
        for worker in saving:
            if isinstance(worker.result, int):
                self.saved_session = worker.result
        self.shutdown()
        self.exit()

    def shutdown(self) -> None:
        if self.pipeline is not None:
            self._generation += 1  # ignore what the stopping pipeline still sends
            self.pipeline.stop()
            self.pipeline = None


def _location(text: str, index: int) -> tuple[int, int]:
    """(row, column) of character ``index`` in ``text`` (TextArea locations)."""
    row = text.count("\n", 0, index)
    line_start = text.rfind("\n", 0, index) + 1
    return row, index - line_start
