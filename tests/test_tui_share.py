"""The note leaves the workstation from the counter app (issue #16), under
Textual's pilot on the real app, pipeline, drafter and store (a scripted
transcriber stands in for Whisper): confirm → copied (the app's clipboard and
the OSC 52 sequence written to the terminal) → listed in « Fiches du jour » →
copied again → reopened → copied again; masking until revealed; the file
fallback. And, where tmux is installed, the same copy read back from a real
terminal's clipboard buffer (``tmux show-buffer``)."""

from __future__ import annotations

import base64
import datetime as dt
import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from test_tui_support import ScriptedTranscriber, make_app, spoken_appointment
from textual.pilot import Pilot
from textual.widgets import OptionList

from assistant.notetext import UNCONFIRMED_LINE
from assistant.settings import Settings
from assistant.store import AuditAction, SessionId, SessionStore
from assistant.tui import strings as S
from assistant.tui.app import CounterApp
from assistant.tui.screens.session import SessionScreen
from assistant.tui.screens.start import StartScreen
from assistant.tui.services import Engine
from assistant.tui.widgets import DraftPanel

SIZE = (150, 42)
NIR = "185057800608491"
LINES = (
    "Bonjour, c'est pour l'aide au logement, l'APL, pour la CAF.",
    "Mon numéro de sécurité sociale est le 1 85 05 78 006 084 clé 91.",
    "Mon loyer est de 620 euros par mois.",
    "Il faudra apporter votre RIB avant le 12 janvier.",
)
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def wait_for(pilot: Pilot[None], check: Callable[[], bool], timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"condition not met within {timeout} s")


def osc52(writes: list[str]) -> list[str]:
    """The texts the app sent to the terminal's clipboard (OSC 52)."""
    out = []
    for w in writes:
        if w.startswith("\x1b]52;c;"):
            out.append(base64.b64decode(w[len("\x1b]52;c;"):].rstrip("\a")).decode("utf-8"))
    return out


def record_terminal(app: CounterApp) -> list[str]:
    writes: list[str] = []
    driver = app._driver
    assert driver is not None
    real = driver.write

    def write(data: str) -> None:
        writes.append(data)
        real(data)

    driver.write = write  # type: ignore[method-assign]
    return writes


async def go_to_nir(pilot: Pilot[None], panel: DraftPanel) -> None:
    await pilot.press("home")
    for _ in range(len(panel.rows) + 1):
        if panel.current is not None and panel.current.value.startswith("NIR"):
            return
        await pilot.press("down")
    raise AssertionError("no NIR row")


async def test_confirm_copies_then_fiches_du_jour_copy_reopen_export(
        settings: Settings, tmp_path: Path) -> None:
    settings = settings.model_copy(update={"share": settings.share.model_copy(
        update={"folder": tmp_path / "fiches"})})
    audio, lines = spoken_appointment(LINES)
    store_path = tmp_path / "sessions.db"
    app = make_app(settings, store_path, audio, Engine("scripté", ScriptedTranscriber(lines)))
    async with app.run_test(size=SIZE) as pilot:
        writes = record_terminal(app)
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        await wait_for(pilot, lambda: screen.state == S.STATE_ENDED)
        session_id = screen.session_id
        assert session_id is not None

        # y at any time: the draft as it stands, said unconfirmed, the NIR masked.
        await pilot.press("y")
        draft_text = app.clipboard
        assert draft_text.startswith(UNCONFIRMED_LINE)
        assert NIR not in draft_text and "[NIR masqué]" in draft_text
        assert osc52(writes)[-1] == draft_text

        # Revealed on screen (v), the NIR goes in clear, and that is audited.
        await go_to_nir(pilot, screen.query_one("#draft", DraftPanel))
        await pilot.press("v")
        await pilot.press("c")
        await wait_for(pilot, lambda: app.screen is not screen)
        confirmed = app.clipboard
        assert osc52(writes)[-1] == confirmed
        assert UNCONFIRMED_LINE not in confirmed
        assert "Fiche confirmée par agent.test" in confirmed
        assert "Motif : Logement (APL)" in confirmed and "Montants : 620 €" in confirmed
        assert "RIB" in confirmed and "LOGEMENT" not in confirmed and "620.0" not in confirmed
        assert f"numéro de sécurité sociale {NIR}" in confirmed
        assert "Résumé : Rendez-vous CAF pour une aide au logement (APL)." in confirmed
        assert any(n.message == S.COPIED for n in app._notifications)

        # Back home: the note is listed in « Fiches du jour »; y copies it again, masked.
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, StartScreen))
        today = app.screen.query_one("#today", OptionList)
        await wait_for(pilot, lambda: today.option_count > 0
                       and today.get_option_at_index(0).id == f"t{session_id}")
        assert "Logement" in str(today.get_option_at_index(0).prompt)
        today.focus()
        today.highlighted = 0
        await pilot.press("y")
        again = app.clipboard
        assert again != confirmed and NIR not in again and "[NIR masqué]" in again
        assert "Motif : Logement (APL)" in again and osc52(writes)[-1] == again

        # x: exported as a private text file of the notes folder.
        await pilot.press("x")
        files = list((tmp_path / "fiches").glob(f"fiche-{session_id}-*.txt"))
        assert len(files) == 1
        exported = files[0].read_text(encoding="utf-8")
        assert "Motif : Logement (APL)" in exported and NIR not in exported
        if os.name == "posix":
            assert stat.S_IMODE(files[0].stat().st_mode) == 0o600

        # Enter reopens it, confirmed: c does not confirm twice, y copies again.
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        reopened = app.screen
        assert isinstance(reopened, SessionScreen)
        await wait_for(pilot, lambda: reopened.state == S.STATE_CONFIRMED)
        await pilot.press("c")
        assert any(n.message == S.ALREADY_CONFIRMED for n in app._notifications)
        await pilot.press("y")
        assert app.clipboard == again  # nothing revealed in this reopened view

    store = SessionStore.open(store_path)
    try:
        audit = store.audit(SessionId(session_id))
        reveals = [a.detail for a in audit if a.action is AuditAction.REVEALED]
        assert "NIR" in reveals and S.COPY_REVEAL.format(kind="NIR") in reveals
        exports = [a.detail for a in audit if a.action is AuditAction.EXPORTED]
        assert "format=presse-papiers EN CLAIR" in exports
        assert exports.count("format=presse-papiers masqué") >= 3
        assert "format=txt masqué" in exports
        assert all(NIR not in a.detail for a in audit)
    finally:
        store.close()


