"""How the dictation app is started, and the settings it listens with (no Textual)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.asr import SpeechModel
    from assistant.streaming.protocols import Transcriber
    from assistant.tui.services import Engine


def dictation_settings(settings: Settings) -> Settings:
    """The settings with the dictation prompt as the live decoder's prompt."""
    if not settings.dictation.use_prompt:
        return settings
    from assistant.dictation.prompt import DICTATION_PROMPT

    decoding = settings.decoding.model_copy(update={"prompt": DICTATION_PROMPT,
                                                    "use_prompt": True})
    return settings.model_copy(update={"decoding": decoding})


def load_model(settings: Settings) -> SpeechModel:
    from assistant.asr import load_model as load

    return load(settings)


@dataclass(frozen=True, slots=True)
class DictationConfig:
    """How the dictation screen is started (by ``assistant dictate`` or a test)."""

    settings: Settings
    device: str | None = None
    replay: Path | None = None
    realtime: bool = True
    """Replay at the pace of speech (False: as fast as the model goes, for tests)."""
    load_engine: Callable[[Settings], SpeechModel | Transcriber | Engine] = load_model
    now: Callable[[], dt.datetime] = field(default=dt.datetime.now)
