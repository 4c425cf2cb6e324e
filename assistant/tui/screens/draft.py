"""The draft beside its transcript: the rows of the note, the evidence of the
row in view, and the agent's decisions (edit, accept, reject, add, remove,
reveal), each written to the store as it is made. The session screen adds the
live capture and the confirmation on top of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from textual import on
from textual.widgets import OptionList, Static

from assistant.errors import AssistantError
from assistant.tui import notebridge
from assistant.tui import strings as S
from assistant.tui.review import LIST_FIELDS, ReviewState, Row, RowStatus
from assistant.tui.screens.base import CounterScreen
from assistant.tui.screens.dialogs import EditDialog
from assistant.tui.state import ScreenContext
from assistant.tui.viewmodel import format_clock, masked_text, worker_failure
from assistant.tui.widgets import DraftPanel, TranscriptView

if TYPE_CHECKING:
    from assistant.notes.models import CaseNote, CaseNoteDraft
    from assistant.tui.services import Drafter
    from assistant.types import Segment


class DraftReviewScreen(CounterScreen):
    """The draft note of one session and the agent's decisions on it. Its widgets
    (``#transcript``, ``#draft``, ``#evidence``) and key bindings are the session
    screen's."""

    _drafter: Drafter

    def __init__(self, ctx: ScreenContext, session_id: int | None = None) -> None:
        super().__init__(ctx)
        self.session_id = session_id
        self.review = ReviewState(notebridge.normalise)
        self._recorded = 0  # the review's edits already written to the store
        self._told: set[str] = set()  # kinds of numbers to say again already notified
        self.draft: CaseNoteDraft | None = None
        self._saved_note: CaseNote | None = None
        self._appointment_date = dt.date.today()

    def _commit(self, segment: Segment) -> None:
        """A committed segment (already in the store): update and keep the draft."""
        with self._reported():
            self.draft = self._drafter.add_segment(segment)
            ask_again = notebridge.ask_again_from_draft(self.draft)
            self.review.update_draft(notebridge.items_from_draft(self.draft), ask_again)
            for kind in sorted({a.kind for a in ask_again} - self._told):
                # Said once per kind: the agent is looking at the usager, not the panel.
                self._told.add(kind)
                self.notify(S.ASK_AGAIN_TOLD.format(kind=S.IDENTIFIER_LABELS.get(kind, kind)),
                            severity="warning", timeout=8)
            note = self.draft.note()
            if self.session_id is not None and note != self._saved_note:
                # A new version only when a value changed (not on every segment):
                # an hour-long session keeps tens of versions, not a thousand.
                self.ctx.services.save_draft(self.session_id, self.draft)
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
            self.notify(worker_failure(exc), title=S.ERROR_TITLE, severity="error", timeout=20)

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
        if row.status is RowStatus.ASK_AGAIN:
            self._ask_again(row)
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

    def _ask_again(self, row: Row) -> None:
        """A number heard but not kept: the agent types it as the usager says it again
        (the session screen, while listening, has it dictated instead)."""
        kind = S.IDENTIFIER_LABELS.get(row.value, row.value)

        def done(text: str | None) -> None:
            if not text:
                return
            try:
                new = self.review.add(row.field, notebridge.of_kind(row.value, text))
            except AssistantError as exc:
                self.notify(str(exc), title=S.ERROR_TITLE, severity="error", timeout=10)
                return
            self._after_decision(new.key)

        self.app.push_screen(EditDialog(S.ASK_AGAIN_TITLE.format(kind=kind), row.field, ""),
                             done)

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
        # Only the decisions made since the last one: accepting an empty row or
        # setting aside a number to say again records nothing.
        new, self._recorded = self.review.edits[self._recorded:], len(self.review.edits)
        if self.session_id is not None:
            with self._reported():
                for edit in new:
                    self.ctx.services.record_edit(self.session_id, edit)
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
                self.ctx.services.record_reveal(self.session_id, what)
        self.notify(S.REVEALED)

    def action_follow(self) -> None:
        self.query_one("#transcript", TranscriptView).follow()
