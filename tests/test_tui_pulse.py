"""The app on the real capture path: PortAudio reading a PulseAudio virtual
microphone (tests/pulse.py), French speech played into it, the real model.
The start screen's level meter moves with the sound, and a new appointment
shows what was said."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_tui_support import APPOINTMENT_DAY, FixedClock

from assistant.settings import Settings
from assistant.tui import strings as S
from assistant.tui.app import AppConfig, build_app
from assistant.tui.screens.session import SessionScreen
from assistant.tui.services import Engine
from assistant.tui.widgets import LevelMeter, TranscriptView
from tests.pulse import PulseServer, pulse

__all__ = ["pulse"]
pytestmark = [pytest.mark.anyio, pytest.mark.pulse, pytest.mark.model, pytest.mark.slow]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_virtual_microphone_level_then_live_transcript(
        settings: Settings, tmp_path: Path, pulse: PulseServer, speech_model: Any) -> None:
    from tools.tts import speak

    config = AppConfig(settings=settings, agent="agent.test", clock=FixedClock(),
                       today=lambda: APPOINTMENT_DAY,
                       load_engine=lambda _s: Engine("whisper-base", speech_model))
    app = build_app(config, store_path=tmp_path / "s.db")
    speech = speak("Bonjour, je viens pour l'aide au logement de la CAF.", "mb-fr1")
    padded = np.concatenate([np.zeros(8000, np.float32), speech,
                             np.zeros(16000, np.float32)])
    async with app.run_test(size=(150, 42)) as pilot:
        meter = app.screen.query_one("#start-level", LevelMeter)
        pulse.play(padded)
        peak = 0.0
        for _ in range(150):  # the first PortAudio callback can take ~2 s
            await pilot.pause(0.05)
            peak = max(peak, meter.level)
            if peak > 0.3:
                break
        assert peak > 0.3, "the level meter did not move with the sound"

        await pilot.press("n")
        for _ in range(60):
            await pilot.pause(0.05)
            if isinstance(app.screen, SessionScreen):
                break
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        for _ in range(100):
            await pilot.pause(0.05)
            if screen.state == S.STATE_LISTENING:
                break
        await pilot.pause(1.0)  # the capture stream opens
        pulse.play(padded)
        view = screen.query_one(TranscriptView)
        # Two of the sentence's three content words: a busy machine can make
        # PortAudio lose a block, and Whisper base then mishears a word.
        expected = ("bonjour", "logement", "caf")

        def heard() -> int:
            said = " ".join(s.text for s in view.segments).lower()
            return sum(word in said for word in expected)

        for _ in range(600):  # up to 30 s on a busy 2-core machine
            await pilot.pause(0.05)
            if heard() == len(expected):
                break
        said = " ".join(s.text for s in view.segments).lower()
        assert heard() >= 2, said
        assert screen.state == S.STATE_LISTENING
        await pilot.press("q")
