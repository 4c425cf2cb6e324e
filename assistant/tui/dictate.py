"""The dictation screen (Textual): back-office staff dictate, the text appears
as it is spoken, stays editable by keyboard, and is saved as a note, exported
(.txt, .md) or copied.

Threads: the model loads in a worker thread; the live pipeline
(``assistant.pipeline.LivePipeline``) runs its own worker and reaches the UI
only through ``PipelineMessage``; only the handlers here touch widgets. The
voice commands are applied by the pure ``assistant.dictation`` session.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Footer, Header, Static, TextArea

from assistant.dictation import DictationSession
from assistant.dictation.export import ExportFormat, export_name, render_export
from assistant.errors import AssistantError, InputError
from assistant.settings import Settings
from assistant.streaming.events import EndEvent, ErrorEvent, StatusEvent, TranscriptUpdate
from assistant.tui.messages import ModelFailed, ModelLoaded, PipelineMessage, WorkerFailed
from assistant.types import SAMPLE_RATE, AudioArray, AudioChunk

if TYPE_CHECKING:
    from assistant.asr import SpeechModel
    from assistant.pipeline import LivePipeline
    from assistant.streaming.events import AudioLevel
    from assistant.streaming.protocols import AudioSource, Transcriber
    from assistant.tui.services import Engine


class KeptAudio:
    """An audio source that keeps, in memory only, what it hands out (up to
    ``max_s`` seconds), for the full re-reading after the dictation."""

    def __init__(self, source: AudioSource, max_s: float) -> None:
        self.source = source
        self.max_samples = int(max_s * SAMPLE_RATE)
        self._chunks: list[AudioArray] = []
        self._kept = 0
        self._paused = False
        self.overflowed = False

    def audio(self) -> AudioArray | None:
        """Everything heard so far, or None when nothing was kept or it was too long."""
        if self.overflowed or not self._chunks:
            return None
        import numpy as np

        return np.concatenate(self._chunks)

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def finished(self) -> bool:
        return self.source.finished

    @property
    def overflows(self) -> int:
        return self.source.overflows

    @property
    def paced(self) -> bool:
        return self.source.paced

    @property
    def captured_s(self) -> float:
        return self.source.captured_s

    def level(self) -> AudioLevel:
        return self.source.level()

    def start(self) -> None:
        self.source.start()

    def read(self, timeout: float) -> AudioChunk | None:
        chunk = self.source.read(timeout)
        if chunk is not None and not self.overflowed and not self._paused:
            if self._kept + len(chunk.samples) > self.max_samples:
                self.overflowed = True
                self._chunks = []
            else:
                self._chunks.append(chunk.samples.copy())
                self._kept += len(chunk.samples)
        return chunk

    def set_paused(self, paused: bool) -> None:
        # What is said during a pause is not dictation: it is not kept either.
        self._paused = paused
        self.source.set_paused(paused)

    def switch_device(self, device: str | int | None) -> None:
        self.source.switch_device(device)

    def stop(self) -> None:
        self.source.stop()

# --- Every French text of this screen ----------------------------------------------------
TITLE = "Dictée"
SUBTITLE = "Courriers et notes du back-office"
KEY_PAUSE = "Pause/reprise"
KEY_SAVE = "Enregistrer la fiche"
KEY_TXT = "Exporter .txt"
KEY_MD = "Exporter .md"
KEY_COPY = "Copier"
KEY_QUIT = "Quitter"
KEY_END = "Terminer"
KEY_REREAD = "Relire tout"
KEY_RESTORE = "Texte d'avant"
LOADING = "Chargement du modèle {name}…"
LISTENING = ("À l'écoute ({source}). Dites « virgule », « point », « point à la ligne », "
             "« nouveau paragraphe », « annule »…")
PAUSED = "En pause. F2 pour reprendre."
ENDED = "Dictée terminée : relisez, corrigez au clavier, puis enregistrez ou exportez."
WAITING_DEVICE = "Micro perdu : la dictée reprendra sur un autre micro."
PENDING = "En cours : {text}"
EMPTY = "Rien à enregistrer : le texte est vide."
EMPTY_HINT = "Dictez ou tapez le texte d'abord."
SAVED = "Fiche enregistrée (session n° {session}) : le brouillon est à relire dans l'accueil."
EXPORTED = "Exporté : {path}"
COPIED = "Texte copié dans le presse-papiers."
ERROR_TITLE = "Erreur"
EXPORT_FAILED = "Impossible d'écrire {path} : {error}."
EXPORT_HINT = "Choisissez un dossier où vous pouvez écrire (réglage dictation.export_dir)."
SOURCE_MIC = "micro {device}"
SOURCE_DEFAULT_MIC = "micro par défaut"
SOURCE_REPLAY = "enregistrement {name}"
MD_TITLE = "Dictée du {date}"
WORKER_FAILED = "Erreur inattendue ({kind}) : {error}"
STOPPING = "Fin de la dictée…"
REREAD_RUNNING = "Relecture de tout l'enregistrement ({seconds:.0f} s)…"
REREAD_DONE = ("Texte refait d'après tout l'enregistrement (faisceau large). "
               "F8 : revenir au texte d'avant la relecture.")
REREAD_EDITED = ("Relecture non appliquée : le texte a été modifié pendant qu'elle tournait. "
                 "F7 pour relire à nouveau (F8 rendra ensuite le texte d'avant).")
RESTORED = "Texte d'avant la relecture rétabli. F8 : revenir au texte relu."
RESTORE_NOTHING = "Aucune relecture à défaire."
RESTORE_NOTHING_HINT = "F8 rétablit le texte tel qu'il était avant la dernière relecture (F7)."
REREAD_NOT_YET = "La relecture complète se fait une fois la dictée terminée."
REREAD_NOT_YET_HINT = "Appuyez sur F3 pour terminer la dictée, puis sur F7."
REREAD_NO_AUDIO = "Aucun enregistrement gardé à relire (dictée vide ou trop longue)."
REREAD_NO_AUDIO_HINT = "Relisez et corrigez le texte au clavier."


def dictation_settings(settings: Settings) -> Settings:
    """The settings with the dictation prompt as the live decoder's prompt."""
    if not settings.dictation.use_prompt:
        return settings
    from assistant.dictation.prompt import DICTATION_PROMPT

    decoding = settings.decoding.model_copy(update={"prompt": DICTATION_PROMPT,
                                                    "use_prompt": True})
    return settings.model_copy(update={"decoding": decoding})


