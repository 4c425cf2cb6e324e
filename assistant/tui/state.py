"""What the counter app's screens are given: how the app was started
(``AppConfig``), what it holds now (``CounterState``) and the door to the other
stages, together in one ``ScreenContext`` passed to each screen's constructor.

Screens read the state and never assign it: they post a message (see
``messages``) and the app replaces the state in its handler, then publishes it
on ``ScreenContext.state_changed``. Nothing here imports Textual at run time.
"""

from __future__ import annotations

import datetime as dt
import getpass
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.settings import Settings
from assistant.tui.services import Engine, Services, load_whisper

if TYPE_CHECKING:
    from textual.signal import Signal


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


@dataclass(frozen=True, slots=True)
class CounterState:
    """What the counter app holds now; replaced whole, only by the app."""

    device: str | None = None
    """The input device chosen (an index or part of a name; None: the configured one)."""
    engine: Engine | None = None
    """The loaded recogniser, once the model has loaded."""
    engine_error: str | None = None
    """Why the model could not be loaded (French), if it could not."""
    loaded_s: float = 0.0
    kept_to_confirm: bool = False
    """Set on quit when a session was left unconfirmed (it is offered next time)."""


@dataclass(frozen=True, slots=True)
class ScreenContext:
    """Everything a counter screen is given; it reads, it never assigns."""

    config: AppConfig
    services: Services
    state: Callable[[], CounterState]
    """The app's state now."""
    state_changed: Signal[CounterState]
    """Published by the app after each change of its state."""
