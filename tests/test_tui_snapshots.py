"""Snapshots of the main screens (pytest-textual-snapshot).

The session screens are fed fixed pipeline events and a fixed draft, so that
what is drawn depends neither on thread timing nor on the drafter's tuning; the
app, its screens and widgets are the real ones.
Update after a deliberate change with ``pytest tests/test_tui_snapshots.py
--snapshot-update`` and look at the SVGs before committing them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from test_tui_support import APPOINTMENT_DAY as DAY
from test_tui_support import ScriptedTranscriber, make_app
from textual.pilot import Pilot
from textual.widgets import Static

from assistant.notes.models import (
    CaseNoteDraft,
    Drafted,
    Evidence,
    Identifier,
    IdentifierKind,
    Organization,
    Reason,
)
from assistant.settings import Settings
from assistant.streaming.events import (
    AudioLevel,
    EndEvent,
    PipelineEvent,
    StatusEvent,
    TranscriptUpdate,
)
from assistant.tui.app import CounterApp
from assistant.tui.messages import PipelineMessage
from assistant.tui.screens.session import SessionScreen
from assistant.tui.services import Engine, Services
from assistant.types import Segment

SIZE = (140, 36)

SPOKEN = (
    (0.5, 3.1, "Bonjour, je viens pour mon aide au logement de la CAF."),
    (4.2, 6.9, "Mon numéro allocataire est le 7 3 0 4 1 5 8."),
    (8.3, 9.9, "Le loyer est de 620 euros par mois."),
    (11.3, 14.6, "Mon numéro de sécurité sociale est le 1 85 05 78 006 084 clé 91."),
)


def _evidence(segment_id: int, words: str) -> Evidence:
    text = SPOKEN[segment_id][2]
    start = text.index(words)
    return Evidence(segment_id=segment_id, start=start, end=start + len(words), quote=words)


class FixedDrafter:
    """A fixed draft, so that the pictures do not change each time the drafter
    is tuned (the drafter has its own tests); values appear as their segment
    is said, each with evidence in that segment."""

    def __init__(self, _day: dt.date) -> None:
        self.seen = 0

    def add_segment(self, segment: Segment) -> CaseNoteDraft:
        self.seen = max(self.seen, segment.id + 1)
        n = self.seen
        draft = CaseNoteDraft(
            appointment_date=DAY,
            segments_seen=n,
            reason=Drafted[Reason](value=Reason.LOGEMENT, confidence=0.9,
                                   evidence=(_evidence(0, "aide au logement"),)),
            organizations=(Drafted[Organization](
                value=Organization.CAF, confidence=0.8, evidence=(_evidence(0, "CAF"),)),),
            summary=Drafted[str](value=SPOKEN[0][2], confidence=0.5,
                                 evidence=(_evidence(0, SPOKEN[0][2]),)),
        )
        updates: dict[str, object] = {}
        if n > 1:
            updates["identifiers"] = (Drafted[Identifier](
                value=Identifier(kind=IdentifierKind.NUMERO_ALLOCATAIRE, value="7304158"),
                confidence=0.85, evidence=(_evidence(1, "7 3 0 4 1 5 8"),)),)
        if n > 2:
            updates["amounts_eur"] = (Drafted[float](
                value=620.0, confidence=0.9, evidence=(_evidence(2, "620 euros"),)),)
        if n > 3:
            updates["identifiers"] = (*updates["identifiers"], Drafted[Identifier](  # type: ignore[misc]
                value=Identifier(kind=IdentifierKind.NIR, value="185057800608491"),
                confidence=0.95, evidence=(_evidence(3, "1 85 05 78 006 084 clé 91"),)))
        return draft.model_copy(update=updates)


@pytest.fixture(autouse=True)
def _fixed_draft(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Services, "new_drafter", lambda self, day: FixedDrafter(day))


def _app(settings: Settings, tmp_path: Path) -> CounterApp:
    engine = Engine("whisper-base", ScriptedTranscriber(()))
    return make_app(settings, tmp_path / "s.db", None, engine, open_session=False)


async def _feed(pilot: Pilot[Any], events: list[PipelineEvent], listening: bool) -> None:
    app = pilot.app
    assert isinstance(app, CounterApp)
    screen = SessionScreen(app.ctx, autostart=False)
    await app.push_screen(screen)
    await pilot.pause()
    for event in events:
        screen.post_message(PipelineMessage(event, 0))
    await pilot.pause()
    if listening:
        from assistant.tui import strings as S

        screen.state = S.STATE_LISTENING
        screen.query_one("#status-line", Static).update("")
        screen.counter_changed(app.state)
    await pilot.pause()


def _committed() -> list[PipelineEvent]:
    return [
        TranscriptUpdate((Segment(i, start, end, text),), "")
        for i, (start, end, text) in enumerate(SPOKEN)
    ]


def _status() -> StatusEvent:
    return StatusEvent("running", 16.0, 15.2, AudioLevel(0.1, 0.3), True, 0, "rdv.wav")


def test_start_screen(snap_compare: Any, settings: Settings, tmp_path: Path) -> None:
    async def ready(pilot: Pilot[Any]) -> None:
        await pilot.pause(0.3)

    assert snap_compare(_app(settings, tmp_path), terminal_size=SIZE, run_before=ready)


def test_session_live(snap_compare: Any, settings: Settings, tmp_path: Path) -> None:
    events = [*_committed()[:3], _status(),
              TranscriptUpdate((), "Mon numéro de sécurité sociale est le")]

    async def live(pilot: Pilot[Any]) -> None:
        await pilot.pause(0.3)
        await _feed(pilot, events, listening=True)

    assert snap_compare(_app(settings, tmp_path), terminal_size=SIZE, run_before=live)


def test_session_review_with_evidence(snap_compare: Any, settings: Settings,
                                      tmp_path: Path) -> None:
    events = [*_committed(), EndEvent("eof", 16.0, 4)]

    async def review(pilot: Pilot[Any]) -> None:
        await pilot.pause(0.3)
        await _feed(pilot, events, listening=False)
        await pilot.press("home", "down", "down", "down")  # the NIR: masked, evidence lit
        await pilot.pause()

    assert snap_compare(_app(settings, tmp_path), terminal_size=SIZE, run_before=review)


PHONE_SAID = "Mon portable, c'est le 06 12 48 97."


class AskingDrafter(FixedDrafter):
    """The fixed draft, and a phone heard two digits short: to have said again."""

    def add_segment(self, segment: Segment) -> CaseNoteDraft:
        draft = super().add_segment(segment)
        if self.seen <= len(SPOKEN):
            return draft
        start = PHONE_SAID.index("06")
        heard = Evidence(segment_id=len(SPOKEN), start=start, end=start + 11,
                         quote=PHONE_SAID[start:start + 11])
        return draft.model_copy(update={"to_ask_again": (Drafted[IdentifierKind](
            value=IdentifierKind.TELEPHONE, confidence=0.5, evidence=(heard,)),)})


def test_session_review_with_a_number_to_say_again(
        snap_compare: Any, settings: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Services, "new_drafter", lambda self, day: AskingDrafter(day))
    phone = TranscriptUpdate((Segment(len(SPOKEN), 15.5, 18.0, PHONE_SAID),), "")
    events = [*_committed(), phone, EndEvent("eof", 18.5, 5)]

    async def review(pilot: Pilot[Any]) -> None:
        await pilot.pause(0.3)
        await _feed(pilot, events, listening=False)
        # The yellow row under the identifiers, its words lit in the transcript.
        await pilot.press("home", "down", "down", "down", "down", "down")
        await pilot.pause()

    assert snap_compare(_app(settings, tmp_path), terminal_size=SIZE, run_before=review)


def test_help_screen(snap_compare: Any, settings: Settings, tmp_path: Path) -> None:
    async def ready(pilot: Pilot[Any]) -> None:
        await pilot.pause(0.3)

    assert snap_compare(_app(settings, tmp_path), terminal_size=SIZE, run_before=ready,
                        press=["question_mark"])


@pytest.fixture(autouse=True)
def _no_toasts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Notifications time out on the wall clock: keep them out of the pictures."""
    monkeypatch.setattr(CounterApp, "notify", lambda *a, **k: None)
