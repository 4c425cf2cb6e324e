"""The counter app driven by Textual's pilot: the real app, pipeline, voice
detector, drafter and SQLite store, on a spoken appointment replayed; a
scripted transcriber stands in for Whisper (test_tui_model.py runs the real one).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from test_tui_support import LINES, ScriptedTranscriber, TimedLine, make_app, spoken_appointment
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Select

from assistant.errors import ModelError
from assistant.settings import Settings
from assistant.store import AuditAction, SessionId, SessionStatus, SessionStore
from assistant.streaming.events import AudioLevel, TranscriptUpdate
from assistant.tui import strings as S
from assistant.tui.app import CounterApp
from assistant.tui.messages import DeviceChosen, GoHome, NewAppointment, PipelineMessage
from assistant.tui.review import RowStatus
from assistant.tui.screens.dialogs import DeviceDialog, EditDialog, HelpScreen
from assistant.tui.screens.session import SessionScreen
from assistant.tui.screens.start import StartScreen
from assistant.tui.services import Engine, Services
from assistant.tui.widgets import DraftPanel, LevelMeter, SessionHeader, TranscriptView
from assistant.types import AudioArray, Segment

SIZE = (150, 42)
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def appointment() -> tuple[AudioArray, tuple[TimedLine, ...]]:
    return spoken_appointment()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "sessions.db"


def scripted(lines: tuple[TimedLine, ...]) -> Engine:
    return Engine("scripté", ScriptedTranscriber(lines))


async def wait_for(pilot: Pilot[None], check: Callable[[], bool], timeout: float = 20.0) -> None:
    steps = int(timeout / 0.05)
    for _ in range(steps):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"condition not met within {timeout} s")


def session_screen(app: CounterApp) -> SessionScreen:
    assert isinstance(app.screen, SessionScreen), type(app.screen)
    return app.screen


async def opened_session(pilot: Pilot[None], app: CounterApp) -> SessionScreen:
    """The session screen ``open_session`` opens just after the first frame."""
    await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
    return session_screen(app)


def draft(app: CounterApp) -> DraftPanel:
    return app.screen.query_one("#draft", DraftPanel)


def transcript(app: CounterApp) -> TranscriptView:
    return app.screen.query_one("#transcript", TranscriptView)


async def go_to_field(pilot: Pilot[None], app: CounterApp, field: str, value: str = "") -> None:
    """Move the highlight with the arrow keys only, as the agent would."""
    panel = draft(app)
    await pilot.press("home")
    for _ in range(len(panel.rows) + 1):
        row = panel.current
        if row is not None and row.field == field and value in row.value:
            return
        await pilot.press("down")
    raise AssertionError(f"no row {field} {value!r} in {[r.value for r in panel.rows]}")


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])


def header_text(app: CounterApp) -> str:
    return str(app.screen.query_one("#header", SessionHeader).render())


async def test_keyboard_path_start_text_evidence_edit_confirm_next(
        settings: Settings, store_path: Path,
        appointment: tuple[AudioArray, tuple[TimedLine, ...]]) -> None:
    audio, lines = appointment
    app = make_app(settings, store_path, audio, scripted(lines), open_session=False)
    async with app.run_test(size=SIZE) as pilot:
        # Start screen: the new-appointment line is highlighted; Enter opens it.
        assert isinstance(app.screen, StartScreen)
        await pilot.press("enter")
        screen = await opened_session(pilot, app)
        # Text arrives, the draft fills in, the replay ends: review.
        await wait_for(pilot, lambda: screen.state == S.STATE_ENDED)
        said = " ".join(s.text for s in transcript(app).segments)
        assert "allocataire" in said and "RIB" in said
        values = {(r.field, r.value) for r in draft(app).rows}
        assert ("identifiers", "NUMERO_ALLOCATAIRE 7304158") in values
        assert ("amounts_eur", "620") in values
        assert ("documents_requested", "RIB") in values
        assert app.focused is draft(app)

        # Select a field: its transcript segment is highlighted, its words quoted.
        await go_to_field(pilot, app, "identifiers", "7304158")
        row = draft(app).current
        assert row is not None and row.evidence
        ids = transcript(app).highlighted_ids
        assert ids == tuple(sorted({e.segment_id for e in row.evidence}))
        lit = next(s for s in transcript(app).segments if s.id == ids[0])
        assert "7 3 0 4 1 5 8" in lit.text[row.evidence[0].start:row.evidence[0].end]
        assert "7 3 0 4 1 5 8" in str(app.screen.query_one("#evidence").render())

        # Edit the amount: Enter opens the dialog on the current value.
        await go_to_field(pilot, app, "amounts_eur", "620")
        await pilot.press("enter")
        assert isinstance(app.screen, EditDialog)
        await pilot.press("backspace", "backspace", "backspace")
        await type_text(pilot, "650")
        await pilot.press("enter")
        assert isinstance(app.screen, SessionScreen)
        edited = draft(app).current
        assert edited is not None and edited.value == "650"
        assert edited.status is RowStatus.EDITED

        # A value the agent types wrong is refused in French, nothing changes.
        await pilot.press("e")
        await pilot.press("end", "backspace", "backspace", "backspace")
        await type_text(pilot, "beaucoup")
        await pilot.press("enter")
        assert any("Valeur refusée" in n.message for n in app._notifications)
        assert draft(app).current is not None and draft(app).current.value == "650"

        # Reject a document, add another, accept the reason.
        await go_to_field(pilot, app, "documents_requested", "RIB")
        await pilot.press("x")
        assert draft(app).current is not None
        assert draft(app).current.status is RowStatus.REJECTED
        await pilot.press("plus")
        assert isinstance(app.screen, EditDialog)
        await type_text(pilot, "justificatif de domicile")
        await pilot.press("enter")
        added = draft(app).current
        assert added is not None and added.value == "JUSTIFICATIF_DOMICILE"
        assert added.status is RowStatus.ADDED
        await go_to_field(pilot, app, "reason")
        await pilot.press("a")
        assert draft(app).current is not None
        assert draft(app).current.status is RowStatus.ACCEPTED
        session_id = screen.session_id
        assert session_id is not None

        # Confirm: the next appointment starts from a clean screen.
        await pilot.press("c")
        await wait_for(pilot, lambda: app.screen is not screen)
        fresh = session_screen(app)
        assert fresh is not screen
        assert fresh.state == S.STATE_READY
        assert transcript(app).segments == ()
        assert all(r.status is RowStatus.EMPTY for r in draft(app).rows)

        # ... and it listens when asked: a new session, text arriving again.
        await pilot.press("p")
        await wait_for(pilot, lambda: len(transcript(app).segments) > 0)
        assert fresh.session_id not in (None, session_id)
        await wait_for(pilot, lambda: fresh.state == S.STATE_ENDED)

        # Escape: back to the start screen, where the unconfirmed one is offered.
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, StartScreen))
        recent = app.screen.query_one("#recent")
        await wait_for(pilot, lambda: any(o.id == f"s{fresh.session_id}"
                                          for o in recent.options))  # type: ignore[attr-defined]
        assert not any(o.id == f"s{session_id}" for o in recent.options)  # type: ignore[attr-defined]

    store = SessionStore.open(store_path)
    try:
        note = store.note(SessionId(session_id))
        assert note is not None
        data = json.loads(note.json)
        assert data["amounts_eur"] == [650]
        assert "JUSTIFICATIF_DOMICILE" in data["documents_requested"]
        assert "RIB" not in data["documents_requested"]
        assert {"kind": "NUMERO_ALLOCATAIRE", "value": "7304158"} in data["identifiers"]
        assert data["confirmed_by"] == "agent.test"
        assert {"amounts_eur", "documents_requested"} <= set(data["changed_fields"])
        assert store.session(SessionId(session_id)).status is SessionStatus.CONFIRMED
        assert len(store.segments(SessionId(session_id))) == len(lines) or (
            len(store.segments(SessionId(session_id))) >= len(lines))
        assert {e.field for e in store.edits(SessionId(session_id))} >= {
            "amounts_eur", "documents_requested", "reason"}
    finally:
        store.close()


async def test_pause_resume_quit_keeps_everything_and_reopens(
        settings: Settings, store_path: Path,
        appointment: tuple[AudioArray, tuple[TimedLine, ...]]) -> None:
    audio, lines = appointment
    app = make_app(settings, store_path, audio, scripted(lines), realtime=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened_session(pilot, app)
        await wait_for(pilot, lambda: screen.state == S.STATE_LISTENING)
        assert S.STATE_LISTENING in header_text(app)
        await wait_for(pilot, lambda: len(transcript(app).segments) >= 1)
        await pilot.press("p")
        assert screen.state == S.STATE_PAUSED
        assert S.STATE_PAUSED in header_text(app)
        await pilot.pause(0.5)
        await pilot.press("p")
        assert screen.state == S.STATE_LISTENING
        await wait_for(pilot, lambda: len(transcript(app).segments) >= 2)
        await pilot.press("t")  # end listening mid-appointment: review at once
        assert screen.state == S.STATE_ENDED
        assert app.focused is draft(app)
        await pilot.pause(1.0)  # the last pass of the stopped pipeline may still land
        # Two decisions before quitting: they must come back with the session.
        await go_to_field(pilot, app, "reason", "LOGEMENT")
        await pilot.press("x")
        await go_to_field(pilot, app, "documents_requested")
        await pilot.press("plus")
        await type_text(pilot, "carte vitale")
        await pilot.press("enter")
        shown = [s.text for s in transcript(app).segments]
        session_id = screen.session_id
        await pilot.press("q")
    assert app.return_code in (None, 0)

    store = SessionStore.open(store_path)
    try:
        kept = [s.text for s in store.segments(SessionId(session_id or 0))]
        assert kept == shown  # everything that was on screen, nothing more
        assert store.session(SessionId(session_id or 0)).status is SessionStatus.ENDED
    finally:
        store.close()

    # Next start: the session is offered; Enter reopens it for review.
    again = make_app(settings, store_path, None, scripted(lines), open_session=False)
    async with again.run_test(size=SIZE) as pilot:
        assert isinstance(again.screen, StartScreen)
        recent = again.screen.query_one("#recent")
        # The list is read from the store on a worker thread: wait for it.
        await wait_for(pilot, lambda: any(
            f"s{session_id}" == o.id for o in recent.options))  # type: ignore[attr-defined]
        await pilot.press("down", "enter")
        reopened = session_screen(again)
        assert reopened.session_id == session_id
        await wait_for(pilot, lambda: reopened.state == S.STATE_ENDED)
        assert [s.text for s in transcript(again).segments] == shown
        statuses = {(r.field, r.value): r.status for r in draft(again).rows}
        assert statuses[("reason", "LOGEMENT")] is RowStatus.REJECTED
        assert statuses[("documents_requested", "CARTE_VITALE")] is RowStatus.ADDED


NIR_LINES = (
    "Je viens pour ma carte Vitale à la CPAM.",
    "Mon numéro de sécurité sociale est le 1 85 05 78 006 084 clé 91.",
)


async def test_nir_masked_until_revealed_and_reveal_recorded(
        settings: Settings, store_path: Path) -> None:
    audio, lines = spoken_appointment(NIR_LINES)
    app = make_app(settings, store_path, audio, scripted(lines))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened_session(pilot, app)
        await wait_for(pilot, lambda: screen.state == S.STATE_ENDED)
        rows = [r for r in draft(app).rows if r.field == "identifiers"]
        assert rows and rows[0].value == "NIR 185057800608491"
        segment = next(s for s in transcript(app).segments if "85 05" in s.text)
        seg_widget = app.screen.query_one(f"#seg-{segment.id}")
        assert "85 05" not in str(seg_widget.render())
        assert "NIR masqué" in str(seg_widget.render())
        await go_to_field(pilot, app, "identifiers", "NIR")
        index = draft(app).highlighted or 0
        assert "185057800608491" not in str(draft(app).get_option_at_index(index).prompt)
        await pilot.press("v")
        assert "185057800608491" in str(draft(app).get_option_at_index(index).prompt)
        assert "85 05" in str(seg_widget.render())
        await pilot.press("v")
        assert "185057800608491" not in str(draft(app).get_option_at_index(index).prompt)
        session_id = screen.session_id
    store = SessionStore.open(store_path)
    try:
        reveals = [a for a in store.audit(SessionId(session_id or 0))
                   if a.action is AuditAction.REVEALED]
        assert [a.detail for a in reveals] == ["NIR"]
        assert "185057800608491" not in reveals[0].detail
    finally:
        store.close()


async def test_model_failure_is_a_french_notification_not_a_crash(
        settings: Settings, store_path: Path,
        appointment: tuple[AudioArray, tuple[TimedLine, ...]]) -> None:
    audio, _lines = appointment

    def broken(_settings: Settings) -> Engine:
        raise ModelError("Le dossier du modèle est introuvable : /nulle/part.",
                         "Lancez « bash scripts/setup.sh ».")

    app = make_app(settings, store_path, audio, None, open_session=False, load_engine=broken)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.engine_error is not None)
        assert any("introuvable" in n.message and "setup.sh" in n.message
                   for n in app._notifications)
        assert "indisponible" in str(app.screen.query_one("#model-status").render())
        await pilot.press("n")
        screen = await opened_session(pilot, app)
        assert screen.state == S.STATE_WAITING
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.screen is screen


async def test_choosing_another_microphone_reaches_the_live_pipeline(
        settings: Settings, store_path: Path, monkeypatch: pytest.MonkeyPatch,
        appointment: tuple[AudioArray, tuple[TimedLine, ...]]) -> None:
    """CI has no sound card: only the device list is given; the pipeline is the
    real one, and a recording cannot switch to a microphone (a French error)."""
    audio, lines = appointment
    monkeypatch.setattr(Services, "input_devices",
                        lambda self: [("0: Casque USB", "0"), ("1: Micro interne", "1")])
    app = make_app(settings, store_path, audio, scripted(lines), realtime=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened_session(pilot, app)
        await wait_for(pilot, lambda: screen.state == S.STATE_LISTENING)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, DeviceDialog))
        await pilot.press("down", "enter")
        assert app.screen is screen
        await wait_for(pilot, lambda: app.state.device == "1")
        await wait_for(pilot, lambda: any("pas un micro" in n.message
                                          for n in app._notifications))
        assert screen.state == S.STATE_LISTENING  # the appointment goes on
        await pilot.press("q")


async def test_transcript_follows_the_end_unless_the_agent_scrolls_back(
        settings: Settings, store_path: Path) -> None:
    """Fixed pipeline events (the words do not matter here): the view keeps the
    newest line in sight, stays where the agent scrolled to, and f follows again."""
    app = make_app(settings, store_path, None, scripted(()), open_session=False)

    def say(screen: SessionScreen, first: int, count: int) -> None:
        for i in range(first, first + count):
            segment = Segment(i, i * 3.0, i * 3.0 + 2.5, f"Phrase numéro {i} de l'entretien.")
            screen.post_message(PipelineMessage(TranscriptUpdate((segment,), "et puis"), 0))

    async with app.run_test(size=SIZE) as pilot:
        screen = SessionScreen(app.ctx, autostart=False)
        await app.push_screen(screen)
        view = transcript(app)
        say(screen, 0, 60)
        await wait_for(pilot, lambda: len(view.segments) == 60)
        await pilot.pause(0.2)
        assert view.max_scroll_y > 0 and view.scroll_y == view.max_scroll_y
        view.focus()
        await pilot.press("home")
        await pilot.pause(0.2)
        assert view.scroll_y == 0
        say(screen, 60, 10)
        await wait_for(pilot, lambda: len(view.segments) == 70)
        await pilot.pause(0.2)
        assert view.scroll_y == 0  # the agent is reading: the view does not jump
        assert view.border_subtitle == S.TRANSCRIPT_SCROLLED  # and is told how to follow
        await pilot.press("f")
        await pilot.pause(0.2)
        assert view.scroll_y == view.max_scroll_y
        assert not view.border_subtitle
        say(screen, 70, 5)
        await wait_for(pilot, lambda: len(view.segments) == 75)
        await pilot.pause(0.2)
        assert view.scroll_y == view.max_scroll_y


async def test_unexpected_worker_failure_is_said_in_french(
        settings: Settings, store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Services, limit: int = 8) -> list[object]:
        raise RuntimeError("disque illisible")

    monkeypatch.setattr(Services, "recent_sessions", broken)
    app = make_app(settings, store_path, None, scripted(()), open_session=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: any("Erreur inattendue (RuntimeError)" in n.message
                                          for n in app._notifications))
        assert isinstance(app.screen, StartScreen)
        await pilot.press("n")  # the app is still usable
        screen = await opened_session(pilot, app)
        # No source at all in this test: starting fails, said in French, app up.
        await wait_for(pilot, lambda: screen.state == S.STATE_PAUSED)
        assert any("AssertionError" in n.message for n in app._notifications)
        assert app.is_running


async def test_mouse_click_shows_evidence_double_click_edits(
        settings: Settings, store_path: Path) -> None:
    app = make_app(settings, store_path, None, scripted(()), open_session=False)
    said = ("Bonjour, c'est pour l'aide au logement à la CAF.",
            "Le loyer est de 540 euros par mois.")
    async with app.run_test(size=SIZE) as pilot:
        screen = SessionScreen(app.ctx, autostart=False)
        await app.push_screen(screen)
        for i, text in enumerate(said):
            segment = Segment(i, i * 4.0, i * 4.0 + 3.0, text)
            screen.post_message(PipelineMessage(TranscriptUpdate((segment,), ""), 0))
        await wait_for(pilot, lambda: any(r.field == "amounts_eur" and r.value == "540"
                                          for r in draft(app).rows))
        index = next(i for i, r in enumerate(draft(app).rows) if r.field == "amounts_eur")
        row_y = 1 + draft(app)._index_to_line[index]  # below the border; rows may wrap
        await pilot.click("#draft", offset=(4, row_y))
        assert draft(app).current is not None and draft(app).current.field == "amounts_eur"
        assert transcript(app).highlighted_ids == (1,)
        assert isinstance(app.screen, SessionScreen)  # a single click does not edit
        await pilot.double_click("#draft", offset=(4, row_y))
        assert isinstance(app.screen, EditDialog)


async def test_start_screen_device_choice_drives_the_level_meter(
        settings: Settings, store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No sound card here: the device list and the level readings are given;
    the choice, the meter and stopping the previous monitor are the app's."""
    monitors: list[tuple[str | None, list[bool]]] = []

    def monitor(self: Services, device: str | None,
                report: Callable[[AudioLevel], bool]) -> None:
        answers: list[bool] = []
        monitors.append((device, answers))
        for _ in range(400):
            answers.append(report(AudioLevel(rms=0.05, peak=0.3)))
            if not answers[-1]:
                return
            time.sleep(0.02)

    monkeypatch.setattr(Services, "input_devices",
                        lambda self: [("0: Casque USB", "0"), ("1: Micro interne", "1")])
    monkeypatch.setattr(Services, "monitor_level", monitor)
    app = make_app(settings, store_path, None, scripted(()), open_session=False,
                   probe_devices=True, device="interne")
    async with app.run_test(size=SIZE) as pilot:
        select = app.screen.query_one("#device", Select)
        await wait_for(pilot, lambda: select.value == "1", timeout=10)
        meter = app.screen.query_one("#start-level", LevelMeter)
        await wait_for(pilot, lambda: meter.level > 0.5)
        assert app.state.device == "1" and monitors[0][0] == "1"
        select.value = "0"  # the agent picks the headset
        await wait_for(pilot, lambda: len(monitors) == 2)
        await wait_for(pilot, lambda: monitors[0][1][-1] is False)  # the old one stopped
        assert monitors[1][0] == "0" and app.state.device == "0"
        await pilot.press("n")  # leaving the start screen stops the meter
        await wait_for(pilot, lambda: monitors[1][1][-1] is False)


