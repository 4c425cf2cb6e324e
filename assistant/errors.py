"""One small hierarchy of errors meant for the agent.

Each error carries a French message that names the bad value and a French
``hint`` that gives the way out. The CLI and the TUI show ``str(error)``
(message, then hint) and never a traceback. Code raises the most specific
subclass; nothing is swallowed.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: a problem the agent (or the admin) can act on."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  → {self.hint}"
        return self.message


class ConfigError(AssistantError):
    """A setting has a bad value or the settings file cannot be read."""

    exit_code = 2


class ModelError(AssistantError):
    """The speech model folder is missing, incomplete or cannot be loaded."""

    exit_code = 3


class AudioFileError(AssistantError):
    """A recording is missing, empty, silent, truncated or not audio."""

    exit_code = 4


class CaptureError(AssistantError):
    """The microphone (PortAudio) cannot be opened or was lost."""

    exit_code = 5


class StoreError(AssistantError):
    """The session database cannot be opened, is damaged, or a record is missing."""

    exit_code = 6


class InputError(AssistantError):
    """A file or argument given on the command line cannot be used."""

    exit_code = 2


class LanguageModelError(AssistantError):
    """The optional language-model drafter could not answer (the rule drafter's note
    is used instead)."""
