"""« Dictée d'un numéro »: the number dictation in the live counter session.

The pure part (``NumberEntry``: groups, status, evidence; the cued kind; the
audio kept to read an utterance again) is tested on real ``Reading`` values.
The dialog is driven by Textual's pilot in the real app, on the real model:
French speech synthesised with MBROLA, replayed at speaking pace through the
live pipeline, each utterance read again by ``read_identifier`` in a worker.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_tui_support import ScriptedTranscriber, make_app, spoken_appointment
from textual.pilot import Pilot
from textual.widgets import Digits, OptionList, Static

from assistant.identify.choose import Reading
from assistant.notes.models import VERIFY_BELOW
from assistant.notes.models import IdentifierKind as K
from assistant.recent import RecentAudio
from assistant.settings import Settings
from assistant.store import AuditAction, SessionId, SessionStore
from assistant.tui import strings as S
from assistant.tui.app import CounterApp
from assistant.tui.messages import NumberRead
from assistant.tui.numberentry import (
    KINDS,
    CapturedNumber,
    CheckState,
    NumberEntry,
    Utterance,
    cued_kind,
    number_span,
)
from assistant.tui.review import EvidenceSpan, ReviewState, RowStatus
from assistant.tui.screens.dialogs import EditDialog
from assistant.tui.screens.number import NumberDialog
from assistant.tui.screens.session import SessionScreen
from assistant.tui.services import Engine, Services
from assistant.tui.widgets import DraftPanel, TranscriptView
from assistant.types import SAMPLE_RATE, AudioArray, AudioChunk, Segment
from tools.tts import speak

SIZE = (150, 42)


def _segment(sid: int, text: str, start: float = 0.0, end: float = 2.0) -> Segment:
    return Segment(sid, start, end, text)


def _reading(kind: K, value: str | None, groups: tuple[str, ...], heard: str = "",
             confidence: float = 0.0) -> Reading:
    return Reading(kind, value, confidence, heard or " ".join(groups), groups)


# --- the number dictated, without the app ----------------------------------------------------

def test_whole_number_is_shown_in_groups_and_valid() -> None:
    said = Utterance((_segment(4, "Oui alors c'est le 06 18 19 09 37."),))
    entry = NumberEntry(K.TELEPHONE).heard(
        _reading(K.TELEPHONE, "0618190937", ("06", "18", "19", "09", "37"), confidence=0.9),
        said)
    assert entry.value == "0618190937"
    assert entry.shown_groups == ["06", "18", "19", "09", "37"]
    assert entry.status().state is CheckState.VALID
    assert entry.status().text == S.NUMBER_VALID
    assert not entry.to_verify
    captured = entry.captured()
    assert captured is not None and captured.draft_text == "TELEPHONE 0618190937"
    assert captured.evidence == (EvidenceSpan(4, 19, 33, "06 18 19 09 37"),)


def test_groups_said_one_by_one_are_appended_and_can_be_taken_back() -> None:
    first = Utterance((_segment(1, "Zéro six, dix-huit."),))
    second = Utterance((_segment(2, "19, 09, 37."),))
    entry = NumberEntry(K.TELEPHONE).heard(_reading(K.TELEPHONE, None, ("0", "6", "18")), first)
    status = entry.status()
    assert status.state is CheckState.INCOMPLETE
    assert status.text == "incomplet : 4 chiffres sur 10"
    assert entry.captured() is None
    entry = entry.heard(_reading(K.TELEPHONE, None, ("19", "09", "37")), second)
    assert entry.value == "0618190937" and entry.status().valid
    assert entry.shown_groups == ["06", "18", "19", "09", "37"]
    assert entry.to_verify  # put together from groups: no vote on the whole number
    assert {e.segment_id for e in entry.evidence} == {1, 2}
    # Backspace: the last group goes, to be said again on its own.
    entry = entry.without_last_group()
    assert entry.raw == "06181909" and entry.status().text == "incomplet : 8 chiffres sur 10"
    entry = entry.heard(_reading(K.TELEPHONE, None, ("37",)), second)
    assert entry.value == "0618190937"
    # Too many groups: said, and not addable.
    longer = entry.heard(_reading(K.TELEPHONE, None, ("12",)), second)
    assert longer.status().text == "trop long : 12 chiffres sur 10" and longer.captured() is None


def test_a_whole_valid_number_replaces_the_groups_heard() -> None:
    said = Utterance((_segment(3, "06 71 22 58 09"),))
    entry = NumberEntry(K.TELEPHONE).heard(_reading(K.TELEPHONE, None, ("06", "18")), said)
    entry = entry.heard(_reading(K.TELEPHONE, "0671225809", ("06", "71", "22", "58", "09"),
                                 confidence=0.5), said)
    assert entry.value == "0671225809"
    assert entry.to_verify  # confidence 0.5 < VERIFY_BELOW: « à vérifier »


def test_nir_key_and_format_checks_are_said() -> None:
    said = Utterance((_segment(0, "1 85 05 78 006 084 92"),))
    wrong_key = NumberEntry(K.NIR).heard(
        _reading(K.NIR, None, ("1", "85", "05", "78", "006", "084", "92")), said)
    assert wrong_key.status().state is CheckState.BAD_KEY
    assert wrong_key.status().text == S.NUMBER_BAD_KEY
    good = wrong_key.without_last_group().heard(_reading(K.NIR, None, ("91",)), said)
    assert good.value == "185057800608491"
    assert good.shown_groups == ["1", "85", "05", "78", "006", "084", "91"]
    phone = NumberEntry(K.TELEPHONE).heard(_reading(K.TELEPHONE, None, ("1234567890",)), said)
    assert phone.status().state is CheckState.BAD_FORM
    # Another kind chosen: the same digits are checked against it.
    assert phone.with_kind(K.NUMERO_ALLOCATAIRE).status().text == "trop long : 10 chiffres sur 7"


def test_iban_said_without_fr_and_plates_letter_by_letter() -> None:
    said = Utterance((_segment(0, "76 3000 6000 0112 3456 7890 189"),))
    iban = NumberEntry(K.IBAN).heard(
        _reading(K.IBAN, None, ("76", "3000", "6000", "0112", "3456", "7890", "189")), said)
    assert iban.value == "FR7630006000011234567890189"
    assert iban.shown_groups[0] == "FR76"
    plate = NumberEntry(K.IMMATRICULATION).heard(
        _reading(K.IMMATRICULATION, None, ("E", "F", "482")), said)
    assert plate.status().text == "incomplet : 5 caractères sur 7"
    plate = plate.heard(_reading(K.IMMATRICULATION, None, ("K", "L")), said)
    assert plate.value == "EF-482-KL" and plate.shown_groups == ["EF", "482", "KL"]


def test_the_last_cue_heard_gives_the_kind() -> None:
    segments = [
        _segment(0, "Bonjour, c'est pour mon dossier CAF."),
        _segment(1, "Votre numéro allocataire, puis votre numéro de téléphone ?"),
        _segment(2, "Oui, attendez."),
    ]
    assert cued_kind(segments) is K.TELEPHONE
    assert cued_kind(segments[:1]) is K.NUMERO_ALLOCATAIRE
    assert cued_kind([_segment(0, "Bonjour madame.")]) is None
    assert cued_kind([_segment(0, "Et votre numéro de sécurité sociale ?")]) is K.NIR
    assert K.EMAIL not in KINDS


def test_evidence_quotes_the_number_in_its_segment() -> None:
    seg = _segment(7, "Allez-y. Alors c'est le 06, 18, 19, 09, 37, voilà.")
    span = number_span(seg)
    assert span is not None and span.quote == "06, 18, 19, 09, 37"
    assert seg.text[span.start:span.end] == span.quote
    words_only = Utterance((_segment(8, "Oui, attendez."),))
    assert words_only.evidence(K.TELEPHONE) == (EvidenceSpan(8, 0, 14, "Oui, attendez."),)


def test_recent_audio_gives_back_a_time_range_and_stays_bounded() -> None:
    recent = RecentAudio(seconds=2.0)
    block = SAMPLE_RATE // 10
    for i in range(50):  # 5 s of 0.1 s blocks, each filled with its own index
        recent.add(AudioChunk(np.full(block, i, dtype=np.float32), i * 0.1))
    assert len(recent.between(0.0, 1.0)) == 0  # gone: older than 2 s
    piece = recent.between(4.0, 4.25)
    assert len(piece) == int(0.25 * SAMPLE_RATE)
    assert piece[0] == 40 and piece[-1] == 42


def test_a_dictated_number_keeps_its_evidence_in_the_store(settings: Settings,
                                                           tmp_path: Path) -> None:
    services = Services(settings, lambda _d: None, tmp_path / "s.db", "agent.test")  # type: ignore[arg-type,return-value]
    try:
        sid = services.start_session(dt.date(2026, 11, 28), "test")
        state = ReviewState()
        heard = (EvidenceSpan(3, 19, 33, "06 18 19 09 37"),)
        row = state.add("identifiers", "TELEPHONE 0618190937", heard, 0.9)
        assert row.status is RowStatus.ADDED and row.evidence == heard
        services.record_edit(sid, state.edits[-1])
        loaded = services.load_session(sid)
        assert loaded.edits[-1].evidence == heard
        again = ReviewState()
        for edit in loaded.edits:
            again.replay(edit)
        assert again.row("identifiers:TELEPHONE 0618190937") is not None
        assert again.rows()[3].evidence == heard
    finally:
        services.close()


# --- how the dialog looks ------------------------------------------------------------------------

def _never_read(start_s: float, end_s: float, kind: K, words: str) -> Reading:
    raise AssertionError("no utterance is heard in this test")


def test_dialog_snapshot(snap_compare: Any, settings: Settings, tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The number large in its groups, its status, what was heard (a reading
    posted as the worker would post it)."""
    monkeypatch.setattr(CounterApp, "notify", lambda *a, **k: None)
    engine = Engine("whisper-base", ScriptedTranscriber(()))
    app = make_app(settings, tmp_path / "s.db", None, engine, open_session=False)
    said = Utterance((_segment(0, "Oui alors c'est le 06 18 19 09 37."),))
    reading = _reading(K.TELEPHONE, None, ("06", "18", "19", "09"), heard="06 18 19 09")

    async def dictating(pilot: Pilot[None]) -> None:
        await pilot.pause(0.3)
        await app.push_screen(SessionScreen(app.ctx, autostart=False))
        await pilot.pause()
        dialog = NumberDialog(K.TELEPHONE, _never_read)
        await app.push_screen(dialog)
        dialog.post_message(NumberRead(said, reading))
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(120, 30), run_before=dictating)


