"""The app on the real model: a spoken appointment replayed at speaking pace
through the live pipeline and Whisper base. The transcript must appear while
the recording plays and the draft must hold its values before it ends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_tui_support import make_app, spoken_appointment

from assistant.pipeline import WhisperTranscriber
from assistant.settings import Settings
from assistant.tui import strings as S
from assistant.tui.screens.session import SessionScreen
from assistant.tui.services import Engine
from assistant.tui.widgets import DraftPanel, TranscriptView

pytestmark = [pytest.mark.anyio, pytest.mark.model, pytest.mark.slow]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_replay_through_real_model_fills_transcript_and_draft_before_the_end(
        settings: Settings, tmp_path: Path, speech_model: Any) -> None:
    audio, _lines = spoken_appointment()
    engine = Engine("whisper-base", WhisperTranscriber(speech_model, "fr", 1))
    app = make_app(settings, tmp_path / "s.db", audio, engine, realtime=True)
    seen_while_listening: dict[str, str] = {}
    async with app.run_test(size=(150, 42)) as pilot:
        for _ in range(100):
            if isinstance(app.screen, SessionScreen):
                break
            await pilot.pause(0.05)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        for _ in range(900):  # up to 45 s for 15 s of speech
            await pilot.pause(0.05)
            if screen.state == S.STATE_ENDED:
                break
            if screen.state != S.STATE_LISTENING:
                continue
            words = " ".join(s.text for s in screen.query_one(TranscriptView).segments)
            if words and "first_text" not in seen_while_listening:
                seen_while_listening["first_text"] = words
            for row in screen.query_one(DraftPanel).rows:
                if row.value:
                    seen_while_listening.setdefault(f"{row.field}:{row.value}", row.value)
        assert screen.state == S.STATE_ENDED, "the replay did not end"
        said = " ".join(s.text for s in screen.query_one(TranscriptView).segments).lower()
        assert "logement" in said and "loyer" in said and "janvier" in said
        assert app.is_running  # the app stays up after the recording ends
        final = {f"{r.field}:{r.value}" for r in screen.query_one(DraftPanel).rows}
        assert "dates:2026-01-12" in final  # the last words said, "avant le 12 janvier"

    assert "first_text" in seen_while_listening
    assert "organizations:CAF" in seen_while_listening
    assert "amounts_eur:620" in seen_while_listening
    assert "reason:LOGEMENT" in seen_while_listening
