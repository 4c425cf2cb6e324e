"""Who said it, on the real parts: a stereo recording through the real model
(batch and ``stream --jsonl``), a stereo capture through the PulseAudio
virtual device and the real PortAudio path, the role shown in the app under
the Textual pilot, and the French error for a mono recording."""

from __future__ import annotations

import json
import subprocess
import threading
import wave
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import AudioFileError
from assistant.folding import fold
from assistant.settings import CaptureSettings, Settings
from assistant.streaming.events import PipelineEvent, StatusEvent, TranscriptUpdate
from assistant.types import SAMPLE_RATE, AudioArray
from tests.conftest import french_speech, silence
from tests.pulse import PulseServer, pulse
from tools.tts import write_wav

__all__ = ["pulse"]

ROLES = ("agent", "usager")
AGENT = "Bonjour madame, vous avez apporté votre avis d'imposition ?"
USAGER = "Oui, je l'ai dans mon sac, avec le courrier de la caisse."


def stereo_dialogue() -> tuple[np.ndarray, list[tuple[str, float, float]]]:
    """(2, n): the agent (fr4) on the left, the usager (fr1) on the right, each
    heard at -20 dB on the other channel; with the turns' (role, start, end)."""
    agent, usager = french_speech(AGENT, "mb-fr4"), french_speech(USAGER, "mb-fr1")
    gap = silence(0.8)
    lead = silence(0.4)
    left = np.concatenate([lead, agent, gap, 0.1 * usager, gap])
    right = np.concatenate([lead, 0.1 * agent, gap, usager, gap])
    a0 = len(lead) / SAMPLE_RATE
    u0 = a0 + (len(agent) + len(gap)) / SAMPLE_RATE
    turns = [("agent", a0, a0 + len(agent) / SAMPLE_RATE),
             ("usager", u0, u0 + len(usager) / SAMPLE_RATE)]
    return np.stack([left, right]).astype(np.float32), turns


def write_stereo(path: Path, stereo: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(stereo.shape[0])
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(stereo.T, -1, 1) * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture(scope="module")
def dialogue(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, float,
                                                                                   float]]]:
    stereo, turns = stereo_dialogue()
    return write_stereo(tmp_path_factory.mktemp("stereo") / "guichet.wav", stereo), turns


def role_at(segments: list[dict[str, object]], start: float, end: float) -> set[object]:
    return {s["speaker"] for s in segments
            if start - 0.3 <= (float(s["start"]) + float(s["end"])) / 2 <= end + 0.3}  # type: ignore[arg-type]


