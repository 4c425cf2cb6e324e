"""The dictation screen driven by Textual's pilot: a dictated recording is
replayed through the real live pipeline and model; the text appears with the
commands applied, stays editable, and is exported, copied and saved as a note."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from assistant.settings import load_settings
from tests.conftest import french_speech, silence
from tools.dictation_cases import command_words_left, word_errors
from tools.tts import write_wav

SAID = [
    "Bonjour", "virgule", "le dossier est complet", "point à la ligne",
    "le rendez-vous est fixé au douze mars", "point",
]
EXPECTED = "Bonjour, le dossier est complet.\nLe rendez-vous est fixé au 12 mars."
NOW = dt.datetime(2026, 11, 28, 14, 30, 5)

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parts = [silence(0.4)]
    for piece in SAID:
        parts += [french_speech(piece), silence(0.6)]
    path = tmp_path_factory.mktemp("dictation") / "dictee.wav"
    write_wav(path, np.concatenate(parts))
    return path


def _app(recording: Path, speech_model: object, export_dir: Path):  # type: ignore[no-untyped-def]
    from assistant.tui.dictate import DictationApp, DictationConfig

    settings = load_settings(dictation={"export_dir": export_dir})
    config = DictationConfig(settings=settings, replay=recording, realtime=False,
                             load_engine=lambda _s: speech_model,  # type: ignore[arg-type,return-value]
                             now=lambda: NOW)
    return DictationApp(config)


@pytest.mark.model
async def test_dictation_screen_with_a_replayed_recording(
        recording: Path, speech_model: object, tmp_path: Path) -> None:
    from textual.widgets import TextArea

    from assistant.store import SessionId, SessionStore
    from assistant.tui.messages import RereadDone

    app = _app(recording, speech_model, tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(1200):  # up to 60 s on a loaded 2-core machine
            if app.ended:
                break
            await pilot.pause(0.05)
        assert app.ended, "the replayed dictation did not end"
        # At the end the kept recording is read again by the batch decoder
        # (dictation.reread_at_end) and its text replaces the live one.
        for _ in range(600):
            if app.rereads:
                break
            await pilot.pause(0.05)
        assert app.rereads == 1
        live = app.before_reread
        assert live is not None
        assert "\n" in live, live  # "point à la ligne", as typeset live
        assert live.startswith("Bonjour,"), live
        assert command_words_left(EXPECTED, live) == 0, live
        assert "12 mars" in live, live
        text = app.text
        assert text.startswith("Bonjour,") and "\n" in text, text
        assert command_words_left(EXPECTED, text) == 0, text
        assert word_errors(EXPECTED, text).rate <= 0.3, text

        # F8 brings back the live text the agent saw, and F8 again the re-read.
        await pilot.press("f8")
        await pilot.pause()
        assert app.text == live
        await pilot.press("f8")
        await pilot.pause()
        assert app.text == text

        # F7 re-reads on demand.
        await pilot.press("f7")
        for _ in range(600):
            if app.rereads == 2:
                break
            await pilot.pause(0.05)
        assert app.rereads == 2
        assert app.text == text  # the same recording, the same decoder
        # A re-reading that ends after the agent typed replaces nothing.
        app.post_message(RereadDone("bonjour point", before=text + " (avant)"))
        await pilot.pause()
        assert app.text == text and app.rereads == 2
        assert "modifié" in str(app.query_one("#status").render())

        # Keyboard edits: the text stays editable.
        area = app.query_one("#text", TextArea)
        area.move_cursor(area.document.end)
        await pilot.press("space", "M", "e", "r", "c", "i", ".")
        await pilot.pause()
        assert app.text == text + " Merci."

        await pilot.press("f4")
        await pilot.press("f5")
        await pilot.press("f6")
        await pilot.press("ctrl+s")
        for _ in range(200):  # the note is stored on a worker thread
            if app.saved_session is not None:
                break
            await pilot.pause(0.05)
        edited = app.text
        assert app.clipboard == edited

    txt = tmp_path / "exports" / "dictee-2026-11-28-143005.txt"
    md = tmp_path / "exports" / "dictee-2026-11-28-143005.md"
    assert txt.read_text(encoding="utf-8") == edited + "\n"
    markdown = md.read_text(encoding="utf-8")
    assert markdown.startswith("# Dictée du 28/11/2026 14:30\n")
    assert "Merci." in markdown

    assert app.saved_session is not None
    with SessionStore.open(load_settings().store.path) as store:
        sid = SessionId(app.saved_session)
        lines = [s.text for s in store.segments(sid)]
        assert lines == [ln for ln in edited.split("\n") if ln.strip()]
        draft = store.latest_draft(sid)
        assert draft is not None
        # The drafter read the dictated date into the note's structured fields.
        assert "2026-03-12" in draft.json


def test_kept_audio_keeps_what_was_heard_but_not_pauses_nor_too_much() -> None:
    from assistant.replay import FileSource
    from assistant.tui.keptaudio import KeptAudio
    from assistant.types import SAMPLE_RATE

    audio = np.linspace(-0.5, 0.5, 2 * SAMPLE_RATE, dtype=np.float32)

    def drain(kept: KeptAudio, pause_after: int | None = None) -> None:
        kept.start()
        n = 0
        while not (kept.finished and kept.read(0.01) is None):
            if kept.read(0.05) is not None:
                n += 1
                if pause_after is not None and n == pause_after:
                    kept.set_paused(True)
        kept.stop()

    whole = KeptAudio(FileSource(audio, realtime=False), max_s=10)
    drain(whole)
    kept = whole.audio()
    assert kept is not None and np.array_equal(kept, audio)

    paused = KeptAudio(FileSource(audio, realtime=False), max_s=10)
    drain(paused, pause_after=3)
    part = paused.audio()
    assert part is not None and 0 < len(part) < len(audio)

    short = KeptAudio(FileSource(audio, realtime=False), max_s=1)
    drain(short)
    assert short.overflowed and short.audio() is None