async def test_screens_ask_and_the_app_alone_changes_its_state(
        settings: Settings, store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A screen posts what the agent asked for; the app acts on it in its handler,
    replaces its state and publishes it to the screens."""
    monkeypatch.setattr(Services, "input_devices",
                        lambda self: [("0: Casque USB", "0"), ("1: Micro interne", "1")])
    app = make_app(settings, store_path, None, scripted(()), open_session=False)
    posted: list[Message] = []
    async with app.run_test(size=SIZE, message_hook=posted.append) as pilot:
        await wait_for(pilot, lambda: app.state.engine is not None)
        before = app.state
        await pilot.press("n")
        screen = await opened_session(pilot, app)
        assert [m for m in posted if isinstance(m, NewAppointment)]
        assert app.state is before  # opening a screen is not a change of state
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, DeviceDialog))
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: app.state.device == "1")
        assert {m.device for m in posted if isinstance(m, DeviceChosen)} == {"1"}
        assert app.state == replace(before, device="1")
        assert "Source : 1 " in header_text(app)  # published to the session screen
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, StartScreen))
        assert [m for m in posted if isinstance(m, GoHome)] and not screen.is_attached


def test_the_first_frame_loads_neither_numpy_nor_the_session_screen() -> None:
    """The app module stays light (docs/tui.md, time to the first frame): the
    session screen, numpy, the store and the pipeline come after (harlequin's
    import-hygiene test, in a fresh interpreter)."""
    heavy = ("numpy", "assistant.tui.screens.session", "assistant.store", "assistant.pipeline")
    code = f"import sys, assistant.tui.app; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout


async def test_speech_left_without_text_is_said_to_the_agent(settings: Settings,
                                                             tmp_path: Path) -> None:
    """The recogniser writes nothing for one of the usager's lines: the engine
    reports that stretch as dropped and the app tells the agent, in French,
    when and how long, so that the usager can be asked to say it again."""
    audio, lines = spoken_appointment(LINES[:3])
    deaf = ScriptedTranscriber((lines[0], lines[2]))  # hears nothing of the second line
    app = make_app(settings, tmp_path / "sessions.db", audio, Engine("scripté", deaf))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        screen = session_screen(app)
        await wait_for(pilot, lambda: screen.state == S.STATE_ENDED, timeout=60)
        said = [n.message for n in app._notifications if "pas été transcrites" in n.message]
        assert said, [n.message for n in app._notifications]
        assert "rien de reconnu" in said[0] and "faites répéter" in said[0]
        text = " ".join(s.text for s in screen.query_one("#transcript", TranscriptView).segments)
        assert "allocataire" not in text and "620" in text
