"""« Dictée d'un numéro »: the dialog that reads the next utterances as a number.

The session screen hands each utterance committed while the dialog is open to
``hear``; a worker thread reads it again with the constrained decoding (the
``read`` function, blocking) and posts ``NumberRead``; only the handler touches
the widgets. The value is shown large, in its groups, with its check status,
for the agent to read back to the usager. Enter dismisses with the
``CapturedNumber`` (only a value that checks), Escape with None.
"""

from __future__ import annotations

import contextlib
import queue
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Digits, Footer, OptionList, Static
from textual.widgets.option_list import Option

from assistant.errors import AssistantError
from assistant.notes.models import IdentifierKind
from assistant.tui import strings as S
from assistant.tui.messages import NumberRead, NumberReadFailed
from assistant.tui.numberentry import (
    KINDS,
    CapturedNumber,
    NumberEntry,
    Utterance,
    kind_label,
)
from assistant.tui.review import SENSITIVE_KINDS

if TYPE_CHECKING:
    from assistant.tui.services import NumberReader

PENDING_MAX = 4
"""Utterances waiting to be read; one more is said to be skipped (bounded queue)."""
BIG_CHARS = frozenset("0123456789 ")
"""What the large digit font draws (letters are written plainly)."""
BIG_MAX_WIDTH = 90
"""Cells the large font may take (three per character)."""

_Job = tuple[Utterance, IdentifierKind] | None


class NumberDialog(ModalScreen[CapturedNumber | None]):
    """The kind to choose, the number heard so far, its status; Enter adds it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", S.KEY_CANCEL),
        Binding("backspace", "drop_group", S.KEY_NUMBER_DROP),
        Binding("enter", "add", S.KEY_NUMBER_ADD),
    ]

    def __init__(self, kind: IdentifierKind, read: NumberReader,
                 on_shown: Callable[[IdentifierKind], None] | None = None) -> None:
        super().__init__()
        self.entry = NumberEntry(kind)
        self._read = read
        self._on_shown = on_shown
        self._shown: set[IdentifierKind] = set()
        self._jobs: queue.Queue[_Job] = queue.Queue(maxsize=PENDING_MAX)
        self.pending = 0
        """Utterances handed to the reader whose reading has not come back."""

    # --- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="number-box"):
            yield Static(S.NUMBER_TITLE, id="number-title")
            yield Static(S.NUMBER_LISTEN, id="number-hint")
            with Horizontal(id="number-body"):
                options = [Option(kind_label(k), id=k.value) for k in KINDS]
                kinds = OptionList(*options, id="number-kinds")
                kinds.border_title = S.NUMBER_KINDS
                yield kinds
                with Vertical(id="number-main"):
                    yield Digits("", id="number-digits")
                    yield Static(S.NUMBER_EMPTY, id="number-text")
                    yield Static("", id="number-status")
                    yield Static("", id="number-heard")
                    yield Static("", id="number-note")
                    yield Static("", id="number-progress")
            yield Static(S.NUMBER_HELP, id="number-help")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        kinds = self.query_one("#number-kinds", OptionList)
        kinds.highlighted = KINDS.index(self.entry.kind)
        kinds.focus()
        self._show()
        self._reader()

    def on_unmount(self) -> None:
        self._stop_reader()

    # --- utterances in, readings back ---------------------------------------------------
    def hear(self, utterance: Utterance) -> None:
        """A committed utterance to read again (UI thread; never blocks)."""
        try:
            self._jobs.put_nowait((utterance, self.entry.kind))
        except queue.Full:
            self._note(S.NUMBER_BUSY)
            return
        self.pending += 1
        self._progress()

    @work(thread=True, group="number-reader", exit_on_error=False)
    def _reader(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            utterance, kind = job
            try:
                reading = self._read(utterance.start_s, utterance.end_s, kind, utterance.text)
            except AssistantError as exc:
                self.post_message(NumberReadFailed(utterance, str(exc)))
            except Exception as exc:  # a failed reading is said, and the next one is read
                self.post_message(NumberReadFailed(utterance, S.WORKER_FAILED.format(
                    kind=type(exc).__name__, error=exc)))
            else:
                self.post_message(NumberRead(utterance, reading))

    def _stop_reader(self) -> None:
        """Let the reader thread end after its current reading (nothing more is read)."""
        while True:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        with contextlib.suppress(queue.Full):  # only this (UI) thread puts: it cannot be
            self._jobs.put_nowait(None)

    def on_number_read(self, message: NumberRead) -> None:
        self.pending = max(0, self.pending - 1)
        self._progress()
        self.entry = self.entry.heard(message.reading, message.utterance)
        if message.reading.value is None and not message.reading.groups:
            self._note(S.NUMBER_NOTHING_HEARD.format(text=message.utterance.text))
        else:
            self._note("")
        self._show()

    def on_number_read_failed(self, message: NumberReadFailed) -> None:
        self.pending = max(0, self.pending - 1)
        self._progress()
        self._note(message.text)
        self.notify(message.text, title=S.ERROR_TITLE, severity="error", timeout=10)

    # --- the agent's keys ---------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#number-kinds")
    def _kind_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        kind = IdentifierKind(event.option_id or self.entry.kind.value)
        if kind is not self.entry.kind:
            self.entry = self.entry.with_kind(kind)
            self._show()

    @on(OptionList.OptionSelected, "#number-kinds")
    def _kind_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_add()

    def action_add(self) -> None:
        captured = self.entry.captured()
        if captured is None:
            why = S.NUMBER_CANNOT_ADD.format(status=self.entry.status().text)
            self._note(why)
            self.notify(why, severity="warning", timeout=8)
            return
        self._stop_reader()
        self.dismiss(captured)

    def action_drop_group(self) -> None:
        if self.entry.groups:
            self.entry = self.entry.without_last_group()
            self._note(S.NUMBER_DROPPED)
            self._show()

    def action_cancel(self) -> None:
        self._stop_reader()
        self.dismiss(None)

    # --- drawing --------------------------------------------------------------------------
    def _note(self, text: str) -> None:
        """Why a key did nothing, or what went wrong with the last reading."""
        self.query_one("#number-note", Static).update(text)

    def _progress(self) -> None:
        self.query_one("#number-progress", Static).update(
            S.NUMBER_READING.format(n=self.pending) if self.pending else "")

    def _show(self) -> None:
        entry = self.entry
        shown = " ".join(entry.shown_groups) if entry.groups else ""
        digits = self.query_one("#number-digits", Digits)
        text = self.query_one("#number-text", Static)
        big = bool(shown) and set(shown) <= BIG_CHARS and 3 * len(shown) <= BIG_MAX_WIDTH
        digits.update(shown if big else "")
        digits.display = big
        text.update(shown or S.NUMBER_EMPTY)
        text.display = not big
        status = entry.status()
        line = S.NUMBER_STATUS_LINE.format(kind=kind_label(entry.kind), status=status.text)
        if entry.to_verify:
            line += f" · {S.NUMBER_TO_VERIFY}"
        status_widget = self.query_one("#number-status", Static)
        status_widget.update(line)
        status_widget.set_class(status.valid, "-valid")
        status_widget.set_class(bool(entry.groups) and not status.valid, "-invalid")
        heard = self.query_one("#number-heard", Static)
        heard.update(S.NUMBER_HEARD.format(text=entry.last_heard) if entry.last_heard else "")
        if shown and entry.kind.value in SENSITIVE_KINDS and entry.kind not in self._shown:
            self._shown.add(entry.kind)
            if self._on_shown is not None:
                self._on_shown(entry.kind)
