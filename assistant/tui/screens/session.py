"""The session screen: the live transcript beside the draft note, then the
review (in ``draft``: select, edit, accept, reject, add, remove, reveal), the
number dictation and the confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Static

from assistant.errors import AssistantError
from assistant.notes.models import IdentifierKind
from assistant.streaming.events import (
    EndEvent,
    ErrorEvent,
    PipelineEvent,
    StatusEvent,
    TranscriptUpdate,
)
from assistant.tui import notebridge
from assistant.tui import strings as S
from assistant.tui.labels import device_label, model_status, source_label
from assistant.tui.messages import DeviceChosen, GoHome, NextAppointment, PipelineMessage
from assistant.tui.numberentry import KINDS, CapturedNumber, Utterance, cued_kind, kind_label
from assistant.tui.review import Row
from assistant.tui.screens.dialogs import DeviceDialog
from assistant.tui.screens.draft import DraftReviewScreen
from assistant.tui.screens.number import NumberDialog
from assistant.tui.state import CounterState, ScreenContext
from assistant.tui.viewmodel import format_clock, level_fraction
from assistant.tui.widgets import DraftPanel, LevelMeter, SessionHeader, TranscriptView

if TYPE_CHECKING:
    from assistant.notes.models import ConfirmedNote
    from assistant.notetext import SharedNote
    from assistant.tui.services import PipelineHandle


class SessionScreen(DraftReviewScreen):
    """One appointment: live transcript beside the draft note, then review and confirm."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "toggle_pause", S.KEY_PAUSE),
        Binding("t", "end", S.KEY_END),
        Binding("f", "follow", S.KEY_FOLLOW, show=False),
        Binding("m", "device", S.KEY_DEVICE, show=False),
        Binding("n", "number", S.KEY_NUMBER),
        Binding("e", "edit", S.KEY_EDIT),
        Binding("a", "accept", S.KEY_ACCEPT),
        Binding("x", "reject", S.KEY_REJECT),
        Binding("plus", "add", S.KEY_ADD),
        Binding("delete,minus", "remove", S.KEY_REMOVE),
        Binding("v", "reveal", S.KEY_REVEAL),
        Binding("c", "confirm", S.KEY_CONFIRM),
        # Not in the footer (it is full: q and ? would drop off); in the help and
        # the status line of the review.
        Binding("y", "copy", S.KEY_COPY, show=False),
        Binding("escape", "home", S.KEY_HOME),
    ]

    def __init__(self, ctx: ScreenContext, *, autostart: bool = True,
                 session_id: int | None = None) -> None:
        super().__init__(ctx, session_id)
        self.autostart = autostart
        self.state = S.STATE_READY
        self._stopping = False
        """Ending was asked: the last segments may still arrive; confirm waits."""
        self._pipeline: PipelineHandle | None = None
        self._generation = 0
        self._started_at: float | None = None
        self._stopped_at: float | None = None
        self._lag: float | None = None
        self._device_name = ""
        self._number: NumberDialog | None = None
        """The number dictation, while it is open: it hears each committed utterance."""
        self._confirmed: ConfirmedNote | None = None
        """The note as confirmed (this session's, or a confirmed one reopened)."""

    # --- layout -----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield SessionHeader(id="header")
        yield LevelMeter(id="level")
        with Horizontal(id="body"):
            yield TranscriptView(id="transcript")
            with Vertical(id="side"):
                yield DraftPanel(id="draft")
                yield Static("", id="evidence")
        yield Static("", id="status-line")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#transcript").border_title = S.TRANSCRIPT_TITLE
        self.query_one("#draft").border_title = S.DRAFT_TITLE
        self._appointment_date = self.ctx.config.today()
        self._drafter = self.ctx.services.new_drafter(self._appointment_date)
        if self.session_id is not None:
            with self._reported():
                self._load_existing(self.session_id)
        self._show_rows()
        self._refresh_header()
        self.set_interval(1.0, self._refresh_header)
        if self.session_id is None:
            self._status(S.READY_HINT if not self.autostart else "")
        if self.autostart:
            self.start_listening()

    # --- header --------------------------------------------------------------------------
    def _elapsed(self) -> float:
        if self._started_at is None:
            return 0.0
        end = self._stopped_at if self._stopped_at is not None else self.ctx.config.clock()
        return end - self._started_at

    def _refresh_header(self) -> None:
        counter = self.ctx.state()
        device = self._device_name or device_label(counter, self.ctx.config)
        self.query_one("#header", SessionHeader).show(
            self.state, device, model_status(counter, self.ctx.config), self._elapsed(),
            self._lag)

    def _status(self, text: str) -> None:
        self.query_one("#status-line", Static).update(text)

    def counter_changed(self, state: CounterState) -> None:
        self._refresh_header()
        if self.state == S.STATE_WAITING and state.engine is not None:
            self.start_listening()

    # --- capture ----------------------------------------------------------------------------
    def start_listening(self) -> None:
        if self.state in (S.STATE_LISTENING, S.STATE_PAUSED, S.STATE_CONFIRMED):
            return
        counter = self.ctx.state()
        if counter.engine is None:
            self.state = S.STATE_WAITING
            self._status(S.MODEL_WAIT if counter.engine_error is None
                         else counter.engine_error)
            self._refresh_header()
            return
        if self.session_id is None:
            with self._reported():
                self.session_id = self.ctx.services.start_session(
                    self._appointment_date, source_label(counter, self.ctx.config))
            if self.session_id is None:
                return
        self._generation += 1
        generation = self._generation

        def forward(event: PipelineEvent) -> None:  # called on the pipeline's thread
            self.post_message(PipelineMessage(event, generation))

        segments = self.query_one("#transcript", TranscriptView).segments
        with self._reported():
            self._pipeline = self.ctx.services.start_pipeline(
                counter.engine, counter.device, forward, session_id=self.session_id,
                first_segment_id=max((s.id for s in segments), default=-1) + 1)
        if self._pipeline is None:  # could not start: said in a notification
            self.state = S.STATE_PAUSED
            self._status(S.CAPTURE_STOPPED)
            self._refresh_header()
            return
        self._started_at = self._started_at or self.ctx.config.clock()
        self._stopped_at = None
        self.state = S.STATE_LISTENING
        self._status("")
        self._refresh_header()

    def action_toggle_pause(self) -> None:
        if self.state == S.STATE_LISTENING and self._pipeline is not None:
            self._pipeline.set_paused(True)
            self.state = S.STATE_PAUSED
        elif self.state == S.STATE_PAUSED and self._pipeline is not None:
            self._pipeline.set_paused(False)
            self.state = S.STATE_LISTENING
        elif self.state in (S.STATE_READY, S.STATE_PAUSED, S.STATE_ENDED):
            self.start_listening()
        self._refresh_header()

    def action_end(self) -> None:
        pipeline, self._pipeline = self._pipeline, None
        if pipeline is not None:
            # The last pass can take a second: stop off the UI thread; the last
            # segments still arrive as messages of this pipeline's generation.
            self._stopping = True
            self.run_worker(pipeline.stop, thread=True, group="stop", exit_on_error=False)
        self._enter_review(S.SESSION_ENDED)

    def _stop_pipeline(self) -> None:
        pipeline, self._pipeline = self._pipeline, None
        if pipeline is not None:
            pipeline.stop()  # flushes: the last segments arrive before it returns

    def _enter_review(self, note: str) -> None:
        if self.state == S.STATE_CONFIRMED:
            return
        self._stopped_at = self.ctx.config.clock() if self._started_at else None
        self.state = S.STATE_ENDED
        self._lag = None
        self._status(note)
        self._refresh_header()
        self.query_one("#level", LevelMeter).level = 0.0
        panel = self.query_one("#draft", DraftPanel)
        panel.focus()
        if panel.highlighted is None and panel.rows:
            panel.highlighted = 0
        if self._confirmed is not None:  # reopened from « Fiches du jour »
            self.state = S.STATE_CONFIRMED
            self._status(S.REOPENED_CONFIRMED)
            self._refresh_header()

    def shutdown(self) -> bool:
        """Quit path: stop capture, keep everything. True when the session is
        left to confirm (it is offered on the start screen next time)."""
        self._stop_pipeline()
        if self.session_id is None or self.state == S.STATE_CONFIRMED:
            return False
        self.ctx.services.end_session(self.session_id)
        return bool(self.query_one("#transcript", TranscriptView).segments)

    # --- pipeline events --------------------------------------------------------------
    def on_pipeline_message(self, message: PipelineMessage) -> None:
        if message.generation != self._generation:
            return
        event = message.event
        if isinstance(event, TranscriptUpdate):
            self._apply_update(event)
        elif isinstance(event, StatusEvent):
            self._lag = event.lag_s
            self._device_name = event.device
            if event.state == "waiting_device":
                self._status(S.DEVICE_LOST)
            if self.state == S.STATE_LISTENING:
                self.query_one("#level", LevelMeter).level = level_fraction(event.level)
        elif isinstance(event, ErrorEvent):
            self.notify(str(event.error), title=S.ERROR_TITLE, severity="error", timeout=15)
            if not event.recoverable:
                self.state = S.STATE_PAUSED
                self._status(S.CAPTURE_STOPPED)
        elif isinstance(event, EndEvent):
            self._pipeline = None
            self._stopping = False
            if event.reason == "eof":
                self._enter_review(S.REPLAY_DONE)
            elif event.reason == "error" and self.state != S.STATE_ENDED:
                self.state = S.STATE_PAUSED
        self._refresh_header()

    def _apply_update(self, update: TranscriptUpdate) -> None:
        transcript = self.query_one("#transcript", TranscriptView)
        if update.committed:
            transcript.add_segments(update.committed)
            for segment in update.committed:
                self._commit(segment)
            self._show_rows()
            if self._number is not None:
                self._number.hear(Utterance(update.committed))
        transcript.set_tentative(update.tentative)
        for dropped in update.dropped:  # nothing leaves without the agent knowing
            self.notify(S.SPEECH_DROPPED.format(
                seconds=f"{dropped.seconds:.1f}".replace(".", ","),
                at=format_clock(dropped.start_s), reason=S.DROP_REASONS[dropped.reason]),
                severity="warning", timeout=12)


    def _load_existing(self, session_id: int) -> None:
        loaded = self.ctx.services.load_session(session_id)
        self._appointment_date = loaded.appointment_date
        self._drafter = self.ctx.services.new_drafter(loaded.appointment_date)
        self.query_one("#transcript", TranscriptView).add_segments(loaded.segments)
        for segment in loaded.segments:
            self.draft = self._drafter.add_segment(segment)
        if self.draft is not None:
            self.review.update_draft(notebridge.items_from_draft(self.draft),
                                     notebridge.ask_again_from_draft(self.draft))
        for edit in loaded.edits:
            self.review.replay(edit)
        self._recorded = len(self.review.edits)  # already in the store
        self._confirmed = loaded.confirmed
        self.state = S.STATE_ENDED
        self._status(S.SESSION_ENDED)
        self.call_after_refresh(self._enter_review, S.SESSION_ENDED)


    def action_device(self) -> None:
        """Choose another microphone (the list is read off the UI thread)."""
        self._list_devices()

    @work(thread=True, exclusive=True, group="devices", exit_on_error=False)
    def _list_devices(self) -> None:
        try:
            devices = self.ctx.services.input_devices()
        except AssistantError as exc:
            self.app.call_from_thread(self.notify, str(exc), title=S.ERROR_TITLE,
                                      severity="error", timeout=15)
            return
        self.app.call_from_thread(self.app.push_screen, DeviceDialog(devices),
                                  self._device_chosen)

    def _device_chosen(self, device: str | None) -> None:
        if device is None:
            return
        self.post_message(DeviceChosen(device))
        self._device_name = ""
        if self._pipeline is not None:
            self._pipeline.switch_device(device)  # an error comes back as an ErrorEvent
        self._status(S.DEVICE_SWITCHED.format(device=device))
        self._refresh_header()

    # --- number dictation --------------------------------------------------------------
    def _ask_again(self, row: Row) -> None:
        """While listening, a number to have said again opens « Dictée d'un numéro »
        of its kind; otherwise the agent types it."""
        if self._pipeline is None or self.state != S.STATE_LISTENING:
            super()._ask_again(row)
            return
        self.action_number(IdentifierKind(row.value))

    def action_number(self, kind: IdentifierKind | None = None) -> None:
        """« Dictée d'un numéro »: the next utterances are read again as a number of
        the kind chosen (``kind``, or the kind of the last cue heard)."""
        engine = self.ctx.state().engine
        if self._pipeline is None or self.state != S.STATE_LISTENING:
            self.notify(S.NUMBER_NOT_LISTENING, severity="warning")
            return
        read = None if engine is None else self.ctx.services.number_reader(
            engine, self._pipeline)
        if read is None:
            self.notify(S.NUMBER_NO_MODEL, severity="warning")
            return
        segments = self.query_one("#transcript", TranscriptView).segments
        kind = kind or cued_kind(segments) or KINDS[0]
        self._number = NumberDialog(kind, read, on_shown=self._number_shown)
        self.app.push_screen(self._number, self._number_done)

    def _number_shown(self, kind: IdentifierKind) -> None:
        """A NIR or an IBAN is shown in clear while it is dictated: audited like a reveal."""
        if self.session_id is not None:
            with self._reported():
                self.ctx.services.record_reveal(
                    self.session_id, S.NUMBER_REVEAL.format(kind=kind.value))

    def _number_done(self, captured: CapturedNumber | None) -> None:
        self._number = None
        if captured is None:
            return
        try:
            new = self.review.add("identifiers", captured.draft_text, captured.evidence,
                                  captured.confidence)
        except AssistantError as exc:
            self.notify(str(exc), title=S.ERROR_TITLE, severity="error", timeout=10)
            return
        self._after_decision(new.key)
        self.notify(S.NUMBER_ADDED.format(kind=kind_label(captured.kind)))

    def action_home(self) -> None:
        """Back to the start screen; an unconfirmed session stays there to reopen."""
        if self.state in (S.STATE_LISTENING, S.STATE_WAITING) or self._stopping:
            self.notify(S.HOME_WHILE_LISTENING, severity="warning")
            return
        with self._reported():
            self.shutdown()
        self.post_message(GoHome())


    # --- the note leaving the workstation ---------------------------------------------------
    def _revealed(self) -> tuple[list[str], tuple[str, ...]]:
        """(values, kinds) of the identifiers the agent revealed on screen (``v``)."""
        panel = self.query_one("#draft", DraftPanel)
        values: list[str] = []
        kinds: list[str] = []
        for row in panel.rows:
            if row.field == "identifiers" and row.key in panel.revealed and " " in row.value:
                kind, value = row.value.split(" ", 1)
                values.append(value.replace(" ", ""))
                kinds.append(kind)
        return values, tuple(kinds)

    def _shared(self) -> SharedNote | None:
        from assistant.notetext import SharedNote

        if self._confirmed is not None:
            return SharedNote.of_confirmed(self._confirmed)
        if self.draft is None or self.review.is_empty():
            return None
        note = notebridge.note_review(self.review, self.draft).apply(self.draft)
        return SharedNote(note, self._appointment_date,
                          reason_evidence=self.draft.reason.evidence)

    def action_copy(self) -> None:
        """The note as it stands (or as confirmed) to the clipboard, as plain French text."""
        from assistant.notetext import render_note

        try:
            shared = self._shared()
        except (AssistantError, ValueError) as exc:
            self.notify(str(exc), title=S.ERROR_TITLE, severity="error", timeout=10)
            return
        if shared is None:
            self.notify(S.NOTHING_TO_COPY, severity="warning")
            return
        values, kinds = self._revealed()
        text = render_note(shared, values, self.ctx.services.share_layout())
        self.share_note(text, self.session_id, tuple(k for k, v in zip(kinds, values,
                                                                          strict=True)
                                                     if v in text))

    def action_confirm(self) -> None:
        if self.state == S.STATE_CONFIRMED:
            self.notify(S.ALREADY_CONFIRMED, severity="warning")
            return
        if self._stopping:
            self.notify(S.STOPPING, severity="warning")
            return
        if self.state in (S.STATE_LISTENING, S.STATE_PAUSED):
            self.notify(S.CONFIRM_PENDING, severity="warning")
            return
        if self.draft is None or self.session_id is None or self.review.is_empty():
            self.notify(S.NOTHING_TO_CONFIRM, severity="warning")
            return
        try:
            note = notebridge.confirm(self.review, self.draft, self.ctx.config.agent)
        except AssistantError as exc:
            self.notify(str(exc), title=S.ERROR_TITLE, severity="error", timeout=10)
            return
        try:
            self.ctx.services.confirm(self.session_id, note)
        except AssistantError as exc:
            self.notify(str(exc), title=S.ERROR_TITLE, severity="error", timeout=20)
            return
        self.state = S.STATE_CONFIRMED
        self._confirmed = note
        self.action_copy()  # the confirmed note leaves with the agent (docs/share.md)
        self.post_message(NextAppointment())
