"""The counter app: owns the worker threads, the loaded model, the screens and
the state they read.

The first frame is drawn before anything heavy happens: the model loads in a
worker thread after the first refresh and reports through ``ModelLoaded`` /
``ModelFailed``; its state is visible on every screen meanwhile.

State: ``CounterState`` is replaced only here, in the handlers of the messages
that screens and workers post, then published on ``state_changed``. Screens are
given a ``ScreenContext`` and never import this module (an import contract).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from assistant.errors import AssistantError
from assistant.tui import strings as S
from assistant.tui.messages import (
    DeviceChosen,
    GoHome,
    ModelFailed,
    ModelLoaded,
    NewAppointment,
    NextAppointment,
    OpenSession,
    WorkerFailed,
)
from assistant.tui.screens.base import CounterScreen
from assistant.tui.screens.dialogs import HelpScreen
from assistant.tui.screens.start import StartScreen
from assistant.tui.services import Services, source_factory_for
from assistant.tui.state import AppConfig, CounterState, ScreenContext
from assistant.tui.viewmodel import error_text, worker_failure

__all__ = ["AppConfig", "CounterApp", "build_app"]


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
        self.state = CounterState(device=config.device)
        self.state_changed: Signal[CounterState] = Signal(self, "state_changed")
        self.ctx = ScreenContext(config, services, lambda: self.state, self.state_changed)

    @property
    def kept_to_confirm(self) -> bool:
        """A session was left unconfirmed on quit (it is offered next time)."""
        return self.state.kept_to_confirm

    def _change(self, **changes: object) -> None:
        self.state = replace(self.state, **changes)  # type: ignore[arg-type]
        self.state_changed.publish(self.state)

    # --- start-up ----------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.push_screen(StartScreen(self.ctx))
        if self.config.open_session:
            self.call_after_refresh(self._new_appointment)
        self.call_after_refresh(self._load_engine)

    @work(thread=True, exclusive=True, group="model", exit_on_error=False)
    def _load_engine(self) -> None:
        try:
            started = time.monotonic()
            engine = self.config.load_engine(self.config.settings)
            self.post_message(ModelLoaded(engine, time.monotonic() - started))
        except Exception as exc:  # any failure must reach the agent, in French
            self.post_message(ModelFailed(error_text(exc)))

    def on_model_loaded(self, message: ModelLoaded) -> None:
        self._change(engine=message.model, loaded_s=message.seconds, engine_error=None)

    def on_model_failed(self, message: ModelFailed) -> None:
        self._change(engine_error=message.text)
        self.notify(message.text, title=S.ERROR_TITLE, severity="error", timeout=30)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        self.notify(message.text, title=S.ERROR_TITLE, severity="error", timeout=20)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A background task that failed unexpectedly is said, in French, not hidden
        (the screens' workers reach here as ``WorkerFailed``)."""
        if event.state is WorkerState.ERROR:
            self.notify(worker_failure(event.worker.error),
                        title=S.ERROR_TITLE, severity="error", timeout=20)

    @on(DeviceChosen)
    def _device_chosen(self, message: DeviceChosen) -> None:
        self._change(device=message.device)

    # --- navigation ---------------------------------------------------------------------------
    @on(NewAppointment)
    def _new_appointment(self) -> None:
        self.push_screen(self._session(autostart=True))

    @on(OpenSession)
    def _open_session(self, message: OpenSession) -> None:
        self.push_screen(self._session(autostart=False, session_id=message.session_id))

    @on(NextAppointment)
    def _next_appointment(self) -> None:
        self.notify(S.CONFIRMED_TOAST)
        self.switch_screen(self._session(autostart=False))

    @on(GoHome)
    def _go_home(self) -> None:
        """Leave the session screen for the start screen (under it, or a new one)."""
        if len(self.screen_stack) > 2 and isinstance(self.screen_stack[-2], StartScreen):
            self.pop_screen()
        else:
            self.switch_screen(StartScreen(self.ctx))

    def _session(self, *, autostart: bool, session_id: int | None = None) -> CounterScreen:
        # The session screen pulls numpy and the streaming engine (about 0.16 s):
        # it is loaded when the first appointment opens, not before the first
        # frame (docs/tui.md). Not a cycle: screens never import this module.
        from assistant.tui.screens.session import SessionScreen

        return SessionScreen(self.ctx, autostart=autostart, session_id=session_id)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_quit_app(self) -> None:
        self.shutdown()
        self.exit()

    def shutdown(self) -> None:
        """Stop capture and keep every session to confirm later; close the store."""
        for screen in self.screen_stack:
            if isinstance(screen, CounterScreen):
                try:
                    if screen.shutdown():
                        self.state = replace(self.state, kept_to_confirm=True)
                except AssistantError as exc:
                    self.notify(str(exc), severity="error")
        self.services.close()


def build_app(config: AppConfig, source_factory: Callable[[str | None], object] | None = None,
              store_path: Path | None = None) -> CounterApp:
    """The app wired to the real capture or replay source and the configured store
    (``source_factory`` and ``store_path`` stand in for them in tests)."""
    factory = source_factory or source_factory_for(config.settings, config.replay)
    services = Services(config.settings, factory, store_path, config.agent)  # type: ignore[arg-type]
    return CounterApp(config, services)
