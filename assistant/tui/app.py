"""The counter app: owns the worker threads, the loaded model and the screens.

The first frame is drawn before anything heavy happens: the model loads in a
worker thread after the first refresh and reports through ``ModelLoaded`` /
``ModelFailed``; its state is visible on every screen meanwhile.
"""

from __future__ import annotations

import datetime as dt
import getpass
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

from assistant.errors import AssistantError
from assistant.settings import Settings
from assistant.tui import strings as S
from assistant.tui.messages import ModelFailed, ModelLoaded, WorkerFailed
from assistant.tui.screens.dialogs import HelpScreen
from assistant.tui.screens.start import StartScreen
from assistant.tui.services import Engine, Services, load_whisper


def _agent_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "agent"


@dataclass(frozen=True, slots=True)
class AppConfig:
    """How the app is started (by ``assistant live``/``demo``, or by a test)."""

    settings: Settings
    device: str | None = None
    replay: Path | None = None
    open_session: bool = False
    """Go straight to a new appointment (``demo``) instead of the start screen."""
    agent: str = field(default_factory=_agent_name)
    load_engine: Callable[[Settings], Engine] = load_whisper
    clock: Callable[[], float] = time.monotonic
    today: Callable[[], dt.date] = dt.date.today
    probe_devices: bool = True
    """List input devices and show a live level on the start screen."""


class CounterApp(App[None]):
    """Assistant d'accueil: the live counter session."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = S.APP_TITLE
    SUB_TITLE = S.APP_SUBTITLE
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit_app", S.KEY_QUIT),
        Binding("ctrl+q", "quit_app", S.KEY_QUIT, show=False, priority=True),
        Binding("question_mark,f1", "help", S.KEY_HELP),
    ]

    def __init__(self, config: AppConfig, services: Services) -> None:
        super().__init__()
        self.config = config
        self.services = services
        self.device = config.device
        self.engine: Engine | None = None
        self.engine_error: str | None = None
        self._loaded_s = 0.0
        self.kept_to_confirm = False
        """Set on quit when a session was left unconfirmed (it is offered next time)."""

    # --- labels -------------------------------------------------------------------------
    @property
    def model_name(self) -> str:
        if self.engine is not None:
            return self.engine.name
        configured = self.config.settings.model.path
        return configured.name if configured is not None else "whisper-base"

    @property
    def model_status(self) -> str:
        if self.engine is not None:
            return S.MODEL_READY.format(name=self.engine.name, seconds=self._loaded_s)
        if self.engine_error is not None:
            return S.MODEL_FAILED.format(name=self.model_name)
        return S.MODEL_LOADING.format(name=self.model_name)

    @property
    def device_label(self) -> str:
        if self.config.replay is not None:
            return self.config.replay.name
        return self.device or S.START_DEVICE_DEFAULT

    @property
    def source_label(self) -> str:
        if self.config.replay is not None:
            return S.SOURCE_FILE.format(name=self.config.replay.name)
        return S.SOURCE_MIC.format(name=self.device or S.SOURCE_DEFAULT)

    # --- start-up ----------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.push_screen(StartScreen())
        if self.config.open_session:
            self.call_after_refresh(self.new_appointment)
        self.call_after_refresh(self._load_engine)

    @work(thread=True, exclusive=True, group="model", exit_on_error=False)
    def _load_engine(self) -> None:
        try:
            started = time.monotonic()
            engine = self.config.load_engine(self.config.settings)
            self.post_message(ModelLoaded(engine, time.monotonic() - started))
        except AssistantError as exc:
            self.post_message(ModelFailed(str(exc)))
        except Exception as exc:  # any failure must reach the agent, in French
            self.post_message(ModelFailed(S.WORKER_FAILED.format(
                kind=type(exc).__name__, error=exc)))

    def on_model_loaded(self, message: ModelLoaded) -> None:
        self.engine = message.model
        self._loaded_s = message.seconds
        self.engine_error = None
        self._tell_screens()

    def on_model_failed(self, message: ModelFailed) -> None:
        self.engine_error = message.text
        self.notify(message.text, title=S.ERROR_TITLE, severity="error", timeout=30)
        self._tell_screens()

    def on_worker_failed(self, message: WorkerFailed) -> None:
        self.notify(message.text, title=S.ERROR_TITLE, severity="error", timeout=20)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.report_worker(event)

    def report_worker(self, event: Worker.StateChanged) -> None:
        """A background task that failed unexpectedly is said, in French, not hidden
        (screens forward their workers' state changes here: they do not bubble)."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.notify(S.WORKER_FAILED.format(kind=type(error).__name__, error=error)
                        + f"\n  → {S.WORKER_FAILED_HINT}",
                        title=S.ERROR_TITLE, severity="error", timeout=20)

    def _tell_screens(self) -> None:
        for screen in self.screen_stack:
            changed = getattr(screen, "model_changed", None)
            if changed is not None:
                changed()

    # --- navigation ---------------------------------------------------------------------------
    def new_appointment(self) -> None:
        from assistant.tui.screens.session import SessionScreen

        self.push_screen(SessionScreen(autostart=True))

    def open_session(self, session_id: int) -> None:
        from assistant.tui.screens.session import SessionScreen

        self.push_screen(SessionScreen(autostart=False, session_id=session_id))

    def next_appointment(self) -> None:
        from assistant.tui.screens.session import SessionScreen

        self.notify(S.CONFIRMED_TOAST)
        self.switch_screen(SessionScreen(autostart=False))

    def go_home(self) -> None:
        """Leave the session screen for the start screen (under it, or a new one)."""
        if len(self.screen_stack) > 2 and isinstance(self.screen_stack[-2], StartScreen):
            self.pop_screen()
        else:
            self.switch_screen(StartScreen())

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_quit_app(self) -> None:
        self.shutdown()
        self.exit()

    def shutdown(self) -> None:
        """Stop capture and keep every session to confirm later; close the store."""
        from assistant.tui.screens.session import SessionScreen

        for screen in self.screen_stack:
            if isinstance(screen, SessionScreen):
                try:
                    if screen.shutdown():
                        self.kept_to_confirm = True
                except AssistantError as exc:
                    self.notify(str(exc), severity="error")
        self.services.close()


def build_app(config: AppConfig, source_factory: Callable[[str | None], object] | None = None,
              store_path: Path | None = None) -> CounterApp:
    """The app wired to the real capture or replay source and the configured store."""
    factory = source_factory or default_source_factory(config)
    services = Services(config.settings, factory, store_path, config.agent)  # type: ignore[arg-type]
    return CounterApp(config, services)


def default_source_factory(config: AppConfig) -> Callable[[str | None], object]:
    settings = config.settings

    def make(device: str | None) -> object:
        if config.replay is not None:
            from assistant.replay import FileSource

            return FileSource.from_file(config.replay, realtime=True,
                                        block_ms=settings.capture.block_ms,
                                        queue_seconds=settings.capture.queue_seconds)
        from assistant.capture import MicrophoneSource

        return MicrophoneSource(device if device is not None else settings.capture.device,
                                block_ms=settings.capture.block_ms,
                                queue_seconds=settings.capture.queue_seconds)

    return make