@pytest.mark.anyio
async def test_dictation_needs_listening_and_a_nir_shown_is_reported(
        settings: Settings, tmp_path: Path) -> None:
    engine = Engine("scripté", ScriptedTranscriber(()))
    app = make_app(settings, tmp_path / "s.db", None, engine, open_session=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        screen = SessionScreen(app.ctx, autostart=False)
        await app.push_screen(screen)
        await pilot.pause()
        told: list[str] = []
        screen.notify = lambda text, **_kw: told.append(str(text))  # type: ignore[method-assign]
        await pilot.press("n")  # not listening: said, no dialog
        assert app.screen is screen and told == [S.NUMBER_NOT_LISTENING]

        shown: list[K] = []
        dialog = NumberDialog(K.NIR, _never_read, on_shown=shown.append)
        results: list[CapturedNumber | None] = []
        await app.push_screen(dialog, results.append)
        said = Utterance((_segment(0, "1 85 05 78 006 084 91"),))
        nir = ("1", "85", "05", "78", "006", "084", "91")
        dialog.post_message(NumberRead(said, _reading(K.NIR, "185057800608491", nir,
                                                      confidence=1.0)))
        dialog.post_message(NumberRead(said, _reading(K.NIR, None, ("12",))))
        await pilot.pause(0.2)
        assert shown == [K.NIR]  # once: the reveal is audited by the session
        assert dialog.entry.status().state is CheckState.TOO_LONG
        await pilot.press("enter")
        assert dialog.is_attached and dialog.is_active  # refused: too long
        await pilot.press("backspace", "enter")
        assert not dialog.is_attached
        assert results == [CapturedNumber(K.NIR, "185057800608491", said.evidence(K.NIR), 1.0)]


# --- a number heard but not kept: Enter on its row has it said again ---------------------------

ASK_AGAIN_LINES = (
    "Quel est votre numéro de téléphone ?",
    "C'est le 06 12 48 97.",  # two digits short: not drafted, to be said again
    "Et votre numéro allocataire ?",  # the last cue heard is another kind
)


async def _to_row(pilot: Pilot[None], screen: SessionScreen, key: str) -> None:
    panel = screen.query_one(DraftPanel)
    panel.focus()
    await pilot.press("home")
    for _ in range(len(panel.rows) + 1):
        if panel.current_key == key:
            return
        await pilot.press("down")
    raise AssertionError(f"no row {key} in {[r.key for r in panel.rows]}")


@pytest.mark.anyio
async def test_a_number_to_say_again_opens_the_dictation_of_its_kind_or_the_edit_line(
        settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    audio, lines = spoken_appointment(ASK_AGAIN_LINES, gap_s=1.0)
    audio = np.concatenate([audio, np.zeros(12 * SAMPLE_RATE, dtype=np.float32)])
    engine = Engine("scripté", ScriptedTranscriber(lines))
    monkeypatch.setattr(Services, "number_reader", lambda self, engine, pipeline: _never_read)
    app = make_app(settings, tmp_path / "s.db", audio, engine, realtime=True)
    async with app.run_test(size=SIZE) as pilot:
        await _wait(pilot, lambda: isinstance(app.screen, SessionScreen), 20, "session screen")
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        told: list[str] = []
        screen.notify = lambda text, **_kw: told.append(str(text))  # type: ignore[method-assign]
        await _wait(pilot, lambda: screen.review.row("ask:TELEPHONE") is not None
                    and "allocataire" in _said(screen), 30, "the number to say again")
        panel = screen.query_one(DraftPanel)
        assert [(r.status, r.value) for r in panel.rows if r.field == "identifiers"] == [
            (RowStatus.EMPTY, ""), (RowStatus.ASK_AGAIN, "TELEPHONE")]
        # Said once, as it appears: the agent is looking at the usager.
        assert told == [S.ASK_AGAIN_TOLD.format(kind="Téléphone")]
        await _to_row(pilot, screen, "ask:TELEPHONE")
        shown = str(panel.get_option_at_index(panel.highlighted or 0).prompt)
        assert "Téléphone" in shown and S.ASK_AGAIN in shown
        assert "06 12 48 97" in str(screen.query_one("#evidence", Static).render())

        # Listening: Enter opens « Dictée d'un numéro » on the row's kind, not the last cue's.
        assert screen.state == S.STATE_LISTENING
        await pilot.press("enter")
        await _wait(pilot, lambda: isinstance(app.screen, NumberDialog), 5, "the dialog")
        dialog = app.screen
        assert isinstance(dialog, NumberDialog)
        assert _kind_highlighted(dialog) is K.TELEPHONE
        await pilot.press("escape")
        await _wait(pilot, lambda: app.screen is screen, 5, "the dialog closed")

        # Reviewing after the appointment: Enter opens the edit line on the kind.
        await pilot.press("t")
        assert screen.state == S.STATE_ENDED
        await _to_row(pilot, screen, "ask:TELEPHONE")
        await pilot.press("enter")
        await _wait(pilot, lambda: isinstance(app.screen, EditDialog), 5, "the edit line")
        assert "Téléphone" in str(app.screen.query_one("#edit-title", Static).render())
        await pilot.press(*[{" ": "space"}.get(c, c) for c in "06 12 48 97 30"])
        await pilot.press("enter")
        await _wait(pilot, lambda: app.screen is screen, 5, "the edit line closed")
        row = screen.review.row("identifiers:TELEPHONE 0612489730")
        assert row is not None and row.status is RowStatus.ADDED
        assert screen.review.row("ask:TELEPHONE") is None
        assert screen.review.final_values()["identifiers"] == ["TELEPHONE 0612489730"]


# --- the dialog in the live app, on the real model ----------------------------------------------

def _conversation(*turns: tuple[str, str, float]) -> AudioArray:
    """(text, MBROLA voice, silence after) spoken one after the other."""
    pieces = [np.zeros(int(0.5 * SAMPLE_RATE), dtype=np.float32)]
    for text, voice, gap in turns:
        pieces += [speak(text, voice), np.zeros(int(gap * SAMPLE_RATE), dtype=np.float32)]
    return np.concatenate(pieces)


async def _wait(pilot: Pilot[None], check: Callable[[], bool], timeout: float = 90.0,
                what: str = "") -> None:
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"not within {timeout} s: {what}")


def _said(screen: SessionScreen) -> str:
    """The committed transcript ("" while the screen is still being composed:
    it is the app's screen as soon as it is pushed, before its widgets exist)."""
    views = screen.query(TranscriptView)
    return " ".join(s.text for s in views.first().segments) if views else ""


async def _open_dictation(pilot: Pilot[None], app: CounterApp, cue: str) -> tuple[
        SessionScreen, NumberDialog]:
    """Once the agent's question is committed, press n: the dialog opens."""
    await _wait(pilot, lambda: isinstance(app.screen, SessionScreen), 20, "session screen")
    screen = app.screen
    assert isinstance(screen, SessionScreen)
    await _wait(pilot, lambda: cue in _said(screen).lower(), 60, f"the cue « {cue} »")
    assert screen.state == S.STATE_LISTENING
    await pilot.press("n")
    await _wait(pilot, lambda: isinstance(app.screen, NumberDialog), 5, "the dialog")
    dialog = app.screen
    assert isinstance(dialog, NumberDialog)
    return screen, dialog


def _kind_highlighted(dialog: NumberDialog) -> K:
    kinds = dialog.query_one("#number-kinds", OptionList)
    assert kinds.highlighted is not None
    return K(kinds.get_option_at_index(kinds.highlighted).id or "")


def _status_line(dialog: NumberDialog) -> str:
    return str(dialog.query_one("#number-status", Static).render())


def _store_edits(path: Path, session_id: int) -> list[dict[str, Any]]:
    store = SessionStore.open(path)
    try:
        return [json.loads(e.new_json) for e in store.edits(SessionId(session_id))
                if e.field == "identifiers"]
    finally:
        store.close()


@pytest.mark.anyio
@pytest.mark.model
@pytest.mark.slow
async def test_dictated_phone_number_is_read_shown_and_added_with_evidence(
        settings: Settings, tmp_path: Path, speech_model: Any) -> None:
    audio = _conversation(
        ("Très bien. Quel est votre numéro de téléphone ?", "mb-fr1", 3.5),
        ("Oui alors c'est le zéro six, dix-huit, dix-neuf, zéro neuf, trente-sept.",
         "mb-fr4", 3.0),
    )
    store = tmp_path / "s.db"
    app = make_app(settings, store, audio, Engine("whisper-base", speech_model), realtime=True)
    async with app.run_test(size=SIZE) as pilot:
        screen, dialog = await _open_dictation(pilot, app, "téléphone")
        # The kind of the last cue heard is proposed.
        assert _kind_highlighted(dialog) is K.TELEPHONE
        assert dialog.entry.kind is K.TELEPHONE
        assert S.NUMBER_WAITING in _status_line(dialog)

        # The next utterance is read again, off the UI thread, and shown in groups.
        await _wait(pilot, lambda: dialog.entry.readings >= 1 and dialog.pending == 0,
                    what="the reading of the number")
        entry = dialog.entry
        assert entry.value == "0618190937", entry
        assert dialog.query_one("#number-digits", Digits).value == "06 18 19 09 37"
        line = _status_line(dialog)
        assert f"{S.NUMBER_VALID}" in line
        assert (S.NUMBER_TO_VERIFY in line) == (entry.confidence < VERIFY_BELOW)
        evidence = entry.evidence
        number_segments = {s.id: s for s in screen.query_one(TranscriptView).segments}
        assert evidence and all(e.segment_id in number_segments for e in evidence)
        assert all(number_segments[e.segment_id].text[e.start:e.end] == e.quote
                   for e in evidence)

        # Enter: added to the draft as the agent's value, with that evidence.
        await pilot.press("enter")
        await _wait(pilot, lambda: isinstance(app.screen, SessionScreen), 5, "dialog closed")
        row = screen.review.row("identifiers:TELEPHONE 0618190937")
        assert row is not None and row.status is RowStatus.ADDED
        assert row.evidence == evidence
        panel = screen.query_one(DraftPanel)
        assert any(r.key == row.key for r in panel.rows)
        assert screen.session_id is not None
        session_id = screen.session_id
        await _wait(pilot, lambda: screen.state == S.STATE_ENDED, 60, "end of the replay")

    added = [e for e in _store_edits(store, session_id) if e["action"] == "add"]
    assert [e["value"] for e in added] == ["TELEPHONE 0618190937"]
    assert added[0]["evidence"] == [
        {"segment_id": e.segment_id, "start": e.start, "end": e.end, "quote": e.quote}
        for e in evidence]


@pytest.mark.anyio
@pytest.mark.model
@pytest.mark.slow
async def test_group_by_group_refused_while_incomplete_then_escape_adds_nothing(
        settings: Settings, tmp_path: Path, speech_model: Any) -> None:
    audio = _conversation(
        ("Vous pouvez me donner votre portable ?", "mb-fr1", 3.5),
        ("Zéro six, dix-huit.", "mb-fr4", 3.0),
        ("Dix-neuf, zéro neuf, trente-sept.", "mb-fr4", 3.0),
    )
    store = tmp_path / "s.db"
    app = make_app(settings, store, audio, Engine("whisper-base", speech_model), realtime=True)
    async with app.run_test(size=SIZE) as pilot:
        screen, dialog = await _open_dictation(pilot, app, "portable")
        assert _kind_highlighted(dialog) is K.TELEPHONE

        # The first groups: shown, « incomplet », and Enter refuses to add them.
        await _wait(pilot, lambda: dialog.entry.readings >= 1, what="the first reading")
        first = dialog.entry
        assert first.groups, first
        assert first.status().state is CheckState.INCOMPLETE, first
        have = sum(c.isdigit() for c in first.raw)
        assert f"incomplet : {have} chiffres sur 10" in _status_line(dialog)
        await pilot.press("enter")
        assert app.screen is dialog
        note = str(dialog.query_one("#number-note", Static).render())
        assert note.startswith("Impossible d'ajouter ce numéro : incomplet")

        # The rest, said in the next utterance, is appended to what was heard.
        await _wait(pilot, lambda: dialog.entry.readings >= 2, what="the second reading")
        second = dialog.entry
        assert second.raw.startswith(first.raw) and len(second.groups) > len(first.groups)
        assert second.raw == "0618190937", second
        assert second.status().valid and S.NUMBER_VALID in _status_line(dialog)
        assert S.NUMBER_TO_VERIFY in _status_line(dialog)  # put together from groups

        # Backspace takes the last group back: incomplete again.
        await pilot.press("backspace")
        assert dialog.entry.groups == second.groups[:-1]
        assert not dialog.entry.status().valid

        # Escape: nothing is added.
        await pilot.press("escape")
        await _wait(pilot, lambda: isinstance(app.screen, SessionScreen), 5, "dialog closed")
        assert not any(r.status is RowStatus.ADDED for r in screen.review.rows())
        assert screen.session_id is not None
        session_id = screen.session_id
        await _wait(pilot, lambda: screen.state == S.STATE_ENDED, 60, "end of the replay")

    assert not [e for e in _store_edits(store, session_id) if e["action"] == "add"]
    store_db = SessionStore.open(store)
    try:
        assert not [a for a in store_db.audit(SessionId(session_id))
                    if a.action is AuditAction.REVEALED]  # a phone number is not masked
    finally:
        store_db.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