# ---------------------------------------------------------------- batch, stream
@pytest.mark.model
def test_transcribe_json_labels_each_turn_by_its_channel(
        dialogue: tuple[Path, list[tuple[str, float, float]]],
        capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    path, turns = dialogue
    assert main(["transcribe", str(path), "--format", "json", "--channels", "agent,usager",
                 "--no-progress"]) == 0
    doc = json.loads(capsys.readouterr().out)
    segments = doc["segments"]
    assert {s["speaker"] for s in segments} == {"agent", "usager"}, segments
    for role, start, end in turns:
        assert role_at(segments, start, end) == {role}, (role, segments)
    said = fold(" ".join(s["text"] for s in segments if s["speaker"] == "usager"))
    assert "sac" in said and "imposition" not in said
    assert main(["transcribe", str(path), "--channels", "agent,usager", "--no-progress"]) == 0
    txt = capsys.readouterr().out
    assert txt.startswith("Agent : ") and "\nUsager : " in txt, txt


@pytest.mark.model
def test_stream_jsonl_commits_carry_the_speaker(
        dialogue: tuple[Path, list[tuple[str, float, float]]],
        capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    path, turns = dialogue
    assert main(["stream", str(path), "--jsonl", "--channels", "agent,usager"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    commits = [e for e in events if e["event"] == "commit"]
    assert commits and all("speaker" in e for e in commits)
    for role, start, end in turns:
        assert role_at(commits, start, end) == {role}, (role, commits)


def test_a_mono_recording_with_channels_is_a_french_error(tmp_path: Path) -> None:
    from assistant.replay import FileSource

    mono = tmp_path / "mono.wav"
    write_wav(mono, french_speech("Bonjour madame."))
    with pytest.raises(AudioFileError, match=r"mono\.wav a 1 canal audio, il en faut 2"):
        FileSource.from_file(mono, channels=2)
    proc = subprocess.run(
        [".venv/bin/python", "-m", "assistant", "transcribe", str(mono), "--channels",
         "agent,usager"], capture_output=True, text=True, timeout=120, check=False,
        cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode != 0
    assert "1 canal audio, il en faut 2 pour savoir qui parle" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


# ------------------------------------------------------------- stereo capture
class _Events:
    def __init__(self) -> None:
        self.items: list[PipelineEvent] = []
        self.changed = threading.Condition()

    def __call__(self, event: PipelineEvent) -> None:
        with self.changed:
            self.items.append(event)
            self.changed.notify_all()

    def wait_for(self, predicate: object, timeout: float) -> None:
        assert callable(predicate)
        with self.changed:
            assert self.changed.wait_for(lambda: predicate(self.items), timeout), self.items


def _play_stereo(pulse: PulseServer, stereo: np.ndarray) -> subprocess.Popen[bytes]:
    wav = write_stereo(pulse.runtime_dir / "stereo.wav", stereo)
    return subprocess.Popen(["paplay", "--device=virt2", str(wav)], env=pulse.env)


@pytest.mark.pulse
@pytest.mark.model
def test_stereo_microphone_labels_agent_and_usager(pulse: PulseServer, speech_model: object,
                                                   settings: Settings) -> None:
    from assistant.capture import MicrophoneSource
    from assistant.pipeline import LivePipeline

    pulse.pactl("load-module", "module-null-sink", "sink_name=virt2", "rate=16000",
                "channels=2")
    pulse.pactl("load-module", "module-remap-source", "master=virt2.monitor",
                "source_name=virtmic2")
    pulse.pactl("set-default-source", "virtmic2")
    stereo = settings.model_copy(update={"capture": CaptureSettings(channels=list(ROLES))})
    events = _Events()
    source = MicrophoneSource(None, block_ms=100, channels=2)
    pipeline = LivePipeline(source, speech_model, stereo, events)  # type: ignore[arg-type]
    pipeline.start()
    try:
        events.wait_for(lambda items: any(isinstance(e, StatusEvent) and e.audio_s > 0
                                          for e in items), timeout=20)
        audio, _turns = stereo_dialogue()
        player = _play_stereo(pulse, np.concatenate([audio, np.zeros((2, SAMPLE_RATE),
                                                                    np.float32)], axis=1))
        player.wait(timeout=60)
        events.wait_for(lambda items: "sac" in fold(" ".join(
            s.text for e in items if isinstance(e, TranscriptUpdate) for s in e.committed)),
            timeout=60)
    finally:
        pipeline.stop()
        pulse.pactl("set-default-source", "virtmic")
    committed = [s for e in events.items if isinstance(e, TranscriptUpdate) for s in e.committed]
    agent = fold(" ".join(s.text for s in committed if s.speaker == "agent"))
    usager = fold(" ".join(s.text for s in committed if s.speaker == "usager"))
    # Whisper may mishear a word ("avis d'opposition"): judge each role by the
    # turn whose words it holds, not by one exact word.
    assert _shared(agent, AGENT) >= 4 and _shared(agent, USAGER) <= 1, committed
    assert _shared(usager, USAGER) >= 4 and _shared(usager, AGENT) <= 1, committed


def _shared(heard: str, said: str) -> int:
    """How many distinct words of ``said`` (three letters or more) ``heard`` holds."""
    words = {w for w in fold(said).replace("'", " ").replace(",", " ").replace(".", " ")
             .replace("?", " ").split() if len(w) >= 3}
    return len(words & set(heard.replace("'", " ").replace(",", " ").replace(".", " ")
                           .replace("?", " ").split()))


# ------------------------------------------------------------------ the app
@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_app_shows_each_turn_role(settings: Settings, tmp_path: Path) -> None:
    from assistant.replay import FileSource
    from assistant.tui.app import AppConfig, build_app
    from assistant.tui.services import Engine
    from assistant.tui.widgets import TranscriptView
    from tests.test_tui_support import APPOINTMENT_DAY, FixedClock, ScriptedTranscriber, TimedLine

    stereo_audio, turns = stereo_dialogue()
    lines = tuple(TimedLine(start, end, AGENT if role == "agent" else USAGER)
                  for role, start, end in turns)
    two = settings.model_copy(update={"capture": CaptureSettings(channels=list(ROLES))})
    engine = Engine("scripté", ScriptedTranscriber(lines))
    config = AppConfig(settings=two, replay=Path("guichet.wav"), open_session=True,
                       agent="agent.test", load_engine=lambda _s: engine, clock=FixedClock(),
                       today=lambda: APPOINTMENT_DAY, probe_devices=False)
    mono: AudioArray = stereo_audio.mean(axis=0)
    # The recording with its two channels kept apart, as --replay with --channels opens it.
    app = build_app(config, lambda _d: FileSource(mono, "guichet.wav", channels=stereo_audio),
                    tmp_path / "s.db")
    async with app.run_test(size=(150, 42)) as pilot:
        for _ in range(600):
            views = app.screen.query(TranscriptView)
            if views and len(views.first().segments) >= 2:
                break
            await pilot.pause(0.05)
        view = app.screen.query_one(TranscriptView)
        shown = [str(w.render()) for w in view.query(".segment")]
    assert [s.speaker for s in view.segments] == ["agent", "usager"]
    assert "Agent : Bonjour madame" in shown[0] and "Usager : Oui" in shown[1], shown
