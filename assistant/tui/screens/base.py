"""What the counter app's full screens share: the context they are given, the
app's state published to them, and worker failures reported to the app (worker
state changes do not bubble past a screen; a message does)."""

from __future__ import annotations

import os

from textual import events, on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from assistant.errors import AssistantError
from assistant.sharing import clipboard_refusal
from assistant.tui import strings as S
from assistant.tui.messages import WorkerFailed
from assistant.tui.state import CounterState, ScreenContext
from assistant.tui.viewmodel import worker_failure

COPY_AGAIN_S = 0.6
"""The note is sent to the terminal's clipboard a second time after this delay."""


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

    def share_note(self, text: str, session_id: int | None,
                   revealed_kinds: tuple[str, ...] = ()) -> None:
        """Copy the note's text to the clipboard (OSC 52, through the terminal), audited;
        where the terminal may refuse it, the note also goes to a private file whose path
        is shown (docs/share.md)."""
        app = self.app
        app.copy_to_clipboard(text)
        # Sent again a moment later: while PortAudio (re)starts (a device list, a
        # microphone reopened) sounddevice points the terminal's stream (fd 2, where
        # Textual writes) at /dev/null, and a copy written then is lost; a frame is
        # redrawn, a copy is not (docs/share.md). Not if something else was copied since.
        app.set_timer(COPY_AGAIN_S,
                      lambda: app.copy_to_clipboard(text) if app.clipboard == text else None)
        # A headless app (tests, benchmarks) has no terminal to refuse: only the
        # setting share.clipboard = "file" asks for the file there.
        mode = self.ctx.config.settings.share.clipboard
        refusal = clipboard_refusal(os.environ, mode)
        if self.app.is_headless and mode != "file":
            refusal = None
        path = None
        try:
            if session_id is not None:
                self.ctx.services.record_copy(session_id, revealed_kinds)
                if refusal is not None:
                    path = self.ctx.services.write_note_file(session_id, text)
        except AssistantError as exc:
            self.notify(str(exc), title=S.ERROR_TITLE, severity="error", timeout=20)
            return
        if path is not None:
            self.notify(S.COPY_TO_FILE.format(reason=refusal, path=path),
                        title=S.COPIED_TITLE, severity="warning", timeout=30)
        else:
            self.notify(S.COPIED, title=S.COPIED_TITLE)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A background task that failed unexpectedly is said, in French, not hidden."""
        if event.state is WorkerState.ERROR:
            self.post_message(WorkerFailed(worker_failure(event.worker.error)))
