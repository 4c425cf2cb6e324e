"""Dialogs over the other screens: the help with every shortcut, and the edit line."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from assistant.tui import strings as S


class HelpScreen(ModalScreen[None]):
    """Every shortcut, grouped by screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss_help", S.KEY_BACK),
    ]

    def compose(self) -> ComposeResult:
        text = Text()
        text.append(f"{S.HELP_TITLE}\n\n", style="bold")
        for title, keys in S.HELP_SECTIONS:
            text.append(f"{title}\n", style="bold underline")
            for key, what in keys:
                text.append(f"  {key:<12}", style="bold cyan")
                text.append(f"{what}\n")
            text.append("\n")
        text.append(S.HELP_CLOSE, style="dim")
        with VerticalScroll(id="help-box"):
            yield Static(text)

    def action_dismiss_help(self) -> None:
        self.dismiss(None)


class EditDialog(ModalScreen[str | None]):
    """One line to type a value; Enter saves, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", S.KEY_BACK)]

    def __init__(self, title: str, field: str, value: str) -> None:
        super().__init__()
        self._heading = title
        self._field = field
        self._value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-box"):
            yield Static(self._heading, id="edit-title")
            yield Static(S.EDIT_HINTS.get(self._field, ""), id="edit-hint")
            yield Input(value=self._value, id="edit-input")
            yield Static(S.EDIT_HELP, id="edit-help")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
