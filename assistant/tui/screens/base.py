"""What the counter app's full screens share: the context they are given, the
app's state published to them, and worker failures reported to the app (worker
state changes do not bubble past a screen; a message does)."""

from __future__ import annotations

from textual import events, on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from assistant.tui.messages import WorkerFailed
from assistant.tui.state import CounterState, ScreenContext
from assistant.tui.viewmodel import worker_failure


class CounterScreen(Screen[None]):
    """A full screen of the counter app. It reads ``ctx`` and never changes the
    app's state: it posts a message and the app acts on it."""

    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__()
        self.ctx = ctx

    @on(events.Mount)
    def _subscribe(self) -> None:
        self.ctx.state_changed.subscribe(self, self.counter_changed, immediate=True)

    def counter_changed(self, state: CounterState) -> None:
        """The app's state changed (the model loaded or failed, a device was chosen)."""

    def shutdown(self) -> bool:
        """The app quits: stop what runs. True when a session is left to confirm."""
        return False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A background task that failed unexpectedly is said, in French, not hidden."""
        if event.state is WorkerState.ERROR:
            self.post_message(WorkerFailed(worker_failure(event.worker.error)))
