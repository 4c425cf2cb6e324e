"""Capture through the real PortAudio path (PulseAudio virtual microphone),
the replay source, and every capture error the agent can meet."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.capture import MicrophoneSource, list_input_devices, resolve_device
from assistant.errors import CaptureError
from assistant.folding import fold
from assistant.replay import FileSource
from assistant.settings import Settings
from assistant.streaming.events import (
    EndEvent,
    ErrorEvent,
    PipelineEvent,
    StatusEvent,
    TranscriptUpdate,
)
from assistant.types import SAMPLE_RATE
from tests.conftest import ROOT, french_speech, silence
from tests.pulse import PulseServer, pulse

__all__ = ["pulse"]

PY = str(ROOT / ".venv" / "bin" / "python")


def _python() -> str:
    return PY if Path(PY).exists() else sys.executable


# --------------------------------------------------------------- without a device
def test_missing_portaudio_library_names_the_package() -> None:
    code = (
        "import ctypes.util as u\n"
        "u.find_library = lambda name: None\n"
        "from assistant.cli import main\n"
        "raise SystemExit(main(['devices']))\n"
    )
    proc = subprocess.run([_python(), "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, check=False)
    assert proc.returncode == CaptureError.exit_code, proc.stderr
    assert "PortAudio" in proc.stderr
    assert "libportaudio2" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_no_input_device_is_a_french_error(tmp_path: Path) -> None:
    # The stock ALSA configuration without its hooks: no card, no PulseAudio plugin.
    stock = Path("/usr/share/alsa/alsa.conf").read_text(encoding="utf-8")
    start, end = stock.index("@hooks ["), stock.index("# load card-specific")
    conf = tmp_path / "alsa.conf"
    conf.write_text(stock[:start] + stock[end:], encoding="utf-8")
    env = {"ALSA_CONFIG_PATH": str(conf), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run([_python(), "-m", "assistant", "devices"], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=60, check=False)
    assert proc.returncode == CaptureError.exit_code, proc.stderr
    assert "Aucun micro" in proc.stderr
    assert "Traceback" not in proc.stderr


# -------------------------------------------------------------------- replay
def test_replay_as_fast_as_possible_keeps_every_sample_in_order() -> None:
    audio = np.linspace(-0.5, 0.5, SAMPLE_RATE * 3 + 123, dtype=np.float32)
    source = FileSource(audio, "essai", block_ms=100)
    source.start()
    chunks = []
    while not source.finished:
        chunk = source.read(0.5)
        if chunk is not None:
            chunks.append(chunk)
    source.stop()
    assert np.array_equal(np.concatenate([c.samples for c in chunks]), audio)
    for before, after in itertools.pairwise(chunks):
        assert after.start_s == pytest.approx(before.end_s)
    assert source.overflows == 0


def test_replay_in_real_time_keeps_speaking_pace_and_pauses() -> None:
    audio = np.zeros(SAMPLE_RATE, dtype=np.float32)
    source = FileSource(audio, "essai", realtime=True, block_ms=100)
    started = time.monotonic()
    source.start()
    source.set_paused(True)
    time.sleep(0.4)
    assert source.captured_s <= 0.1
    source.set_paused(False)
    while not source.finished:
        source.read(0.2)
    elapsed = time.monotonic() - started
    assert elapsed >= 1.25  # 1 s of audio + the 0.4 s pause
    source.stop()


def test_a_recording_cannot_switch_to_a_microphone() -> None:
    source = FileSource(np.zeros(1600, dtype=np.float32), "essai.wav")
    with pytest.raises(CaptureError, match=r"essai\.wav"):
        source.switch_device(0)


# ----------------------------------------------------------- PulseAudio device
@pytest.mark.pulse
def test_devices_lists_the_virtual_microphone_as_default(pulse: PulseServer) -> None:
    devices = list_input_devices()
    assert any(d.is_default for d in devices)
    default = resolve_device(None)
    assert default.is_default and default.channels >= 1 and default.sample_rate > 0
    assert resolve_device(default.index) == default
    assert resolve_device(default.name.upper()) == default
    from assistant.cli import main

    assert main(["devices", "--device", str(default.index)]) == 0


@pytest.mark.pulse
def test_unknown_device_names_the_value(pulse: PulseServer) -> None:
    with pytest.raises(CaptureError, match="casque-introuvable") as err:
        resolve_device("casque-introuvable")
    assert "assistant devices" in err.value.hint
    with pytest.raises(CaptureError, match="9999"):
        resolve_device(9999)


@pytest.mark.pulse
def test_native_rate_is_resampled_to_16k(pulse: PulseServer) -> None:
    source = MicrophoneSource(None, block_ms=50)
    source.start()
    try:
        assert source.device is not None
        native = source.device.sample_rate
        got = _read_until(source, lambda: source.captured_s > 0, timeout=15)
        t = np.arange(int(1.5 * SAMPLE_RATE)) / SAMPLE_RATE
        tone = (0.3 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)
        pulse.play(tone)
        peaks: list[float] = []
        got += _read_for(source, 3.0, peaks)
    finally:
        source.stop()
    samples = np.concatenate([c.samples for c in got])
    where = np.flatnonzero(np.abs(samples) > 0.05)
    assert len(where), f"tone not captured (native rate {native})"
    tone_part = samples[where[0] : where[-1]]
    assert len(tone_part) > 1.2 * SAMPLE_RATE  # 1.5 s played, at 16 kHz after resampling
    spectrum = np.abs(np.fft.rfft(tone_part[: SAMPLE_RATE]))
    peak_hz = np.argmax(spectrum) * SAMPLE_RATE / SAMPLE_RATE
    assert abs(peak_hz - 440.0) < 5.0  # a wrong rate would move the tone
    assert max(peaks) == pytest.approx(0.3, abs=0.05)  # the meter follows the tone
    assert source.overflows == 0


@pytest.mark.pulse
def test_device_busy_or_refused_is_a_french_error(pulse: PulseServer,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.capture as capture

    device = resolve_device(None)
    # PortAudio listed the device; then the sound server refuses the stream, as a
    # device held by another program does (no re-scan in between, else it vanishes).
    monkeypatch.setattr(capture, "rescan_devices", lambda: False)
    monkeypatch.setenv("PULSE_SERVER", "unix:/nonexistent/pulse/native")
    source = MicrophoneSource(None)
    with pytest.raises(CaptureError, match="occupé ou indisponible") as err:
        source.start()
    assert device.name in err.value.message
    assert "autre micro" in err.value.hint


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

    def committed_text(self) -> str:
        return " ".join(s.text for e in self.items if isinstance(e, TranscriptUpdate)
                        for s in e.committed)


def _has_commit(items: list[PipelineEvent], after: int = 0) -> bool:
    return any(isinstance(e, TranscriptUpdate) and e.committed for e in items[after:])


@pytest.mark.pulse
@pytest.mark.model
def test_microphone_to_committed_text_then_unplug_and_resume(
        pulse: PulseServer, speech_model: object, settings: Settings) -> None:
    from assistant.pipeline import LivePipeline

    events = _Events()
    source = MicrophoneSource(None, block_ms=100)
    pipeline = LivePipeline(source, speech_model, settings, events)  # type: ignore[arg-type]
    pipeline.start()
    try:
        # The first PortAudio block can take about 2 s.
        events.wait_for(lambda items: any(isinstance(e, StatusEvent) and e.audio_s > 0
                                          for e in items), timeout=20)
        pulse.play(np.concatenate([french_speech("Bonjour, je viens pour mon dossier."),
                                   silence(1.0)]))
        events.wait_for(_has_commit, timeout=40)
        first = fold(events.committed_text())
        assert "bonjour" in first and "dossier" in first, first

        # The microphone disappears: what was committed stays, the session waits.
        mark = len(events.items)
        pulse.unplug()
        events.wait_for(lambda items: any(isinstance(e, ErrorEvent) for e in items[mark:]),
                        timeout=20)
        error = next(e for e in events.items[mark:] if isinstance(e, ErrorEvent))
        assert error.recoverable and isinstance(error.error, CaptureError)
        assert "ne répond plus" in error.error.message
        assert pipeline.state == "waiting_device"
        assert not any(isinstance(e, EndEvent) for e in events.items)

        # Another device comes: capture resumes, segment ids keep increasing.
        pulse.plug()
        pipeline.switch_device(None)
        events.wait_for(lambda items: pipeline.state == "running", timeout=20)
        mark = len(events.items)
        ids_before = [s.id for e in events.items if isinstance(e, TranscriptUpdate)
                      for s in e.committed]
        events.wait_for(lambda items: any(isinstance(e, StatusEvent) and e.level.peak == 0.0
                                          for e in items[mark:]), timeout=20)
        pulse.play(np.concatenate([french_speech("Merci beaucoup, au revoir."), silence(1.0)]))
        events.wait_for(lambda items: _has_commit(items, mark), timeout=40)
        later = [s for e in events.items[mark:] if isinstance(e, TranscriptUpdate)
                 for s in e.committed]
        assert "revoir" in fold(" ".join(s.text for s in later))
        assert min(s.id for s in later) > max(ids_before)
    finally:
        pipeline.stop()
    assert isinstance(events.items[-1], EndEvent)
    assert events.items[-1].reason == "stopped"


def _read_until(source: MicrophoneSource, done: object, timeout: float) -> list:  # type: ignore[type-arg]
    assert callable(done)
    got = []
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "no audio from the virtual microphone"
        chunk = source.read(0.1)
        if chunk is not None:
            got.append(chunk)
    return got


def _read_for(source: MicrophoneSource, seconds: float,
              peaks: list[float]) -> list:  # type: ignore[type-arg]
    got = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        chunk = source.read(0.1)
        if chunk is not None:
            got.append(chunk)
            peaks.append(source.level().peak)
    return got
