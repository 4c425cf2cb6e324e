"""The agent's enrolled voice: a voice print kept on this workstation.

« assistant voix enregistrer » embeds about 10 s of the agent's speech and
keeps only the 256 numbers of the voice print (never the audio) in a JSON
file readable by this user only (0600, written atomically). The labeller
takes the speaker most like it for the agent (``core.roles``).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.errors import InputError, ModelError
from assistant.paths import user_data_dir

if TYPE_CHECKING:
    from assistant.diarize.labeller import VoiceModels
    from assistant.settings import Settings
    from assistant.streaming.protocols import AudioSource

VOICE_FILE = "voix-agent.json"
MIN_SPEECH_S = 5.0
"""Speech an enrolment needs (about 10 s is asked for)."""
SPEECH_ACTIVITY = 0.5
MODELS_HINT = "Installez-les : « assistant models install --speakers »."


def voice_file(settings: Settings) -> Path:
    configured = settings.speakers.voice_file
    return configured.expanduser() if configured is not None else user_data_dir() / VOICE_FILE


def load_voice_models(settings: Settings) -> VoiceModels:
    """The one-microphone models of the model store, checked against the manifest."""
    from assistant import modelstore
    from assistant.diarize.labeller import SPEAKERS_MODEL, VoiceModels

    try:
        folder = modelstore.verify_installed(settings.model.store, SPEAKERS_MODEL)
    except ModelError as exc:
        damaged = (settings.model.store / SPEAKERS_MODEL).is_dir()
        raise ModelError(f"Modèles de reconnaissance des voix indisponibles : {exc.message}",
                         exc.hint if damaged else MODELS_HINT) from None
    return VoiceModels.load(folder, threads=1)


def speech_seconds(models: VoiceModels, audio: np.ndarray) -> float:
    """Seconds of ``audio`` where the segmentation model hears someone speak."""
    total = 0.0
    for w in models.segmenter.windows(audio, step_s=10.0):
        frames = w.activity.max(axis=1) >= SPEECH_ACTIVITY
        total += float(frames.sum()) * 270 / 16000
    return total


RECORD_S = 10.0
"""How long the agent is asked to speak alone."""


def record_voice(source: AudioSource, seconds: float = RECORD_S) -> np.ndarray:
    """``seconds`` of ``source`` (a microphone), at most 5 s late: what the agent said."""
    source.start()
    pieces: list[np.ndarray] = []
    got = 0.0
    deadline = time.monotonic() + seconds + 5
    try:
        while got < seconds and time.monotonic() < deadline:
            chunk = source.read(0.5)
            if chunk is not None:
                pieces.append(chunk.samples)
                got += len(chunk.samples) / 16000
    finally:
        source.stop()
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)


def enroll(models: VoiceModels, audio: np.ndarray) -> tuple[np.ndarray, float]:
    """The voice print of ``audio`` and its seconds of speech (InputError if too little)."""
    speech = speech_seconds(models, audio)
    if speech < MIN_SPEECH_S:
        raise InputError(
            f"Trop peu de parole pour reconnaître votre voix : {speech:.1f} s entendues, "
            f"il en faut au moins {MIN_SPEECH_S:.0f}.",
            "Parlez normalement pendant une dizaine de secondes (par exemple, présentez le "
            "service à voix haute), seul, puis recommencez.")
    return models.encoder.embed(audio), speech


def enroll_and_keep(settings: Settings, audio: np.ndarray,
                    models: VoiceModels | None = None) -> float:
    """Enrol the agent's ``audio`` and keep the voice print where ``settings`` say;
    the seconds of speech heard (errors in French)."""
    vector, speech = enroll(models or load_voice_models(settings), audio)
    save_voice(voice_file(settings), vector, speech)
    return speech


def save_voice(path: Path, embedding: np.ndarray, speech_s: float) -> None:
    """Written atomically, readable by this user only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": 1, "encoder": "resemblyzer-0.1.4", "speech_s": round(speech_s, 1),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "embedding": [round(float(x), 6) for x in embedding]}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out)
    os.replace(tmp, path)
    if os.name == "posix":
        os.chmod(path, 0o600)


def load_voice(path: Path) -> np.ndarray | None:
    """The enrolled voice print, None when there is none."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        vector = np.asarray(data["embedding"], dtype=np.float32)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"Empreinte de voix illisible : {path} ({exc}).",
                         "Enregistrez votre voix à nouveau : « assistant voix enregistrer "
                         "--micro » (ou supprimez ce fichier).") from None
    if vector.shape != (256,):
        raise InputError(f"Empreinte de voix d'un autre format : {path}.",
                         "Enregistrez votre voix à nouveau : « assistant voix enregistrer "
                         "--micro ».")
    return vector


def forget_voice(path: Path) -> bool:
    if path.is_file():
        path.unlink()
        return True
    return False
