"""The start screen: new appointment, recent sessions, the notes confirmed today
(« Fiches du jour »: reopen, copy again, export), input device and its level,
model state. It is the app's first frame: it imports nothing heavy and reads the
store and the devices in worker threads."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, OptionList, Select, Static
from textual.widgets.option_list import Option

from assistant.errors import AssistantError
from assistant.tui import strings as S
from assistant.tui.labels import model_status
from assistant.tui.messages import DeviceChosen, LevelSampled, NewAppointment, OpenSession
from assistant.tui.screens.base import CounterScreen
from assistant.tui.state import CounterState, ScreenContext
from assistant.tui.viewmodel import level_fraction
from assistant.tui.widgets import LevelMeter

if TYPE_CHECKING:
    from assistant.store import SessionRecord
    from assistant.streaming.events import AudioLevel


class StartScreen(CounterScreen):
    """New appointment, recent sessions, input device with its level, model state."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", S.KEY_NEW),
        Binding("m", "device", S.KEY_DEVICE),
        Binding("y", "copy", S.KEY_COPY),
        Binding("x", "export", S.KEY_EXPORT),
        Binding("v", "voice", S.KEY_VOICE),
    ]

    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        self._level_generation = 0
        self._devices_shown = False
        self._enrolling = False

    def compose(self) -> ComposeResult:
        with Vertical(id="start"):
            yield Static(S.APP_TITLE, id="start-title")
            yield Static(model_status(self.ctx.state(), self.ctx.config), id="model-status")
            yield Static(S.START_RECENT, classes="section")
            yield OptionList(id="recent")
            yield Static(S.START_RECENT_HELP, classes="hint")
            yield Static(S.START_TODAY, classes="section")
            yield OptionList(id="today")
            yield Static(S.START_TODAY_HELP, classes="hint")
            yield Static(S.START_DEVICE, classes="section")
            if self.ctx.config.replay is not None:
                yield Static(S.START_REPLAY.format(name=self.ctx.config.replay.name),
                             id="replay-name")
            else:
                yield Select[str]([], prompt=S.START_DEVICE_DEFAULT, id="device",
                                  allow_blank=True)
            yield LevelMeter(id="start-level")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.refresh_recent()
        if self.ctx.config.replay is None and self.ctx.config.probe_devices:
            self.set_timer(1.0, self._load_devices)

    def on_screen_resume(self) -> None:
        self.refresh_recent()
        self.counter_changed(self.ctx.state())
        if self._devices_shown:  # the meter stopped while another screen was shown
            self._watch_level(self.ctx.state().device)

    def counter_changed(self, state: CounterState) -> None:
        self.query_one("#model-status", Static).update(model_status(state, self.ctx.config))

    def refresh_recent(self) -> None:
        self._show_recent(None)
        self._load_recent()

    @work(thread=True, exclusive=True, group="recent", exit_on_error=False)
    def _load_recent(self) -> None:
        today: list[tuple[int, str]] = []
        try:
            sessions = self.ctx.services.recent_sessions()
            today = self.ctx.services.todays_notes(self.ctx.config.today())
        except AssistantError as exc:
            self.app.call_from_thread(self.notify, str(exc), title=S.ERROR_TITLE,
                                      severity="error", timeout=20)
            sessions = []
        self.app.call_from_thread(self._show_recent, sessions)
        self.app.call_from_thread(self._show_today, today)

    def _show_today(self, notes: list[tuple[int, str]]) -> None:
        today = self.query_one("#today", OptionList)
        keep = today.highlighted or 0
        options = [Option(line, id=f"t{sid}") for sid, line in notes]
        if not options:
            options.append(Option(Text(S.START_TODAY_EMPTY, style="dim"), disabled=True))
        today.set_options(options)
        today.highlighted = min(keep, len(options) - 1) if notes else None

    def _today_selected(self) -> int | None:
        today = self.query_one("#today", OptionList)
        if today.highlighted is None:
            return None
        option_id = today.get_option_at_index(today.highlighted).id
        return int(option_id[1:]) if option_id and option_id.startswith("t") else None

    def action_copy(self) -> None:
        """Copy again a note confirmed today (masked: nothing is revealed here)."""
        self._today_action(copy=True)

    def action_export(self) -> None:
        """Export a note confirmed today as a text file of the notes folder."""
        self._today_action(copy=False)

    def _today_action(self, copy: bool) -> None:
        session_id = self._today_selected()
        if session_id is None:
            self.notify(S.TODAY_NOTHING, severity="warning")
            return
        try:
            if copy:
                self.share_note(self.ctx.services.stored_note_text(session_id), session_id)
                return
            path = self.ctx.services.export_note(session_id)
        except AssistantError as exc:
            self.notify(str(exc), title=S.ERROR_TITLE, severity="error", timeout=20)
            return
        self.notify(S.EXPORTED.format(path=path), title=S.COPIED_TITLE, timeout=20)

    def _show_recent(self, sessions: list[SessionRecord] | None) -> None:
        recent = self.query_one("#recent", OptionList)
        keep = recent.highlighted or 0
        options: list[Option] = [Option(Text(S.START_NEW, style="bold"), id="new")]
        for s in sessions or ():
            options.append(Option(S.RECENT_LINE.format(
                started=s.started_at.astimezone().strftime("%d/%m %H:%M"),
                status=S.SESSION_STATUS.get(s.status.value, s.status.value),
                source=s.source,
                segments=s.segment_count,
            ), id=f"s{s.id}"))
        if sessions is not None and not sessions:
            options.append(Option(Text(S.START_RECENT_EMPTY, style="dim"), disabled=True))
        recent.set_options(options)
        recent.highlighted = min(keep, len(options) - 1)
        if self.app.screen is self:
            recent.focus()

    @on(OptionList.OptionSelected, "#recent, #today")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option_id == "new":
            self.action_new()
        elif event.option_id and event.option_id[:1] in ("s", "t"):
            self.post_message(OpenSession(int(event.option_id[1:])))

    def action_new(self) -> None:
        self.post_message(NewAppointment())

    def action_voice(self) -> None:
        """« Enregistrer ma voix »: 10 s of the agent alone on the chosen microphone."""
        if self.ctx.config.replay is not None:
            self.notify(S.VOICE_NO_MIC, severity="warning", timeout=10)
            return
        if self._enrolling:
            self.notify(S.VOICE_BUSY)
            return
        self._enrolling = True
        self._level_generation += 1  # the level meter lets the microphone go meanwhile
        self.notify(S.VOICE_SPEAK, timeout=12)
        self._enroll(self.ctx.state().device)

    @work(thread=True, group="voice", exit_on_error=False)
    def _enroll(self, device: str | None) -> None:
        try:
            speech = self.ctx.services.enroll_voice(device)
        except AssistantError as exc:
            self.app.call_from_thread(self._enrolled, None, str(exc), device)
            return
        self.app.call_from_thread(self._enrolled, speech, None, device)

    def _enrolled(self, speech: float | None, error: str | None, device: str | None) -> None:
        self._enrolling = False
        if error is not None:
            self.notify(error, title=S.ERROR_TITLE, severity="error", timeout=20)
        else:
            done = S.VOICE_DONE.format(seconds=f"{speech:.1f}".replace(".", ","))
            if self.ctx.config.settings.speakers.mode != "voice":
                done += " " + S.VOICE_MODE_HINT
            self.notify(done, timeout=15)
        if self._devices_shown:
            self._watch_level(device)

    def action_device(self) -> None:
        if self.ctx.config.replay is None:
            self.query_one("#device", Select).focus()

    @work(thread=True, exclusive=True, group="devices", exit_on_error=False)
    def _load_devices(self) -> None:
        try:
            devices = self.ctx.services.input_devices()
        except AssistantError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="warning")
            return
        self.app.call_from_thread(self._show_devices, devices)

    def _show_devices(self, devices: list[tuple[str, str]]) -> None:
        select = self.query_one("#device", Select)
        if not devices:
            select.prompt = S.START_DEVICE_NONE
            return
        select.set_options(devices)
        chosen = self.ctx.state().device
        if chosen is not None:
            # --device may be an index or part of a name: show it if it is listed.
            match = [value for label, value in devices
                     if chosen == value or chosen.lower() in label.lower()]
            if len(match) == 1 and select.value != match[0]:
                select.value = match[0]  # Select.Changed starts the level meter
                return
        self._watch_level(chosen)

    @on(Select.Changed, "#device")
    def _device_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.BLANK else str(event.value)
        self.post_message(DeviceChosen(value))
        self._watch_level(value)

    def _watch_level(self, device: str | None) -> None:
        """Show the level of ``device`` (a monitor of an earlier choice stops)."""
        self._level_generation += 1
        self._devices_shown = True
        if self.ctx.config.probe_devices and self.ctx.config.replay is None:
            self._monitor_level(device, self._level_generation)

    @work(thread=True, group="level", exit_on_error=False)
    def _monitor_level(self, device: str | None, generation: int) -> None:
        def report(level: AudioLevel) -> bool:  # on this thread; False stops the monitor
            if (generation != self._level_generation or not self.is_attached
                    or self.app.screen is not self):
                return False
            self.post_message(LevelSampled(level))
            return True

        try:
            self.ctx.services.monitor_level(device, report)
        except AssistantError as exc:  # no level, but the app goes on
            self.app.call_from_thread(self.notify, str(exc), severity="warning", timeout=10)

    def on_level_sampled(self, message: LevelSampled) -> None:
        self.query_one("#start-level", LevelMeter).level = level_fraction(message.level)
