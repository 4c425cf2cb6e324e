"""Done-when of issue 6: ``assistant stream --realtime --save`` killed with SIGKILL
30 s into a replayed appointment loses none of the segments it had shown as
committed; ``assistant sessions --json`` lists the session as interrupted and
``assistant export ID --format json`` returns those segments."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.privacy import mask_text
from tools.tts import Turn, speak_dialogue, write_wav

KILL_AFTER_S = 30.0

APPOINTMENT = [
    Turn("agent", "Bonjour monsieur, installez-vous. Qu'est-ce que je peux faire pour vous ?"),
    Turn("usager", "Bonjour. Je n'ai plus reçu mon allocation logement depuis le mois de juin."),
    Turn("agent", "D'accord. Vous avez reçu un courrier de la caisse d'allocations familiales ?"),
    Turn("usager", "Oui, ils me demandent une attestation de loyer et mon dernier avis d'impôt."),
    Turn("agent", "Je vais regarder votre dossier. Vous pouvez me donner votre téléphone ?"),
    Turn("usager", "C'est le zéro six, douze, quarante-huit, quatre-vingt-dix-sept, trente."),
    Turn("agent", "Merci. Le dossier est bloqué depuis trois mois, je fais un signalement."),
    Turn("usager", "Et je dois apporter quoi la prochaine fois ?"),
    Turn("agent", "La quittance de loyer de juillet et votre avis d'imposition de cette année."),
    Turn("usager", "Très bien, je reviens la semaine prochaine avec les papiers. Merci."),
]


def _cli(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signal")
def test_sigkill_during_stream_save_keeps_every_committed_segment(
    tmp_path: Path, model_dir: Path
) -> None:
    audio, timed = speak_dialogue(APPOINTMENT)
    assert timed[-1].end > KILL_AFTER_S + 5  # the kill falls inside the appointment
    wav = tmp_path / "rendez-vous.wav"
    write_wav(wav, audio)

    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "stream", str(wav), "--realtime", "--jsonl",
         "--save"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: queue.Queue[tuple[float, str]] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put((time.monotonic(), line))

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        arrived, first = lines.get(timeout=120)  # the model loads first
        stream_began = arrived - float(json.loads(first)["at"])
        time.sleep(max(0.0, stream_began + KILL_AFTER_S - time.monotonic()))
        assert proc.poll() is None, "the stream ended before the kill"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(timeout=10)
    events = [json.loads(first)]
    while not lines.empty():
        events.append(json.loads(lines.get()[1]))
    committed = [e for e in events if e["event"] == "commit"]
    assert proc.returncode == -signal.SIGKILL
    assert not any(e["event"] == "end" for e in events)
    assert len(committed) >= 3, events

    sessions = json.loads(_cli("sessions", "--json"))
    assert [s["status"] for s in sessions] == ["interrupted"]
    assert sessions[0]["started_at"]
    exported = json.loads(_cli("export", str(sessions[0]["id"]), "--format", "json"))
    stored = {s["id"]: s for s in exported["segments"]}
    for event in committed:
        segment = stored[event["id"]]
        assert segment["start"] == pytest.approx(event["start"], abs=1e-3)
        assert segment["end"] == pytest.approx(event["end"], abs=1e-3)
        assert segment["text"] == mask_text(event["text"])
    # Nothing but what was shown: at most the one commit in flight at the kill.
    assert len(stored) <= len(committed) + 1
