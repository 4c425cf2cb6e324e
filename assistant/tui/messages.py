"""The messages worker threads post to the app; only their handlers touch widgets.

Each carries one frozen value (a pipeline event, a loaded model, an error
text): threads never hand the UI a mutable object they still use, except the
loaded model itself, which the UI only passes on to the next pipeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from assistant.identify.choose import Reading
    from assistant.streaming.events import AudioLevel, PipelineEvent
    from assistant.tui.numberentry import Utterance
    from assistant.tui.services import Engine


class ModelLoaded(Message):
    """The speech model finished loading in the background."""

    def __init__(self, model: Engine, seconds: float) -> None:
        super().__init__()
        self.model = model
        self.seconds = seconds


class ModelFailed(Message):
    """The speech model could not be loaded; ``text`` is the French error."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class PipelineMessage(Message):
    """One event of the live pipeline (transcript, status, error, end)."""

    def __init__(self, event: PipelineEvent, generation: int) -> None:
        super().__init__()
        self.event = event
        self.generation = generation
        """Which pipeline of the screen sent it: events of a stopped one are ignored."""


class LevelSampled(Message):
    """A level reading of the input device chosen on the start screen."""

    def __init__(self, level: AudioLevel) -> None:
        super().__init__()
        self.level = level


class WorkerFailed(Message):
    """A background worker hit an error; ``text`` is the French message."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class NumberRead(Message):
    """One utterance read again for the number dictation (its ``Reading``)."""

    def __init__(self, utterance: Utterance, reading: Reading) -> None:
        super().__init__()
        self.utterance = utterance
        self.reading = reading


class NumberReadFailed(Message):
    """An utterance could not be read again; ``text`` is the French error."""

    def __init__(self, utterance: Utterance, text: str) -> None:
        super().__init__()
        self.utterance = utterance
        self.text = text


# --- Screens -> the app: what the agent asked for; the app alone acts on it ------------------

class NewAppointment(Message):
    """Open a new appointment and start listening."""


class OpenSession(Message):
    """Reopen a stored session for review."""

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id


class NextAppointment(Message):
    """The session was confirmed: a fresh session screen replaces it."""


class GoHome(Message):
    """Back to the start screen."""


class DeviceChosen(Message):
    """The agent chose an input device (None: the configured one)."""

    def __init__(self, device: str | None) -> None:
        super().__init__()
        self.device = device


# --- The dictation's workers -> its app -------------------------------------------------------

class DictationSaved(Message):
    """The dictated text was stored as session ``session_id``."""

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id


class RereadDone(Message):
    """The whole recording was transcribed again; ``raw`` is Whisper's text,
    ``before`` the editor's text when the re-reading began."""

    def __init__(self, raw: str, before: str) -> None:
        super().__init__()
        self.raw = raw
        self.before = before
