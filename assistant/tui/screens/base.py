"""What the app's full screens share: the typed way back to the app, and
worker state changes forwarded to it (they do not bubble past a screen)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.worker import Worker

if TYPE_CHECKING:
    from assistant.tui.app import CounterApp


class CounterScreen(Screen[None]):
    """A full screen of the counter app."""

    @property
    def counter(self) -> CounterApp:
        return self.app  # type: ignore[return-value]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.counter.report_worker(event)