async def test_where_the_terminal_may_refuse_the_note_goes_to_a_private_file(
        settings: Settings, tmp_path: Path) -> None:
    settings = settings.model_copy(update={"share": settings.share.model_copy(
        update={"folder": tmp_path / "fiches", "clipboard": "file"})})
    audio, lines = spoken_appointment(LINES[:1])
    app = make_app(settings, tmp_path / "sessions.db", audio,
                   Engine("scripté", ScriptedTranscriber(lines)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        await wait_for(pilot, lambda: screen.state == S.STATE_ENDED)
        await pilot.press("c")
        await wait_for(pilot, lambda: app.screen is not screen)
        files = list((tmp_path / "fiches").glob("fiche-*.txt"))
        assert len(files) == 1 and files[0].read_text(encoding="utf-8") == app.clipboard
        if os.name == "posix":
            assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
        said = [n.message for n in app._notifications if "risque de refuser" in n.message]
        assert said and str(files[0]) in said[0]


TMUX = shutil.which("tmux")


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (scripts/setup.sh installs it): "
                                         "the real-terminal clipboard check needs it")
def test_confirm_reaches_a_real_terminal_clipboard_tmux(tmp_path: Path) -> None:
    """The app in a real terminal (tmux, ``set-clipboard on``): c confirms the
    reopened-for-review session, and tmux's clipboard buffer holds the note. Before
    the copy was sent a second time (``screens.base.COPY_AGAIN_S``) this failed in
    about half the runs: the OSC 52 sequence never reached the pane (tmux's
    pipe-pane log had none) while the app had called ``copy_to_clipboard``."""
    from assistant.notes.models import CaseNoteDraft, Drafted, Organization, Reason
    from assistant.store import SessionStore
    from assistant.types import Segment

    assert TMUX is not None
    db = tmp_path / "sessions.db"

    with SessionStore.open(db, actor="agent.tmux") as store:
        sid = store.start_session(appointment_date=dt.date.today()).id
        store.add_segment(sid, Segment(0, 0.0, 2.0, "Bonjour, c'est pour l'APL à la CAF."))
        store.save_draft(sid, CaseNoteDraft(
            appointment_date=dt.date.today(),
            organizations=(Drafted[Organization](value=Organization.CAF, confidence=0.9),),
            reason=Drafted[Reason](value=Reason.LOGEMENT, confidence=0.9)))
        store.end_session(sid)
    sock = f"assistant-share-{os.getpid()}"
    env = {**os.environ, "ASSISTANT_STORE__PATH": str(db),
           "ASSISTANT_SHARE__FOLDER": str(tmp_path / "fiches"), "TERM": "xterm-256color"}
    env.pop("TMUX", None)
    conf = tmp_path / "tmux.conf"
    conf.write_text("set -s set-clipboard on\n", encoding="utf-8")
    tmux = [TMUX, "-L", sock, "-f", str(conf)]
    cmd = f"{sys.executable} -m assistant live"
    try:
        subprocess.run([*tmux, "new-session", "-d", "-x", "150", "-y", "42", cmd],
                       env=env, check=True, timeout=20)

        def screen() -> str:
            return subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True,
                                  text=True, timeout=10).stdout

        def wait(text: str, timeout: float = 40.0) -> None:
            end = time.monotonic() + timeout
            while time.monotonic() < end:
                if text in screen():
                    return
                time.sleep(0.2)
            raise AssertionError(f"{text!r} not on screen:\n{screen()}")

        def keys(*k: str) -> None:
            subprocess.run([*tmux, "send-keys", *k], check=True, timeout=10)

        wait(S.START_TODAY)
        wait("à confirmer")  # the session to confirm is listed
        keys("Down")
        keys("Enter")
        wait(S.SESSION_ENDED.split(":")[0])
        keys("c")
        deadline = time.monotonic() + 20
        buffer = ""
        while time.monotonic() < deadline and "Motif" not in buffer:
            time.sleep(0.3)
            buffer = subprocess.run([*tmux, "show-buffer"], capture_output=True, text=True,
                                    timeout=10).stdout
        buffers = subprocess.run([*tmux, "list-buffers"], capture_output=True, text=True,
                                 timeout=10)
        assert "Motif : Logement (APL)" in buffer, (
            f"buffer {buffer!r}, buffers {buffers.stdout!r} {buffers.stderr!r}")
        assert "Organismes : CAF" in buffer and "Fiche confirmée par" in buffer
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, timeout=10)
