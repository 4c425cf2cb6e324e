"""Shared fixtures: isolated settings, the real bundled model, synthetic speech.

Tests run on real parts: the real Whisper model (installed by scripts/setup.sh),
real recordings from ../shared/eval when present, and French speech
synthesised here with espeak-ng + MBROLA.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from assistant.paths import default_model_store
from assistant.settings import Settings, load_settings
from assistant.types import SAMPLE_RATE, AudioArray, Segment

if TYPE_CHECKING:
    from assistant.asr import SpeechModel

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SHARED_EVAL = SHARED / "eval"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test reads the developer's own config file or database."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ASSISTANT_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("ASSISTANT_STORE__PATH", str(home / "sessions.db"))
    kept = ("ASSISTANT_CONFIG", "ASSISTANT_STORE__PATH")
    for key in list(os.environ):
        if key.startswith("ASSISTANT_") and key not in kept:
            monkeypatch.delenv(key)
    yield


@pytest.fixture
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def model_dir() -> Path:
    path = default_model_store() / "whisper-base"
    assert (path / "model.bin").is_file(), "run scripts/setup.sh first (bundled model missing)"
    return path


@pytest.fixture(scope="session")
def speech_model(model_dir: Path):  # type: ignore[no-untyped-def]
    """The real bundled Whisper base model, loaded once per test session."""
    from assistant.asr import SpeechModel

    return SpeechModel(model_dir, compute_type="int8", cpu_threads=2)


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    if not SHARED_EVAL.is_dir():
        pytest.skip("../shared/eval is not beside this checkout")
    return SHARED_EVAL


@pytest.fixture(scope="session")
def tts_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tts")


def french_speech(text: str, voice: str = "mb-fr1") -> AudioArray:
    """Synthesised French speech (espeak-ng + MBROLA), 16 kHz float32."""
    from tools.tts import speak

    return speak(text, voice)


def said_with_word_times(model: SpeechModel, text: str,
                         voice: str = "mb-fr1") -> tuple[AudioArray, Segment]:
    """``text`` spoken, and the real model's reading of it as one segment with its
    word times and probabilities."""
    from assistant.asr import DecodeOptions

    audio = french_speech(text, voice)
    segments = model.transcribe(audio, DecodeOptions(word_timestamps=True))
    words = tuple(w for s in segments for w in s.words)
    return audio, Segment(0, words[0].start, words[-1].end,
                          " ".join(w.text for w in words), words=words)


def silence(seconds: float) -> AudioArray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)
