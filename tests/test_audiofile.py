"""Every way a recording can be unusable gets one clear French error."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from assistant.audiofile import load_audio
from assistant.errors import AudioFileError
from tests.conftest import french_speech, silence
from tools.tts import write_wav


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioFileError, match="introuvable") as err:
        load_audio(tmp_path / "absent.wav")
    assert "absent.wav" in str(err.value)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "vide.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioFileError, match="vide"):
        load_audio(path)


def test_not_audio(tmp_path: Path) -> None:
    path = tmp_path / "note.wav"
    path.write_text("ceci n'est pas un enregistrement\n" * 50)
    with pytest.raises(AudioFileError, match="n'est pas un fichier audio") as err:
        load_audio(path)
    assert err.value.hint


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(AudioFileError, match="dossier"):
        load_audio(tmp_path)


def test_silent_file(tmp_path: Path) -> None:
    path = tmp_path / "silence.wav"
    write_wav(path, silence(3.0))
    with pytest.raises(AudioFileError, match="silencieux"):
        load_audio(path)
    assert len(load_audio(path, allow_silence=True)) == 48_000


def test_truncated_wav(tmp_path: Path) -> None:
    path = tmp_path / "coupe.wav"
    write_wav(path, french_speech("Bonjour, je viens pour mon dossier à la caisse."))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])  # header still announces the full length
    with pytest.raises(AudioFileError, match="tronqué"):
        load_audio(path)


def test_truncated_flac(tmp_path: Path) -> None:
    wav = tmp_path / "x.wav"
    write_wav(wav, french_speech("Bonjour, je viens pour mon dossier à la caisse d'allocations."))
    flac = tmp_path / "x.flac"
    subprocess.run(["sox", str(wav), str(flac)], check=True)
    data = flac.read_bytes()
    flac.write_bytes(data[: len(data) // 2])
    with pytest.raises(AudioFileError, match=r"tronqué|abîmé"):
        load_audio(flac)


def test_stereo_44k_is_resampled_to_16k_mono(tmp_path: Path) -> None:
    rate = 44_100
    t = np.arange(rate * 2) / rate
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    stereo = np.stack([tone, tone], axis=1)
    path = tmp_path / "casque.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((stereo * 32767).astype("<i2").tobytes())
    audio = load_audio(path)
    assert audio.dtype == np.float32
    assert abs(len(audio) - 32_000) <= 160
    assert 0.25 < float(np.max(np.abs(audio))) < 0.35
