"""Dialogs over the other screens: the help with every shortcut, and the edit line."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

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


class DeviceDialog(ModalScreen[str | None]):
    """Choose an input device (index as text); Escape keeps the current one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", S.KEY_BACK)]

    def __init__(self, devices: list[tuple[str, str]]) -> None:
        super().__init__()
        self._devices = devices

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-box"):
            yield Static(S.DEVICE_TITLE, id="edit-title")
            options = [Option(label, id=f"d{value}") for label, value in self._devices]
            if not options:
                options = [Option(S.START_DEVICE_NONE, disabled=True)]
            yield OptionList(*options, id="device-list")
            yield Static(S.DEVICE_HELP, id="edit-help")

    @on(OptionList.OptionSelected, "#device-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss((event.option_id or "d")[1:] or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
