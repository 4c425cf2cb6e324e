"""The session screen: the live transcript beside the draft note, then the
review (select, edit, accept, reject, add, remove, reveal) and the confirmation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, OptionList, Static

from assistant.errors import AssistantError
from assistant.streaming.events import (
    EndEvent,
    ErrorEvent,
    PipelineEvent,
    StatusEvent,
    TranscriptUpdate,
)
from assistant.tui import notebridge
from assistant.tui import strings as S
from assistant.tui.messages import PipelineMessage
from assistant.tui.numberentry import KINDS, CapturedNumber, Utterance, cued_kind, kind_label
from assistant.tui.review import LIST_FIELDS, ReviewState, Row, RowStatus
from assistant.tui.screens.base import CounterScreen
from assistant.tui.screens.dialogs import DeviceDialog, EditDialog
from assistant.tui.screens.number import NumberDialog
from assistant.tui.viewmodel import format_clock, level_fraction, masked_text
from assistant.tui.widgets import DraftPanel, LevelMeter, SessionHeader, TranscriptView
from assistant.types import Segment

if TYPE_CHECKING:
    from assistant.notes.models import CaseNote, CaseNoteDraft, IdentifierKind
    from assistant.tui.services import Drafter, PipelineHandle


class SessionScreen(CounterScreen):
    """One appointment: live transcript beside the draft note, then review and confirm."""

    _drafter: Drafter

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
        Binding("escape", "home", S.KEY_HOME),
    ]

    def __init__(self, *, autostart: bool = True, session_id: int | None = None) -> None:
        super().__init__()
        self.autostart = autostart
        self.session_id = session_id
        self.state = S.STATE_READY
        self.review = ReviewState(notebridge.normalise)
        self.draft: CaseNoteDraft | None = None
        self._saved_note: CaseNote | None = None
        self._stopping = False
        """Ending was asked: the last segments may still arrive; confirm waits."""
        self._pipeline: PipelineHandle | None = None
        self._generation = 0
        self._started_at: float | None = None
        self._stopped_at: float | None = None
        self._lag: float | None = None
        self._device_name = ""
        self._appointment_date = dt.date.today()
        self._number: NumberDialog | None = None
        """The number dictation, while it is open: it hears each committed utterance."""

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
        self._appointment_date = self.counter.config.today()
        self._drafter = self.counter.services.new_drafter(self._appointment_date)
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
        end = self._stopped_at if self._stopped_at is not None else self.counter.config.clock()
        return end - self._started_at

    def _refresh_header(self) -> None:
        device = self._device_name or self.counter.device_label
        self.query_one("#header", SessionHeader).show(
            self.state, device, self.counter.model_status, self._elapsed(), self._lag)

    def _status(self, text: str) -> None:
        self.query_one("#status-line", Static).update(text)

    def model_changed(self) -> None:
        self._refresh_header()
        if self.state == S.STATE_WAITING and self.counter.engine is not None:
            self.start_listening()

    # --- capture ----------------------------------------------------------------------------
    def start_listening(self) -> None:
        if self.state in (S.STATE_LISTENING, S.STATE_PAUSED, S.STATE_CONFIRMED):
            return
        if self.counter.engine is None:
            self.state = S.STATE_WAITING
            self._status(S.MODEL_WAIT if self.counter.engine_error is None
                         else self.counter.engine_error)
            self._refresh_header()
            return
        if self.session_id is None:
            with self._reported():
                self.session_id = self.counter.services.start_session(
                    self._appointment_date, self.counter.source_label)
            if self.session_id is None:
                return
        self._generation += 1
        generation = self._generation

        def forward(event: PipelineEvent) -> None:  # called on the pipeline's thread
            self.post_message(PipelineMessage(event, generation))

        segments = self.query_one("#transcript", TranscriptView).segments
        with self._reported():
            self._pipeline = self.counter.services.start_pipeline(
                self.counter.engine, self.counter.device, forward, session_id=self.session_id,
                first_segment_id=max((s.id for s in segments), default=-1) + 1)
        if self._pipeline is None:  # could not start: said in a notification
            self.state = S.STATE_PAUSED
            self._status(S.CAPTURE_STOPPED)
            self._refresh_header()
            return
        self._started_at = self._started_at or self.counter.config.clock()
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
        self._stopped_at = self.counter.config.clock() if self._started_at else None
        self.state = S.STATE_ENDED
        self._lag = None
        self._status(note)
        self._refresh_header()
        self.query_one("#level", LevelMeter).level = 0.0
        panel = self.query_one("#draft", DraftPanel)
        panel.focus()
        if panel.highlighted is None and panel.rows:
            panel.highlighted = 0

    def shutdown(self) -> bool:
        """Quit path: stop capture, keep everything. True when the session is
        left to confirm (it is offered on the start screen next time)."""
        self._stop_pipeline()
        if self.session_id is None or self.state == S.STATE_CONFIRMED:
            return False
        self.counter.services.end_session(self.session_id)
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

    def _commit(self, segment: Segment) -> None:
        """A committed segment (already in the store): update and keep the draft."""
        with self._reported():
            self.draft = self._drafter.add_segment(segment)
            self.review.update_draft(notebridge.items_from_draft(self.draft))
            note = self.draft.note()
            if self.session_id is not None and note != self._saved_note:
                # A new version only when a value changed (not on every segment):
                # an hour-long session keeps tens of versions, not a thousand.
                self.counter.services.save_draft(self.session_id, self.draft)
                self._saved_note = note

    @contextmanager
    def _reported(self) -> Iterator[None]:
        """Errors inside become French notifications: the session stays up."""
        try:
            yield
        except AssistantError as exc:
            self.notify(str(exc), title=S.ERROR_TITLE, severity="error", timeout=15)
        except Exception as exc:  # a bug must not take the appointment down; it is shown
            self.log.error(exc)
            self.notify(S.WORKER_FAILED.format(kind=type(exc).__name__, error=exc)
                        + f"\n  → {S.WORKER_FAILED_HINT}",
                        title=S.ERROR_TITLE, severity="error", timeout=20)

    def _load_existing(self, session_id: int) -> None:
        loaded = self.counter.services.load_session(session_id)
        self._appointment_date = loaded.appointment_date
        self._drafter = self.counter.services.new_drafter(loaded.appointment_date)
        self.query_one("#transcript", TranscriptView).add_segments(loaded.segments)
        for segment in loaded.segments:
            self.draft = self._drafter.add_segment(segment)
        if self.draft is not None:
            self.review.update_draft(notebridge.items_from_draft(self.draft))
        for edit in loaded.edits:
            self.review.replay(edit)
        self.state = S.STATE_ENDED
        self._status(S.SESSION_ENDED)
        self.call_after_refresh(self._enter_review, S.SESSION_ENDED)

    # --- review ---------------------------------------------------------------------
    def _show_rows(self) -> None:
        self.query_one("#draft", DraftPanel).show_rows(self.review.rows())

    def _current(self) -> Row | None:
        row = self.query_one("#draft", DraftPanel).current
        if row is None:
            self.notify(S.NO_FIELD, severity="warning")
        return row

    @on(OptionList.OptionHighlighted, "#draft")
    def _row_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        panel = self.query_one("#draft", DraftPanel)
        row = panel.current
        transcript = self.query_one("#transcript", TranscriptView)
        evidence = self.query_one("#evidence", Static)
        if row is None or row.status is RowStatus.EMPTY:
            transcript.highlight(())
            evidence.update("")
            return
        transcript.highlight(row.evidence)
        if row.evidence:
            starts = {s.id: s.start for s in transcript.segments}
            times = ", ".join(dict.fromkeys(
                format_clock(starts[e.segment_id]) for e in row.evidence
                if e.segment_id in starts))
            quote = " … ".join(dict.fromkeys(e.quote for e in row.evidence))
            if row.key not in panel.revealed:
                quote = masked_text(quote)
            evidence.update(S.EVIDENCE_LINE.format(times=times or "—", quote=quote))
        else:
            evidence.update(S.EVIDENCE_NONE)

    @on(OptionList.OptionSelected, "#draft")
    def _row_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_edit()

    def _ask(self, title: str, field: str, value: str, then: Any) -> None:
        label = S.FIELD_LABELS.get(field, field)
        self.app.push_screen(EditDialog(title.format(field=label), field, value), then)

    def action_edit(self) -> None:
        row = self._current()
        if row is None:
            return

        def done(text: str | None) -> None:
            if text is None:
                return
            try:
                if row.status is RowStatus.EMPTY and row.field in LIST_FIELDS:
                    new = self.review.add(row.field, text)
                else:
                    new = self.review.edit(row.key, text)
            except AssistantError as exc:
                self.notify(str(exc), title=S.ERROR_TITLE, severity="error", timeout=10)
                return
            self._after_decision(new.key)

        self._ask(S.EDIT_TITLE, row.field, row.value, done)

    def action_add(self) -> None:
        row = self._current()
        if row is None:
            return
        if row.field not in LIST_FIELDS:
            self.notify(S.CANNOT_ADD, severity="warning")
            return

        def done(text: str | None) -> None:
            if not text:
                return
            try:
                new = self.review.add(row.field, text)
            except AssistantError as exc:
                self.notify(str(exc), title=S.ERROR_TITLE, severity="error", timeout=10)
                return
            self._after_decision(new.key)

        self._ask(S.ADD_TITLE, row.field, "", done)

    def action_remove(self) -> None:
        row = self._current()
        if row is None:
            return
        if row.field not in LIST_FIELDS:
            self.notify(S.CANNOT_REMOVE, severity="warning")
            return
        self.review.remove(row.key)
        self._after_decision(None)

    def action_accept(self) -> None:
        row = self._current()
        if row is not None:
            self._after_decision(self.review.accept(row.key).key)

    def action_reject(self) -> None:
        row = self._current()
        if row is not None:
            self._after_decision(self.review.reject(row.key).key)

    def _after_decision(self, key: str | None) -> None:
        if self.session_id is not None and self.review.edits:
            with self._reported():
                self.counter.services.record_edit(self.session_id, self.review.edits[-1])
        panel = self.query_one("#draft", DraftPanel)
        self._show_rows()
        if key is not None:
            panel.select_key(key)
        panel.focus()

    def action_reveal(self) -> None:
        """Show a masked NIR or IBAN (the row's, or the whole transcript's when it
        has the focus); each reveal is written to the audit trail."""
        transcript = self.query_one("#transcript", TranscriptView)
        if self.focused is transcript:
            if not transcript.reveal_all and not transcript.has_sensitive():
                self.notify(S.REVEAL_NOTHING, severity="warning")
                return
            transcript.set_reveal_all(not transcript.reveal_all)
            if transcript.reveal_all:
                self._record_reveal("transcription")
            return
        row = self._current()
        if row is None:
            return
        panel = self.query_one("#draft", DraftPanel)
        if not row.sensitive:
            self.notify(S.REVEAL_NOTHING, severity="warning")
            return
        shown = row.key not in panel.revealed
        if shown:
            panel.revealed.add(row.key)
            self._record_reveal(row.value.split(" ")[0] if row.field == "identifiers"
                                else row.field)
        else:
            panel.revealed.discard(row.key)
        transcript.reveal([e.segment_id for e in row.evidence], shown)
        panel.refresh_rows()
        panel.select_key(row.key)

    def _record_reveal(self, what: str) -> None:
        if self.session_id is not None:
            with self._reported():
                self.counter.services.record_reveal(self.session_id, what)
        self.notify(S.REVEALED)

    def action_device(self) -> None:
        """Choose another microphone (the list is read off the UI thread)."""
        self._list_devices()

    @work(thread=True, exclusive=True, group="devices", exit_on_error=False)
    def _list_devices(self) -> None:
        try:
            devices = self.counter.services.input_devices()
        except AssistantError as exc:
            self.app.call_from_thread(self.notify, str(exc), title=S.ERROR_TITLE,
                                      severity="error", timeout=15)
            return
        self.app.call_from_thread(self.app.push_screen, DeviceDialog(devices),
                                  self._device_chosen)

    def _device_chosen(self, device: str | None) -> None:
        if device is None:
            return
        self.counter.device = device
        self._device_name = ""
        if self._pipeline is not None:
            self._pipeline.switch_device(device)  # an error comes back as an ErrorEvent
        self._status(S.DEVICE_SWITCHED.format(device=device))
        self._refresh_header()

    # --- number dictation --------------------------------------------------------------
    def action_number(self) -> None:
        """« Dictée d'un numéro »: the next utterances are read again as a number of
        the kind chosen (the kind of the last cue heard is proposed)."""
        engine = self.counter.engine
        if self._pipeline is None or self.state != S.STATE_LISTENING:
            self.notify(S.NUMBER_NOT_LISTENING, severity="warning")
            return
        read = None if engine is None else self.counter.services.number_reader(
            engine, self._pipeline)
        if read is None:
            self.notify(S.NUMBER_NO_MODEL, severity="warning")
            return
        segments = self.query_one("#transcript", TranscriptView).segments
        kind = cued_kind(segments) or KINDS[0]
        self._number = NumberDialog(kind, read, on_shown=self._number_shown)
        self.app.push_screen(self._number, self._number_done)

    def _number_shown(self, kind: IdentifierKind) -> None:
        """A NIR or an IBAN is shown in clear while it is dictated: audited like a reveal."""
        if self.session_id is not None:
            with self._reported():
                self.counter.services.record_reveal(
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
        self.counter.go_home()

    def action_follow(self) -> None:
        self.query_one("#transcript", TranscriptView).follow()

    def action_confirm(self) -> None:
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
            note = notebridge.confirm(self.review, self.draft, self.counter.config.agent)
        except AssistantError as exc:
            self.notify(str(exc), title=S.ERROR_TITLE, severity="error", timeout=10)
            return
        try:
            self.counter.services.confirm(self.session_id, note)
        except AssistantError as exc:
            self.notify(str(exc), title=S.ERROR_TITLE, severity="error", timeout=20)
            return
        self.state = S.STATE_CONFIRMED
        self.counter.next_appointment()