def load_model(settings: Settings) -> SpeechModel:
    from assistant.asr import load_model as load

    return load(settings)


@dataclass(frozen=True, slots=True)
class DictationConfig:
    """How the dictation screen is started (by ``assistant dictate`` or a test)."""

    settings: Settings
    device: str | None = None
    replay: Path | None = None
    realtime: bool = True
    """Replay at the pace of speech (False: as fast as the model goes, for tests)."""
    load_engine: Callable[[Settings], SpeechModel | Transcriber | Engine] = load_model
    now: Callable[[], dt.datetime] = field(default=dt.datetime.now)


class RereadDone(Message):
    """The whole recording was transcribed again; ``raw`` is Whisper's text,
    ``before`` the editor's text when the re-reading began."""

    def __init__(self, raw: str, before: str) -> None:
        super().__init__()
        self.raw = raw
        self.before = before


class DictationApp(App[None]):
    """Dictate, correct, then save as a note, export or copy."""

    TITLE = TITLE
    SUB_TITLE = SUBTITLE
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    #status { height: auto; padding: 0 1; background: $boost; }
    #text { height: 1fr; }
    #pending { height: auto; min-height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "toggle_pause", KEY_PAUSE, priority=True),
        Binding("f3", "end_dictation", KEY_END, priority=True),
        Binding("f7", "reread", KEY_REREAD, priority=True),
        Binding("f8", "restore", KEY_RESTORE, priority=True),
        Binding("ctrl+s", "save_note", KEY_SAVE, priority=True),
        Binding("f4", "export('txt')", KEY_TXT, priority=True),
        Binding("f5", "export('md')", KEY_MD, priority=True),
        Binding("f6", "copy_text", KEY_COPY, priority=True),
        Binding("ctrl+q", "quit_app", KEY_QUIT, priority=True),
    ]

    def __init__(self, config: DictationConfig) -> None:
        super().__init__()
        self.config = config
        self.settings = dictation_settings(config.settings)
        self.session = DictationSession(self.settings.dictation.keep_whisper_marks)
        self.pipeline: LivePipeline | None = None
        self.engine: object | None = None
        self.kept: KeptAudio | None = None
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
        yield Static(LOADING.format(name=self._model_name()), id="status")
        yield TextArea("", id="text", soft_wrap=True, show_line_numbers=False)
        yield Static("", id="pending")
        yield Footer()

    def _model_name(self) -> str:
        path = self.settings.model.path
        return path.name if path is not None else "whisper-base"

    @property
    def source_label(self) -> str:
        if self.config.replay is not None:
            return SOURCE_REPLAY.format(name=self.config.replay.name)
        device = self.config.device or self.settings.capture.device
        return SOURCE_MIC.format(device=device) if device else SOURCE_DEFAULT_MIC

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
        except AssistantError as exc:
            self.post_message(ModelFailed(str(exc)))
        except Exception as exc:  # any failure must reach the agent, in French
            self.post_message(ModelFailed(WORKER_FAILED.format(kind=type(exc).__name__,
                                                               error=exc)))

    def on_model_failed(self, message: ModelFailed) -> None:
        self._status(message.text)
        self.notify(message.text, title=ERROR_TITLE, severity="error", timeout=30)

    def on_model_loaded(self, message: ModelLoaded) -> None:
        from assistant.pipeline import LivePipeline

        engine: object = message.model
        self.engine = engine
        transcriber = getattr(engine, "transcriber", engine)
        self._generation += 1
        generation = self._generation

        def forward(event: object) -> None:  # called on the pipeline's thread
            self.post_message(PipelineMessage(event, generation))  # type: ignore[arg-type]

        try:
            self.kept = KeptAudio(self._source(),
                                  self.settings.dictation.reread_max_minutes * 60)
            self.pipeline = LivePipeline(self.kept, transcriber,  # type: ignore[arg-type]
                                         self.settings, forward)
            self.pipeline.start()
        except AssistantError as exc:
            self._status(str(exc))
            self.notify(str(exc), title=ERROR_TITLE, severity="error", timeout=30)
            return
        self._status(LISTENING.format(source=self.source_label))

    def _source(self) -> AudioSource:
        s = self.settings.capture
        if self.config.replay is not None:
            from assistant.replay import FileSource

            return FileSource.from_file(self.config.replay, realtime=self.config.realtime,
                                        block_ms=s.block_ms, queue_seconds=s.queue_seconds)
        from assistant.capture import MicrophoneSource

        return MicrophoneSource(self.config.device or s.device, block_ms=s.block_ms,
                                queue_seconds=s.queue_seconds)

    def on_pipeline_message(self, message: PipelineMessage) -> None:
        if message.generation != self._generation:
            return
        event = message.event
        if isinstance(event, TranscriptUpdate):
            self._absorb_hand_edits()
            for segment in event.committed:
                self.session.feed(segment.text)
            self._show(event.tentative)
        elif isinstance(event, EndEvent):
            self._absorb_hand_edits()
            self.session.finish()
            self._show("")
            self.ended = True
            self._status(ENDED)
            if self.settings.dictation.reread_at_end:
                self._start_reread(quiet=True)
        elif isinstance(event, ErrorEvent):
            self.notify(str(event.error), title=ERROR_TITLE, severity="error", timeout=20)
        elif (isinstance(event, StatusEvent) and not self.ended
              and event.state == "waiting_device"):
            self._status(WAITING_DEVICE)

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
        self.query_one("#pending", Static).update(PENDING.format(text=pending) if pending else "")

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

    # --- actions -----------------------------------------------------------------------------
    def action_toggle_pause(self) -> None:
        if self.pipeline is None or self.ended:
            return
        self.paused = not self.paused
        if self.paused:
            self.pipeline.pause()
            self._status(PAUSED)
        else:
            self.pipeline.resume()
            self._status(LISTENING.format(source=self.source_label))

    def action_end_dictation(self) -> None:
        """Stop listening for good: what is pending is committed, then the end."""
        if self.pipeline is None or self.ended:
            return
        self._status(STOPPING)
        self._stop_pipeline(self.pipeline)

    @work(thread=True, group="stop", exit_on_error=False)
    def _stop_pipeline(self, pipeline: LivePipeline) -> None:
        pipeline.stop(timeout=30.0)  # its EndEvent reaches on_pipeline_message

    def action_reread(self) -> None:
        """Transcribe the whole kept recording again with the batch decoder
        (wide beam, whole context) and rebuild the text from it."""
        if not self.ended:
            self.notify(f"{REREAD_NOT_YET}\n  → {REREAD_NOT_YET_HINT}", severity="warning")
            return
        self._start_reread(quiet=False)

    def _start_reread(self, quiet: bool) -> None:
        """Re-read the kept recording (``quiet``: the automatic one at the end,
        which says nothing when there is no recording to re-read)."""
        audio = self.kept.audio() if self.kept is not None else None
        if audio is None or self.engine is None:
            if not quiet:
                self.notify(f"{REREAD_NO_AUDIO}\n  → {REREAD_NO_AUDIO_HINT}", severity="warning")
            return
        self._status(REREAD_RUNNING.format(seconds=len(audio) / SAMPLE_RATE))
        self._reread(self.engine, audio, self.text)

    @work(thread=True, exclusive=True, group="reread", exit_on_error=False)
    def _reread(self, engine: object, audio: AudioArray, before: str) -> None:
        from assistant.asr import DecodeOptions, SpeechModel
        from assistant.dictation.prompt import DICTATION_PROMPT

        prompt = DICTATION_PROMPT if self.settings.dictation.use_prompt else None
        try:
            if isinstance(engine, SpeechModel):
                options = DecodeOptions.from_settings(self.settings)
                segments = engine.transcribe(audio, replace(options, initial_prompt=prompt))
            else:
                transcriber: Transcriber = getattr(engine, "transcriber", engine)  # type: ignore[arg-type]
                segments = transcriber.transcribe(audio, prompt, 0.0)
            self.post_message(RereadDone(" ".join(seg.text for seg in segments), before))
        except AssistantError as exc:
            self.post_message(WorkerFailed(str(exc)))
        except Exception as exc:  # any failure must reach the agent, in French
            self.post_message(WorkerFailed(WORKER_FAILED.format(kind=type(exc).__name__,
                                                                error=exc)))

    def on_reread_done(self, message: RereadDone) -> None:
        if self.text != message.before:
            # The agent typed while it ran: their text wins, nothing is replaced.
            self._status(REREAD_EDITED)
            self.notify(REREAD_EDITED, severity="warning", timeout=15)
            return
        session = DictationSession(self.settings.dictation.keep_whisper_marks)
        session.feed(message.raw)
        session.finish()
        self.session = session
        self.before_reread = message.before
        self._replace_tail(session.text)
        self.query_one("#pending", Static).update("")
        self._status(REREAD_DONE)
        self.rereads += 1

    def action_restore(self) -> None:
        """Swap the text back to what it was before the last re-reading (and
        again to the re-read text): nothing the agent saw is lost."""
        if self.before_reread is None:
            self.notify(f"{RESTORE_NOTHING}\n  → {RESTORE_NOTHING_HINT}", severity="warning")
            return
        current, wanted = self.text, self.before_reread
        self.session.load_text(wanted)
        self._replace_tail(wanted)
        self.before_reread = current
        self._status(RESTORED)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        self._status(message.text)
        self.notify(message.text, title=ERROR_TITLE, severity="error", timeout=20)

    def action_copy_text(self) -> None:
        self.copy_to_clipboard(self.text)
        self.notify(COPIED)

    def action_export(self, fmt: ExportFormat) -> None:
        try:
            path = self.export(fmt)
        except AssistantError as exc:
            self.notify(str(exc), title=ERROR_TITLE, severity="error", timeout=20)
            return
        self.notify(EXPORTED.format(path=path))

    def export(self, fmt: ExportFormat) -> Path:
        """Write the text as ``dictee-<date>.<fmt>`` in the export folder."""
        moment = self.config.now()
        folder = self.settings.dictation.export_dir or Path.cwd()
        path = folder / export_name(moment, fmt)
        title = MD_TITLE.format(date=f"{moment:%d/%m/%Y %H:%M}")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(render_export(self.text, fmt, title), encoding="utf-8")
        except OSError as exc:
            raise InputError(EXPORT_FAILED.format(path=path, error=exc.strerror or exc),
                             EXPORT_HINT) from None
        self.exported.append(path)
        return path

    def action_save_note(self) -> None:
        try:
            session_id = self.save_note()
        except AssistantError as exc:
            self.notify(str(exc), title=ERROR_TITLE, severity="error", timeout=20)
            return
        self.notify(SAVED.format(session=session_id))

    def save_note(self) -> int:
        """Store the text as a session (one segment per line) with the case
        note the drafter fills from it; the agent reviews it in the counter app."""
        from assistant.notes.drafter import Drafter, segments_from_text
        from assistant.store import SessionId, open_store

        text = self.text
        if not text.strip():
            raise InputError(EMPTY, EMPTY_HINT)
        day = self.config.now().date()
        store = open_store(self.settings, purge=False)
        try:
            record = store.start_session(source=f"dictee:{self.source_label}",
                                         appointment_date=day)
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
        self.saved_session = int(sid)
        return int(sid)

    def action_quit_app(self) -> None:
        self.shutdown()
        self.exit()

    def shutdown(self) -> None:
        if self.pipeline is not None:
            self._generation += 1  # ignore what the stopping pipeline still sends
            self.pipeline.stop(timeout=30.0)
            self.pipeline = None


def _location(text: str, index: int) -> tuple[int, int]:
    """(row, column) of character ``index`` in ``text`` (TextArea locations)."""
    row = text.count("\n", 0, index)
    line_start = text.rfind("\n", 0, index) + 1
    return row, index - line_start
